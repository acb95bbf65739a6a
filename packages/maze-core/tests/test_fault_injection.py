"""Fault injection in maze-core: malicious trajectory files (zip bombs, lying headers, huge arrays, deep nesting),
a hanging env in parallel rollouts, and a raising rollout worker with finished episodes still queued.

The malicious files are real zip archives built here; "nothing was allocated" is checked with ``tracemalloc``
(numpy and bytes allocations are traced): the peak during the refused load stays far below what the file
declares.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from maze.core.trajectory_recording.records.state_record import StateRecord
from maze.core.trajectory_recording.records.trajectory_record import StateTrajectoryRecord
from maze.core.trajectory_recording.serialization import (
    TrajectoryFormatError,
    TrajectoryLimitError,
    TrajectoryLimits,
    dump_trajectory,
    iter_trajectories,
    load_trajectory,
)
from maze.core.utils.load_limits import LoadLimitError, json_nesting_depth, read_limited

TESTS_DIR = Path(__file__).resolve().parent
MiB = 1 << 20


def _meta(record: object) -> dict:
    return {"format": "maze-trajectory", "version": 1, "kind": "StateTrajectoryRecord", "episode_id": "x",
            "n_steps": 0, "record": record}


def _write_bomb(path: Path, padding_bytes: int) -> Path:
    """A valid trajectory archive whose deflated meta.json is ``padding_bytes`` of JSON whitespace (streamed)."""
    head, tail = json.dumps(_meta(None))[:-1].encode(), b"}"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf, zf.open("meta.json", "w") as fh:
        fh.write(head)
        chunk = b" " * MiB
        for _ in range(padding_bytes // MiB):
            fh.write(chunk)
        fh.write(tail)
    return path


def _peak_during(fn) -> tuple[BaseException, int]:
    """Run ``fn`` (which must raise) and return the exception and the traced peak of memory allocated meanwhile."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with pytest.raises(Exception) as info:
            fn()
        return info.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------------------------------------- zip bombs
def test_zip_bomb_meta_json_is_refused_by_size_before_it_is_read(tmp_path):
    bomb = _write_bomb(tmp_path / "bomb.traj.zip", 48 * MiB)
    assert bomb.stat().st_size < 200_000  # a real bomb: ~50 KB on disk, 48 MiB expanded
    limits = TrajectoryLimits(max_json_bytes=4 * MiB, max_compression_ratio=1e6)
    exc, peak = _peak_during(lambda: load_trajectory(bomb, limits=limits))
    assert isinstance(exc, TrajectoryLimitError) and isinstance(exc, TrajectoryFormatError)
    message = str(exc)
    assert str(bomb) in message and "'meta.json'" in message and "max_json_bytes=4,194,304" in message
    assert "MAZE_TRAJECTORY_MAX_JSON_BYTES" in message  # tells how to raise the limit
    assert peak < 2 * MiB
    # the same file loads when the limits allow it: the refusal above is the limit, not a broken file
    assert load_trajectory(bomb, limits=TrajectoryLimits(max_compression_ratio=1e6)) is None


def test_zip_bomb_is_refused_by_the_default_compression_ratio_limit(tmp_path):
    bomb = _write_bomb(tmp_path / "bomb.traj.zip", 48 * MiB)
    exc, peak = _peak_during(lambda: load_trajectory(bomb))
    assert isinstance(exc, TrajectoryLimitError)
    assert str(bomb) in str(exc) and "max_compression_ratio=200" in str(exc) and "fold" in str(exc)
    assert peak < 2 * MiB


def test_lying_size_header_does_not_let_a_bomb_through(tmp_path):
    """The headers declare 64 bytes for an entry that inflates to 32 MiB: reading stops at the declared size."""
    path = _write_bomb(tmp_path / "liar.traj.zip", 32 * MiB)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("meta.json")
    struct.pack_into("<I", raw, info.header_offset + 22, 64)  # local header: uncompressed size
    central = raw.rindex(b"PK\x01\x02")  # the (only) central directory record
    struct.pack_into("<I", raw, central + 24, 64)  # central directory: uncompressed size
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("meta.json").file_size == 64  # the lie is what the archive says
    exc, peak = _peak_during(lambda: load_trajectory(path))
    assert isinstance(exc, TrajectoryFormatError)
    assert str(path) in str(exc) and "'meta.json'" in str(exc) and "corrupt" in str(exc)
    assert peak < 2 * MiB


