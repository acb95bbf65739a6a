"""Torch-free in-memory dataset of recorded trajectories (for imitation learning and demonstrations).

maze-train wraps it into a torch ``Dataset``; as it implements ``__len__`` and ``__getitem__``, it also
works with ``torch.utils.data.random_split`` directly (split by step). :meth:`InMemoryDataset.split`
splits by trajectory, so that steps of one episode never end up on both sides.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from maze.core.env.structured_env import ActorID, StepKeyType
from maze.core.trajectory_recording.datasets.trajectory_processor import (
    IdentityTrajectoryProcessor,
    TrajectoryProcessor,
)
from maze.core.trajectory_recording.records.structured_spaces_record import StructuredSpacesRecord
from maze.core.trajectory_recording.records.trajectory_record import TrajectoryRecord
from maze.core.trajectory_recording.serialization import find_trajectory_files, load_trajectory
from maze.core.utils.progress import Progress

#: seconds between liveness checks of load workers
_POLL_S = 0.5


def _make_processor(trajectory_processor: Any) -> TrajectoryProcessor:
    if trajectory_processor is None:
        return IdentityTrajectoryProcessor()
    if isinstance(trajectory_processor, TrajectoryProcessor):
        return trajectory_processor
    from maze.core.utils.factory import Factory

    return Factory(TrajectoryProcessor).instantiate(trajectory_processor)


class DataLoadWorker:
    """Loads trajectory files (or receives deserialized trajectories) and converts them in a worker process."""

    @staticmethod
    def run(conversion_env_factory: Callable[[], Any] | None, trajectory_processor: TrajectoryProcessor,
            input_queue: Any, output_queue: Any, worker_id: int = 0) -> None:
        """Worker loop: ``(index, path_or_trajectory)`` items in, ``("ok", index, records)`` out.

        Ends on a ``None`` item with ``("done", worker_id, None)``; on an error it sends
        ``("error", index, traceback_text)`` and stops.
        """
        index = -1
        try:
            env = conversion_env_factory() if conversion_env_factory is not None else None
            while True:
                item = input_queue.get()
                if item is None:
                    break
                index, source = item
                trajectory = load_trajectory(source) if isinstance(source, (str, os.PathLike)) else source
                records = trajectory_processor.process(trajectory, env)
                output_queue.put(("ok", index, records))
            output_queue.put(("done", worker_id, None))
        except BaseException:  # noqa: BLE001 - reported to the main process
            output_queue.put(("error", index, f"data load worker {worker_id}:\n{traceback.format_exc()}"))


class InMemoryDataset:
    """Keeps the steps of recorded trajectories in memory as :class:`StructuredSpacesRecord` objects.

    :param input_data: a trajectory file, a directory (searched recursively for ``*.traj.zip``), a list of
        those, or already loaded trajectory records (``None``: an empty dataset to :meth:`append` to).
    :param conversion_env_factory: creates the env (with the same wrapper stack as the policy uses) that maps
        recorded MazeStates/MazeActions to observations/actions; needed for state trajectories. Must be
        picklable when ``n_workers > 1`` (e.g. ``functools.partial``, not a lambda).
    :param n_workers: number of loading processes (``1``: load in this process).
    :param trajectory_processor: a :class:`TrajectoryProcessor` or its config (default: identity).
    :param deserialize_in_main_thread: read files in this process and only convert in the workers.
    :param dir_or_file: the reference docs' name of ``input_data`` (give one of the two).
    :param trajectory_data_dir: the older reference docs' name of ``input_data`` (give one of the three).
    """

    def __init__(
        self,
        input_data: Any = None,
        conversion_env_factory: Callable[[], Any] | None = None,
        n_workers: int = 1,
        trajectory_processor: Any = None,
        deserialize_in_main_thread: bool = False,
        dir_or_file: Any = None,
        trajectory_data_dir: Any = None,
    ) -> None:
        given = {name: value for name, value in (("input_data", input_data), ("dir_or_file", dir_or_file),
                                                 ("trajectory_data_dir", trajectory_data_dir)) if value is not None}
        if len(given) > 1:
            raise ValueError(f"InMemoryDataset: {sorted(given)} name the same input (trajectory files or directories); "
                             f"give only one of them, got {given}")
        input_data = next(iter(given.values()), None)
        if int(n_workers) < 1:
            raise ValueError(f"n_workers must be >= 1, got {n_workers}")
        self.conversion_env_factory = conversion_env_factory
        self.n_workers = int(n_workers)
        self.trajectory_processor = _make_processor(trajectory_processor)
        self.deserialize_in_main_thread = bool(deserialize_in_main_thread)
        self.step_records: list[StructuredSpacesRecord] = []
        #: per loaded trajectory, the range of its steps in :attr:`step_records`
        self.trajectory_references: list[range] = []
        self.trajectory_ids: list[Any] = []
        self._conversion_env: Any = None
        if input_data is not None:
            self.load_data(input_data)

    # ------------------------------------------------------------------ loading
    def load_data(self, input_data: Any) -> None:
        """Load trajectories (files, directories or records) and append their steps."""
        if isinstance(input_data, TrajectoryRecord):
            input_data = [input_data]
        if isinstance(input_data, (list, tuple)) and input_data and all(isinstance(t, TrajectoryRecord) for t in input_data):
            for t in input_data:
                self.append(t)
            return
        files = find_trajectory_files(input_data)
        if not files:
            raise FileNotFoundError(f"no trajectory files (*.traj.zip) found in {input_data!r}")
        with Progress(total=len(files), unit="trajectory file") as progress:
            if self.n_workers == 1 or len(files) == 1:
                for f in files:
                    self.append(load_trajectory(f), trajectory_id=str(f))
                    progress.update()
                return
            sources: list[Any] = [load_trajectory(f) if self.deserialize_in_main_thread else str(f) for f in files]
            for i, records in enumerate(self._load_parallel(sources, progress)):
                self._add(records, str(files[i]))

    def append(self, trajectory: TrajectoryRecord, trajectory_id: Any = None) -> None:
        """Process and add one trajectory (in this process)."""
        if self._conversion_env is None and self.conversion_env_factory is not None:
            self._conversion_env = self.conversion_env_factory()
        self._add(self.trajectory_processor.process(trajectory, self._conversion_env),
                  trajectory_id if trajectory_id is not None else trajectory.id)

    def _add(self, records: list[StructuredSpacesRecord], trajectory_id: Any) -> None:
        start = len(self.step_records)
        self.step_records.extend(records)
        self.trajectory_references.append(range(start, len(self.step_records)))
        self.trajectory_ids.append(trajectory_id)

    def _load_parallel(self, sources: list[Any], progress: Progress | None = None) -> list[list[StructuredSpacesRecord]]:
        for name, obj in (("conversion_env_factory", self.conversion_env_factory),
                          ("trajectory_processor", self.trajectory_processor)):
            try:
                pickle.dumps(obj)
            except Exception as exc:  # noqa: BLE001
                raise ValueError(
                    f"{name}={obj!r} cannot be sent to load worker processes ({exc}); use a picklable callable "
                    f"(e.g. functools.partial of a module-level function) or n_workers=1"
                ) from exc
        ctx = multiprocessing.get_context("spawn")
        in_q, out_q = ctx.Queue(), ctx.Queue()
        n = min(self.n_workers, len(sources))
        for i, src in enumerate(sources):
            in_q.put((i, src))
        for _ in range(n):
            in_q.put(None)
        workers = [
            ctx.Process(target=DataLoadWorker.run, args=(self.conversion_env_factory, self.trajectory_processor, in_q, out_q, w),
                        daemon=True, name=f"maze-data-load-{w}")
            for w in range(n)
        ]
        for w in workers:
            w.start()
        results: dict[int, list[StructuredSpacesRecord]] = {}
        done = 0
        try:
            while done < n:
                try:
                    kind, index, payload = out_q.get(timeout=_POLL_S)
                except queue.Empty:
                    dead = [w for w in workers if not w.is_alive() and w.exitcode not in (0, None)]
                    if dead:
                        raise RuntimeError(f"data load worker {dead[0].name} died with exit code {dead[0].exitcode}") from None
                    continue
                if kind == "ok":
                    results[index] = payload
                    if progress is not None:
                        progress.update()
                elif kind == "done":
                    done += 1
                else:
                    where = f" while loading {sources[index]}" if 0 <= index < len(sources) else ""
                    raise RuntimeError(f"loading trajectory data failed{where}:\n{payload}")
        finally:
            for w in workers:
                if w.is_alive():
                    w.terminate()
                w.join(timeout=5)
        missing = [i for i in range(len(sources)) if i not in results]
        if missing:
            raise RuntimeError(f"data load workers returned no result for {len(missing)} trajectories")
        return [results[i] for i in range(len(sources))]

    # ------------------------------------------------------------------ dataset interface
    def __len__(self) -> int:
        return len(self.step_records)

    def __getitem__(self, index: int) -> tuple[dict[StepKeyType, Any], dict[StepKeyType, Any], list[ActorID]]:
        """``(observations by sub-step key, actions by sub-step key, actor IDs)`` of one step."""
        record = self.step_records[index]
        return record.observations_dict, record.actions_dict, record.actor_ids

    def get_record(self, index: int) -> StructuredSpacesRecord:
        """The full step record (rewards, dones, events...)."""
        return self.step_records[index]

    @property
    def n_trajectories(self) -> int:
        return len(self.trajectory_references)

    def split(self, ratios: Sequence[float], seed: int | None = None) -> list[DatasetSubset]:
        """Split by trajectory into subsets with about the given step fractions.

        Trajectories are shuffled with ``seed`` and assigned greedily so that every subset receives whole
        episodes: each to the subset furthest below its share, except that once only as many trajectories remain
        as subsets with a positive ratio are still empty, those subsets get them, so that no such subset stays
        empty while there are enough trajectories (a long last episode would otherwise go to the largest subset).
        E.g. ``train, valid = dataset.split([0.8, 0.2], seed=0)``.

        :param ratios: non-negative fractions (normalized to sum 1).
        :param seed: shuffling seed.
        """
        ratios = np.asarray(list(ratios), dtype=np.float64)
        if ratios.ndim != 1 or len(ratios) == 0 or np.any(ratios < 0) or ratios.sum() <= 0:
            raise ValueError(f"split ratios must be a non-empty list of non-negative numbers, got {list(ratios)}")
        ratios = ratios / ratios.sum()
        order = np.random.default_rng(seed).permutation(self.n_trajectories)
        targets = ratios * len(self)
        assigned = [[] for _ in ratios]  # type: list[list[int]]
        counts = np.zeros(len(ratios))
        for k, t in enumerate(order):
            empty = [j for j in range(len(ratios)) if ratios[j] > 0 and counts[j] == 0]
            if empty and len(order) - k <= len(empty):
                i = max(empty, key=lambda j: targets[j] - counts[j])
            else:
                i = int(np.argmax(targets - counts))
            assigned[i].extend(self.trajectory_references[t])
            counts[i] += len(self.trajectory_references[t])
        return [DatasetSubset(self, sorted(idx)) for idx in assigned]


@dataclass
class DatasetSubset:
    """A view of some steps of a dataset (what :meth:`InMemoryDataset.split` returns)."""

    dataset: InMemoryDataset
    indices: list[int]

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def __iter__(self) -> Iterable[Any]:
        return (self.dataset[i] for i in self.indices)
