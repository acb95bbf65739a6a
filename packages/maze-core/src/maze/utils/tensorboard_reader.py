"""Read the scalar statistics of TensorBoard event files back (for notebooks, tests and comparisons)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ScalarRecord:
    """One scalar of a TensorBoard event file.

    :param tag: the scalar's tag, e.g. ``train_BaseEnvEvents/reward/mean``.
    :param step: the step it was logged at.
    :param value: the value.
    :param wall_time: when it was logged (seconds since the epoch).
    """

    tag: str
    step: int
    value: float
    wall_time: float


def _event_files(path: str | Path) -> list[Path]:
    root = Path(path)
    if root.is_file():
        return [root]
    if root.is_dir():
        files = sorted(p for p in root.rglob("*") if p.is_file() and "tfevents" in p.name)
        if files:
            return files
        raise FileNotFoundError(f"no TensorBoard event files (*tfevents*) under {str(root)!r}")
    raise FileNotFoundError(f"no TensorBoard event file or directory {str(root)!r}")


def read_tensorboard_scalars(path: str | Path) -> list[ScalarRecord]:
    """All scalars of a TensorBoard event file, or of every event file below a directory.

    Scalars written as ``simple_value`` and as scalar tensors (TensorBoard's newer format) are both read.

    :param path: an event file or a directory (searched recursively for ``*tfevents*`` files).
    :return: the records, sorted by tag, step and wall time.
    :raises ImportError: if the optional ``tensorboard`` package (maze-core's ``tensorboard`` extra) is missing.
    :raises FileNotFoundError: if ``path`` holds no event file.
    """
    try:
        from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
        from tensorboard.util import tensor_util
    except ImportError as exc:
        raise ImportError("reading TensorBoard event files needs the 'tensorboard' package: "
                          "pip install 'maze-core[tensorboard]'") from exc
    records: list[ScalarRecord] = []
    for file in _event_files(path):
        for event in EventFileLoader(str(file)).Load():
            if not event.HasField("summary"):
                continue
            for value in event.summary.value:
                kind = value.WhichOneof("value")
                if kind == "simple_value":
                    scalar = float(value.simple_value)
                elif kind == "tensor" and not value.tensor.tensor_shape.dim:
                    scalar = float(tensor_util.make_ndarray(value.tensor).item())
                else:
                    continue  # histograms, images, text
                records.append(ScalarRecord(value.tag, int(event.step), scalar, float(event.wall_time)))
    records.sort(key=lambda r: (r.tag, r.step, r.wall_time))
    return records


def tensorboard_to_pandas(path: str | Path) -> Any:
    """Convert the scalars of TensorBoard logs to a pandas DataFrame (columns ``tag``, ``step``, ``value``,
    ``wall_time``; see :func:`read_tensorboard_scalars`, which returns the same rows without pandas).

    :param path: an event file or a directory of event files.
    :raises ImportError: if pandas is not installed (``pip install pandas``).
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError("tensorboard_to_pandas needs pandas (pip install pandas); without it, "
                          "maze.utils.read_tensorboard_scalars returns the same rows as ScalarRecord objects") from exc
    rows = read_tensorboard_scalars(path)
    return pd.DataFrame([r.__dict__ for r in rows], columns=["tag", "step", "value", "wall_time"])