def test_stream_cap_holds_when_a_stream_yields_more_than_declared():
    with pytest.raises(LoadLimitError, match="more than declared"):
        read_limited(io.BytesIO(b"x" * (3 * MiB)), 2 * MiB + 5, "more than declared")
    assert read_limited(io.BytesIO(b"x" * 10), 10, "unused") == b"x" * 10


# ---------------------------------------------------------------------------------------------- arrays
def _archive_with_npy(path: Path, shape: tuple, dtype: str, payload: bytes, fortran_order: bool = False) -> Path:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": dtype, "fortran_order": fortran_order, "shape": shape})
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", json.dumps(_meta({"__ndref__": "arrays/0.npy"})))
        zf.writestr("arrays/0.npy", header.getvalue() + payload)  # magic, version, header, data
    return path


def test_npy_header_with_a_huge_shape_is_refused_before_allocation(tmp_path):
    path = _archive_with_npy(tmp_path / "huge.traj.zip", (200_000, 200_000), "<f8", b"\0" * 64)
    exc, peak = _peak_during(lambda: load_trajectory(path))
    assert isinstance(exc, TrajectoryLimitError)
    message = str(exc)
    assert str(path) in message and "'arrays/0.npy'" in message and "(200000, 200000)" in message
    assert "320,000,000,000 bytes" in message and "max_array_bytes=1,073,741,824" in message
    assert peak < MiB


def test_npy_header_larger_than_its_data_is_refused_before_allocation(tmp_path):
    """800 MB declared (within the default limit) by a 64-byte entry: refused before ``np.empty``."""
    path = _archive_with_npy(tmp_path / "short.traj.zip", (10_000, 10_000), "<f8", b"\0" * 64)
    exc, peak = _peak_during(lambda: load_trajectory(path))
    assert isinstance(exc, TrajectoryFormatError) and not isinstance(exc, TrajectoryLimitError)
    assert "declares shape (10000, 10000)" in str(exc) and "64 data bytes" in str(exc) and str(path) in str(exc)
    assert peak < MiB


def test_arrays_within_the_limits_load_and_object_arrays_stay_refused(tmp_path):
    data = np.arange(12, dtype="<i4").reshape(3, 4)
    path = _archive_with_npy(tmp_path / "ok.traj.zip", (3, 4), "<i4", data.tobytes())
    np.testing.assert_array_equal(load_trajectory(path), data)
    fortran = _archive_with_npy(tmp_path / "f.traj.zip", (3, 4), "<i4", data.T.tobytes(), fortran_order=True)
    np.testing.assert_array_equal(load_trajectory(fortran), data)
    with pytest.raises(TrajectoryLimitError, match="max_array_bytes=40"):
        load_trajectory(path, limits=TrajectoryLimits(max_array_bytes=40))
    bad = _archive_with_npy(tmp_path / "obj.traj.zip", (1,), "|O", b"\0" * 8)
    with pytest.raises(TrajectoryFormatError, match="object array"):
        load_trajectory(bad)


def test_inline_array_whose_shape_does_not_match_its_bytes_is_refused(tmp_path):
    path = tmp_path / "inline.traj.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", json.dumps(_meta({"__nd__": {"dtype": "<f8", "shape": [100000, 100000], "b64": "AAAA"}})))
    with pytest.raises(TrajectoryFormatError, match=r"needs 80000000000 bytes, but 3 are stored"):
        load_trajectory(path)


