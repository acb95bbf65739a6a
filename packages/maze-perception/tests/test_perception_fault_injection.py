"""Fault injection in maze-perception: malicious ``spaces_config.json`` files are refused before any space is built.

"Nothing was allocated" is checked with ``tracemalloc`` (numpy allocations are traced): the peak during the
refused load stays far below what the file declares.
"""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest
from gymnasium import spaces

from maze.perception.models.space_config import (
    SpacesConfig,
    SpacesConfigError,
    SpacesConfigLimitError,
    SpacesConfigLimits,
)

MiB = 1 << 20


def _config(observation_space: dict) -> dict:
    return {
        "format_version": 1,
        "action_spaces_dict": [[["int", 0], {"type": "Dict", "spaces": [["action", {"type": "Discrete", "n": 2, "start": 0}]]}]],
        "observation_spaces_dict": [[["int", 0], {"type": "Dict", "spaces": [["observation", observation_space]]}]],
        "agent_counts_dict": [[["int", 0], 1]],
    }


def _box(shape: list, **kw) -> dict:
    return {"type": "Box", "shape": shape, "dtype": "float32", "low": {"fill": 0.0}, "high": {"fill": 1.0}, **kw}


def _write(tmp_path, data: dict | str):
    path = tmp_path / "spaces_config.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def _load_peak(path: str, **kw) -> tuple[BaseException, int]:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with pytest.raises(Exception) as info:
            SpacesConfig.load(path, **kw)
        return info.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_huge_box_is_refused_before_it_is_allocated(tmp_path):
    """A 200000×200000 Box (149 GiB of float32 bounds) in a 400-byte file."""
    path = _write(tmp_path, _config(_box([200_000, 200_000])))
    exc, peak = _load_peak(path)
    assert isinstance(exc, SpacesConfigLimitError)
    message = str(exc)
    assert path in message and "observation_spaces_dict[0]['observation']" in message
    assert "40,000,000,000 elements" in message and "max_space_elements=16,777,216" in message
    assert "MAZE_SPACES_CONFIG_MAX_SPACE_ELEMENTS" in message
    assert peak < 4 * MiB  # (the file is read in chunks of 1 MiB)


def test_many_spaces_within_the_per_space_limit_are_refused_by_the_total(tmp_path):
    members = [[f"b{i}", _box([4000, 4000])] for i in range(3)]  # 16M elements each, 48M in all
    path = _write(tmp_path, _config({"type": "Dict", "spaces": members}))
    exc, peak = _load_peak(path)
    assert isinstance(exc, SpacesConfigLimitError)
    assert "['observation']['b2']" in str(exc) and "max_total_elements=33,554,432" in str(exc)
    assert peak < 4 * MiB  # (the file is read in chunks of 1 MiB)


def test_deeply_nested_spaces_and_big_files_are_refused(tmp_path):
    space: dict = _box([1])
    for _ in range(100):
        space = {"type": "Tuple", "spaces": [space]}
    path = _write(tmp_path, _config(space))
    with pytest.raises(SpacesConfigLimitError, match="nested more than 64 levels deep .*MAZE_SPACES_CONFIG_MAX_JSON_DEPTH"):
        SpacesConfig.load(path)
    deep = _write(tmp_path, '{"format_version": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(SpacesConfigLimitError, match="max_json_depth"):
        SpacesConfig.load(deep)
    with pytest.raises(SpacesConfigLimitError, match=r"bytes, more than the limit max_file_bytes=100"):
        SpacesConfig.load(deep, limits=SpacesConfigLimits(max_file_bytes=100))


def test_malformed_spaces_get_one_clear_error_naming_the_space(tmp_path):
    cases = {
        "'low' must list 4 values": _box([2, 2], low={"values": [0.0]}),
        "dtype 'object' is not allowed": _box([2], dtype="object"),
        "dtype '(1000000000,)f8' is not allowed": _box([2], dtype="(1000000000,)f8"),
        "'shape' must be a list of non-negative integers": _box([-1, 3]),
        "unknown space type 'Graph'": {"type": "Graph"},
        "Box space without 'low'": {"type": "Box", "shape": [2], "dtype": "float32", "high": {"fill": 1.0}},
    }
    for expected, space in cases.items():
        path = _write(tmp_path, _config(space))
        with pytest.raises(SpacesConfigError) as info:
            SpacesConfig.load(path)
        assert expected in str(info.value) and path in str(info.value), (expected, str(info.value))
        assert "observation_spaces_dict[0]['observation']" in str(info.value)
    with pytest.raises(SpacesConfigError, match="not a valid SpacesConfig file"):
        SpacesConfig.load(_write(tmp_path, "{not json"))


def test_limits_are_configurable_and_real_spaces_still_load(tmp_path, monkeypatch):
    real = SpacesConfig(
        {0: spaces.Dict({"action": spaces.MultiDiscrete([3, 4]), "bits": spaces.MultiBinary([2, 2])})},
        {0: spaces.Dict({"observation": spaces.Box(-np.inf, np.inf, (3, 64, 64), np.float32),
                         "pos": spaces.Box(np.array([0.0, -1.0]), np.array([1.0, 2.0]), dtype=np.float64),
                         "t": spaces.Tuple([spaces.Discrete(3, start=1)])})})
    path = str(tmp_path / "spaces_config.json")
    real.save(path)
    assert SpacesConfig.load(path) == real
    monkeypatch.setenv("MAZE_SPACES_CONFIG_MAX_SPACE_ELEMENTS", "1000")
    with pytest.raises(SpacesConfigLimitError, match="12,288 elements, more than the limit max_space_elements=1,000"):
        SpacesConfig.load(path)
    assert SpacesConfig.load(path, limits=SpacesConfigLimits()) == real  # the parameter wins over the environment
