"""Bridge from the trainers' flat per-epoch statistics to maze-core's statistics writers.

Trainers report ``{"<prefix>_<Topic>/<event>/<label>": value}`` once per epoch. :class:`LogStatsWriterBridge`
turns them into maze-core ``LogStats`` (keys reference the topic's event methods, e.g.
``BaseEnvEvents.reward``) and hands them to :class:`~maze.core.log_stats.log_stats.LogStatsWriter` s
(console tables, TensorBoard), grouped by prefix (``train``, ``eval``).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from maze.core.log_stats.log_stats import LogStatsKey, LogStatsWriter

_TOPICS: dict[str, type] = {}
_SYNTHETIC: dict[tuple[str, str], Callable] = {}


def _topics() -> dict[str, type]:
    if not _TOPICS:
        from maze.core.env.base_env_events import BaseEnvEvents
        from maze.train.trainers.common.actor_critic.actor_critic_events import MultiStepActorCriticEvents
        from maze.train.trainers.imitation.imitation_events import ImitationEvents

        for cls in (BaseEnvEvents, MultiStepActorCriticEvents, ImitationEvents):
            _TOPICS[cls.__name__] = cls
    return _TOPICS


def _event(topic: str, name: str) -> Callable:
    cls = _topics().get(topic)
    fn = getattr(cls, name, None) if cls is not None else None
    if fn is not None:
        return fn
    key = (topic, name)
    if key not in _SYNTHETIC:
        def event(*args: Any, **kwargs: Any) -> None:
            """Synthetic event of a trainer statistic."""
        event.__qualname__ = f"{topic}.{name}"
        event.__name__ = name
        _SYNTHETIC[key] = event
    return _SYNTHETIC[key]


def split_flat_stats(flat: dict[str, Any]) -> dict[str, dict[LogStatsKey, Any]]:
    """``{"train_BaseEnvEvents/reward/mean": v}`` → ``{"train": {LogStatsKey(BaseEnvEvents.reward, "mean", None): v}}``."""
    out: dict[str, dict[LogStatsKey, Any]] = {}
    for tag, value in flat.items():
        head, _, rest = tag.partition("/")
        prefix, _, topic = head.partition("_")
        name, _, label = rest.partition("/")
        event = _event(topic, name)
        if topic == "BaseEnvEvents" and label:
            key = LogStatsKey(event, label, None)
        else:
            key = LogStatsKey(event, None, tuple(label.split("/")) if label else None)
        out.setdefault(prefix, {})[key] = value
    return out


class LogStatsWriterBridge:
    """A trainer stats writer (``(epoch, flat_stats)``) that forwards to maze-core ``LogStatsWriter`` s.

    :param writers: the writers (console, TensorBoard...).
    :param print_header: print ``********** Epoch N **********`` before each epoch's tables.
    """

    def __init__(self, writers: Sequence[LogStatsWriter], print_header: bool = True) -> None:
        self.writers = list(writers)
        self.print_header = print_header

    def __call__(self, epoch: int, flat: dict[str, Any]) -> None:
        if self.print_header:
            print(f"********** Epoch {epoch} **********", flush=True)
        groups = split_flat_stats(flat)
        for writer in self.writers:
            for prefix in sorted(groups, key=lambda p: (p != "train", p)):
                writer.write(prefix, epoch + 1, groups[prefix])
            writer.flush()

    def close(self) -> None:
        for writer in self.writers:
            writer.close()