# ---------------------------------------------------------------------------------------------- nesting
@pytest.mark.parametrize("depth", [300, 200_000])  # within and far beyond the interpreter's recursion limit
def test_deeply_nested_meta_json_is_refused(tmp_path, depth):
    path = tmp_path / "deep.traj.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("meta.json", json.dumps(_meta(None))[:-5] + "[" * depth + "]" * depth + "}")
    with pytest.raises(TrajectoryLimitError) as info:
        load_trajectory(path)
    assert str(path) in str(info.value) and "max_json_depth" in str(info.value)
    assert "MAZE_TRAJECTORY_MAX_JSON_DEPTH" in str(info.value)


def test_json_nesting_depth_counts_without_recursion():
    deep: list = []
    node = deep
    for _ in range(50_000):
        node.append([])
        node = node[0]
    assert json_nesting_depth(deep) == 50_001
    assert json_nesting_depth(deep, stop_above=10) == 11
    assert json_nesting_depth({"a": [1, {"b": 2}]}) == 3 and json_nesting_depth(5) == 0


# ---------------------------------------------------------------------------------------------- configuration
def _real_trajectory(tmp_path: Path) -> Path:
    steps = [StateRecord({"obs": np.arange(400, dtype=np.float64)}, {"a": 1}, reward=1.0) for _ in range(3)]
    return dump_trajectory(StateTrajectoryRecord(id="ep", step_records=steps), tmp_path / "ep.traj.zip")


def test_limits_are_configurable_by_parameter_and_environment(tmp_path, monkeypatch):
    path = _real_trajectory(tmp_path)
    assert len(load_trajectory(path).step_records) == 3  # the defaults let real files through
    monkeypatch.setenv("MAZE_TRAJECTORY_MAX_ARRAY_BYTES", "1000")
    assert TrajectoryLimits.from_env().max_array_bytes == 1000
    with pytest.raises(TrajectoryLimitError, match="max_array_bytes=1,000"):
        load_trajectory(path)
    with pytest.raises(TrajectoryLimitError, match="max_array_bytes=1,000"):
        list(iter_trajectories(tmp_path))
    assert len(load_trajectory(path, limits=TrajectoryLimits()).step_records) == 3  # the parameter wins
    monkeypatch.setenv("MAZE_TRAJECTORY_MAX_ARRAY_BYTES", "lots")
    with pytest.raises(ValueError, match="MAZE_TRAJECTORY_MAX_ARRAY_BYTES='lots': expected a positive int"):
        load_trajectory(path)
    with pytest.raises(ValueError, match="TrajectoryLimits.max_json_depth must be a positive number, got 0"):
        TrajectoryLimits(max_json_depth=0)


def test_too_many_entries_and_too_large_totals_are_refused(tmp_path):
    path = tmp_path / "many.traj.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", json.dumps(_meta(None)))
        for i in range(20):
            zf.writestr(f"arrays/{i}.npy", b"\0" * 1000)
    with pytest.raises(TrajectoryLimitError, match="has 21 entries, more than the limit max_entries=10"):
        load_trajectory(path, limits=TrajectoryLimits(max_entries=10))
    with pytest.raises(TrajectoryLimitError, match="max_total_bytes=10,000"):
        load_trajectory(path, limits=TrajectoryLimits(max_total_bytes=10_000))
    assert load_trajectory(path) is None


# ---------------------------------------------------------------------------------------------- parallel rollouts
def _maze_run(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), os.environ.get("PYTHONPATH", "")]),
           "MPLBACKEND": "Agg"}
    exe = Path(sys.executable).with_name("maze-run")
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_parallel_rollout_default_timeout_is_on():
    from maze.core.rollout.parallel_rollout_runner import DEFAULT_TIMEOUT_S, ParallelRolloutRunner

    assert ParallelRolloutRunner().timeout_s == DEFAULT_TIMEOUT_S == 300
    assert ParallelRolloutRunner(timeout_s=None).timeout_s is None and ParallelRolloutRunner(timeout_s=0).timeout_s is None
    with pytest.raises(ValueError, match=r"runner.timeout_s=-1(.0)? is invalid: expected a number >= 0"):
        ParallelRolloutRunner(timeout_s=-1)
    import maze.core.conf

    conf = (Path(maze.core.conf.__file__).parent / "runner" / "parallel.yaml").read_text()
    assert "\ntimeout_s: 300" in conf  # maze-run's runner=parallel has the timeout on, too


