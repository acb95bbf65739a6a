"""The safe trajectory file format: round trips, allow-list, no code execution, atomic writes."""

from __future__ import annotations

import json
import math
import os
import sys
import zipfile
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pytest
from line_walker_env import WalkerAction, WalkerState, WalkEvents

from maze.core.env.structured_env import ActorID
from maze.core.events.event_record import EventRecord
from maze.core.trajectory_recording.records.state_record import StateRecord
from maze.core.trajectory_recording.records.trajectory_record import StateTrajectoryRecord
from maze.core.trajectory_recording.serialization import (
    INLINE_ARRAY_MAX_BYTES,
    TrajectoryFormatError,
    dump_trajectory,
    find_trajectory_files,
    load_trajectory,
)


class Color(Enum):
    RED = 1


@dataclass
class Unregistered:
    x: int


def _record(state, action=None, **kw) -> StateTrajectoryRecord:
    return StateTrajectoryRecord(id="ep-1", step_records=[StateRecord(state, action, **kw)], metadata={"seed": 7})


def test_round_trip_of_values_arrays_events_and_dataclasses(tmp_path):
    big = np.arange(INLINE_ARRAY_MAX_BYTES, dtype=np.float64).reshape(-1, 4)  # > inline limit → own .npy entry
    state = {
        "walker": WalkerState(3, 5, 2, np.array([0, 1, 2], dtype=np.int64), (3, 4)),
        1: (1.5, float("nan"), float("-inf")),
        "big": big,
        "__tricky": {"set": {1, 2}, "bytes": b"\x00\x01", "scalar": np.float32(2.5), "bool": np.bool_(True)},
        "actor": ActorID("select", 1),
    }
    event = EventRecord(WalkEvents, WalkEvents.moved, {"position": 4, "direction": 1})
    path = dump_trajectory(_record(state, WalkerAction(1), step_event_log=[event], reward=-0.5, done=False,
                                   info={"unencodable": object()}), tmp_path / "ep-1.traj.zip")
    with zipfile.ZipFile(path) as zf:
        assert "arrays/0.npy" in zf.namelist()
        meta = json.loads(zf.read("meta.json"))
    assert (meta["format"], meta["version"], meta["kind"], meta["episode_id"], meta["n_steps"]) == (
        "maze-trajectory", 1, "StateTrajectoryRecord", "ep-1", 1)

    loaded = load_trajectory(path)
    r = loaded.step_records[0]
    s = r.maze_state
    assert s["walker"].position == 3 and s["walker"].path == (3, 4)
    np.testing.assert_array_equal(s["walker"].visits, [0, 1, 2])
    assert s["walker"].visits.dtype == np.int64
    assert s[1][0] == 1.5 and math.isnan(s[1][1]) and s[1][2] == -math.inf
    np.testing.assert_array_equal(s["big"], big)
    assert s["__tricky"]["set"] == {1, 2} and s["__tricky"]["bytes"] == b"\x00\x01"
    assert s["__tricky"]["scalar"] == np.float32(2.5) and s["__tricky"]["scalar"].dtype == np.float32
    assert s["actor"] == ActorID("select", 1) and isinstance(s["actor"], ActorID)
    assert r.maze_action == WalkerAction(1)
    assert r.step_event_log == [event] and r.step_event_log[0].interface_method is WalkEvents.moved
    assert r.info["unencodable"].startswith("<object object")  # info is stored leniently (repr)
    assert loaded.metadata == {"seed": 7}


def test_untrusted_classes_are_refused_when_writing(tmp_path):
    with pytest.raises(TrajectoryFormatError, match="Unregistered.*register_trajectory_class"):
        dump_trajectory(_record(Unregistered(1)), tmp_path / "x.traj.zip")
    assert list(tmp_path.iterdir()) == []  # no partial or temp file left behind


def test_loading_never_imports_untrusted_modules(tmp_path, monkeypatch):
    marker = tmp_path / "imported.txt"
    (tmp_path / "evil_trajectory_mod.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\nclass Thing:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    meta = {"format": "maze-trajectory", "version": 1, "kind": "x", "episode_id": "e", "n_steps": 0,
            "record": {"__obj__": {"cls": "evil_trajectory_mod:Thing", "state": {}}}}
    path = tmp_path / "evil.traj.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", json.dumps(meta))
    with pytest.raises(TrajectoryFormatError, match="package 'evil_trajectory_mod' is not trusted"):
        load_trajectory(path)
    assert not marker.exists() and "evil_trajectory_mod" not in sys.modules


@pytest.mark.parametrize("record", [
    {"__obj__": {"cls": "maze.core.utils.factory:Factory", "state": {}}},  # trusted package, but not a dataclass
    {"__nd__": {"dtype": "|O", "shape": [1], "b64": ""}},                   # object arrays
])
def test_loading_refuses_non_data_classes_and_object_arrays(tmp_path, record):
    path = tmp_path / "bad.traj.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", json.dumps({"format": "maze-trajectory", "version": 1, "record": record}))
    with pytest.raises(TrajectoryFormatError):
        load_trajectory(path)


def test_pickle_files_wrong_versions_and_non_archives_get_clear_errors(tmp_path):
    (tmp_path / "old.pkl").write_bytes(b"\x80\x04K\x01.")
    with pytest.raises(TrajectoryFormatError, match="pickle trajectory files are not supported"):
        load_trajectory(tmp_path / "old.pkl")
    (tmp_path / "junk.traj.zip").write_text("not a zip")
    with pytest.raises(TrajectoryFormatError, match="not a zip archive"):
        load_trajectory(tmp_path / "junk.traj.zip")
    with zipfile.ZipFile(tmp_path / "v9.traj.zip", "w") as zf:
        zf.writestr("meta.json", json.dumps({"format": "maze-trajectory", "version": 9, "record": None}))
    with pytest.raises(TrajectoryFormatError, match="version 9 is not supported"):
        load_trajectory(tmp_path / "v9.traj.zip")


def test_enums_of_trusted_packages_and_file_discovery(tmp_path):
    from maze.core.log_stats.log_stats_types import LogStatsLevel

    dump_trajectory(_record({"level": LogStatsLevel.EPOCH}), tmp_path / "a" / "e1.traj.zip")
    dump_trajectory(_record({"n": 1}), tmp_path / "e0.traj.zip")
    files = find_trajectory_files(tmp_path)
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a/e1.traj.zip", "e0.traj.zip"]  # sorted paths
    assert load_trajectory(tmp_path / "a" / "e1.traj.zip").step_records[0].maze_state["level"] is LogStatsLevel.EPOCH
    with pytest.raises(TrajectoryFormatError, match="Color"):  # enums of untrusted packages must be registered
        dump_trajectory(_record(Color.RED), tmp_path / "c.traj.zip")
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(tmp_path / "e0.traj.zip").st_mode & 0o777 == 0o666 & ~umask  # normal permissions, not mkstemp's 0600
    with pytest.raises(FileNotFoundError, match="neither a file nor a directory"):
        find_trajectory_files(tmp_path / "missing")
