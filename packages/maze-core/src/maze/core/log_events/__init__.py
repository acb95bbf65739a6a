"""Raw event logs and KPIs.

* :class:`~maze.core.log_events.step_event_log.StepEventLog` / :class:`~maze.core.log_events.episode_event_log.EpisodeEventLog`:
  the events of a step / an episode (``query_events``), input of
  :meth:`KpiCalculator.calculate_kpis(episode_event_log, last_maze_state) <maze.core.log_events.kpi_calculator.KpiCalculator.calculate_kpis>`.
* :class:`~maze.core.log_events.log_events_writer.LogEventsWriter` (interface),
  :class:`~maze.core.log_events.log_events_writer_tsv.LogEventsWriterTSV` (one TSV file per event type),
  :class:`~maze.core.log_events.log_events_writer_registry.LogEventsWriterRegistry` (process-wide writers that
  the LogStatsWrapper feeds at every episode end) and
  :class:`~maze.core.log_events.log_events_utils.SimpleEventLoggingSetup` (context manager).
"""