def test_hanging_env_stops_the_parallel_rollout_with_the_stalled_workers_stack(tmp_path):
    """Episode 2 (seed 3) hangs in env.step after 3 steps; the run ends in seconds, exit code non-zero."""
    start = time.monotonic()
    proc = _maze_run(["env=gym_env", "env.name=fault_envs:HangingCartPole-v0", "+env.hang_seed=3",
                      "+env.hang_after_steps=3", "runner=parallel", "runner.n_processes=2", "runner.n_episodes=4",
                      "runner.timeout_s=3", "seeding.explicit_env_seeds=[1,2,3,4]", "seeding.agent_base_seed=0"], tmp_path)
    elapsed = time.monotonic() - start
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    assert elapsed < 60, elapsed  # typically ~10 s: start-up + 3 s timeout; never a hang
    assert "stalled in episode 2: no env reset or step finished for" in out, out[-3000:]
    assert "runner.timeout_s=3" in out
    worker = re.search(r"rollout worker (\d) \(pid \d+\) stalled in episode 2", out)
    assert worker is not None and worker.group(1) in "01"
    # faulthandler's dump of the stalled worker shows the env's step frame (the sleep in fault_envs.py)
    dump = out[out.index("--- stack of the stalled worker ---"):]
    assert re.search(r'File ".*fault_envs\.py", line \d+ in step', dump), dump[:2000]
    # the other episodes finished and were counted
    assert "[maze] 3/4 episodes finished" in out


def test_raising_worker_still_counts_every_finished_episode(tmp_path, capsys):
    """Episode 0 raises once 12 trajectories are on disk, with a 3 MB state dump in its message: while that report
    is sent the other workers keep finishing episodes, whose reports queue up behind it. Every episode whose
    trajectory was written is counted (before the fix: e.g. 20 counted, 27 on disk)."""
    from maze.core.log_stats.log_stats import GlobalLogState
    from maze.core.rollout.parallel_rollout_runner import ParallelRolloutRunner, RolloutWorkerError
    from maze.core.trajectory_recording.serialization import find_trajectory_files
    from maze.core.utils.seeding import MazeSeeding

    GlobalLogState.reset()
    seeds = list(range(11, 51))
    runner = ParallelRolloutRunner(n_processes=3, n_episodes=len(seeds), max_episode_steps=0, record_trajectory=True)
    runner.output_dir = str(tmp_path)
    runner.maze_seeding = MazeSeeding(explicit_env_seeds=seeds, agent_seed=5)
    raising = {"_target_": "maze.core.wrappers.maze_gym_env_wrapper.make_gym_maze_env",
               "name": "fault_envs:RaisingCartPole-v0", "raise_seed": seeds[0], "raise_at_step": 1,
               "detail_bytes": 3_000_000, "wait_for_files": 12, "files_dir": str(tmp_path / "trajectory_data")}
    with pytest.raises(RolloutWorkerError, match="in episode 0 with EnvCrash: env crash at step 1") as info:
        runner.run_with(raising, {"_target_": "random_policy"})
    message = str(info.value)  # the 3 MB dump is shortened; the traceback still shows the env's frame
    assert len(message) < 30_000 and "more characters]" in message and "fault_envs.py" in message
    on_disk = {load_trajectory(f).id for f in find_trajectory_files(tmp_path / "trajectory_data")}
    reported = {r.episode_id for r in runner.reports}
    assert len(on_disk) >= 12
    assert reported == on_disk and len(runner.reports) == len(on_disk)
    assert 0 not in {r.episode_index for r in runner.reports}
    assert f"[maze] {len(on_disk)}/{len(seeds)} episodes finished" in capsys.readouterr().out
