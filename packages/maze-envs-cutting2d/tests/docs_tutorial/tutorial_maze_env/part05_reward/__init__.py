"""Tutorial part 5: rewards computed from events by a reward aggregator."""
