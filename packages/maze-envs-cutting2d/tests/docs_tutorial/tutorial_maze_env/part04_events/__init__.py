"""Tutorial part 4: events and KPIs (part 4b trains with them, ``conf/``)."""
