"""maze.core.annotations, CumulativeMovingMeanStd, read_config/read_hydra_config and the maze.utils helpers."""

from __future__ import annotations

import time

import numpy as np
import pytest

from maze.core.annotations import override, unused
from maze.core.log_stats.log_stats import GlobalLogState, LogStatsWriter, register_log_stats_writer
from maze.core.utils.config_utils import read_config, read_hydra_config
from maze.core.utils.factory import ConfigError
from maze.core.utils.stats_utils import CumulativeMovingMeanStd
from maze.utils import BColors, Timeout, clear_global_state, read_tensorboard_scalars, tensorboard_to_pandas


class _Base:
    def act(self) -> int:
        return 0

    @property
    def size(self) -> int:
        return 0


def test_override_checks_the_base_class_has_the_method():
    class Child(_Base):
        @override(_Base)
        def act(self) -> int:
            return 1

        @property
        @override(_Base)
        def size(self) -> int:
            return 2

    assert Child().act() == 1 and Child().size == 2
    with pytest.raises(NameError, match="actt does not override any method of _Base"):
        class Typo(_Base):
            @override(_Base)
            def actt(self) -> int:
                return 1
    with pytest.raises(TypeError, match="expects the overridden base class"):
        override("_Base")
    assert unused(1, "two", None) is None


@pytest.mark.parametrize("shape", [(), (3,), (2, 2)])
def test_cumulative_moving_mean_std_equals_numpy_over_all_batches(shape):
    rng = np.random.default_rng(0)
    stats = CumulativeMovingMeanStd(shape)
    batches = [rng.normal(5.0, 3.0, size=(n, *shape)) for n in (1, 7, 0, 40, 3)]
    seen = []
    for batch in batches:
        stats.update(batch)
        seen.extend(batch)
        if seen:
            np.testing.assert_allclose(stats.mean, np.mean(seen, axis=0), rtol=1e-12)
            np.testing.assert_allclose(stats.var, np.var(seen, axis=0), rtol=1e-10)
            np.testing.assert_allclose(stats.std, np.std(seen, axis=0), rtol=1e-10)
    assert stats.count == 51
    with pytest.raises(ValueError, match=r"expected samples of shape"):
        stats.update(np.zeros((2, 5)))


def test_cumulative_moving_mean_std_is_accurate_for_large_offsets():
    stats = CumulativeMovingMeanStd()
    values = 1e9 + np.arange(10_000, dtype=np.float64) % 7
    for chunk in np.split(values, 100):
        stats.update(chunk)
    assert stats.var == pytest.approx(np.var(values), rel=1e-9)


def test_read_config_reads_yaml_mappings_and_names_bad_files(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("env:\n  name: CartPole-v1\nn: 3\n")
    assert read_config(good) == {"env": {"name": "CartPole-v1"}, "n": 3}
    (tmp_path / "empty.yaml").write_text("")
    assert read_config(tmp_path / "empty.yaml") == {}
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="holds a list at the top level"):
        read_config(tmp_path / "list.yaml")
    (tmp_path / "broken.yaml").write_text("a: [1, 2\n")
    with pytest.raises(ConfigError, match="broken.yaml' is not valid YAML"):
        read_config(tmp_path / "broken.yaml")
    (tmp_path / "code.yaml").write_text("a: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(ConfigError, match="not valid YAML"):  # safe_load: no object construction
        read_config(tmp_path / "code.yaml")
    with pytest.raises(FileNotFoundError, match="no config file"):
        read_config(tmp_path / "missing.yaml")


def test_read_hydra_config_composes_with_overrides_and_the_docs_config_module():
    cfg = read_hydra_config(config_module="maze.conf", config_name="conf_rollout", env="gym_env",
                            **{"env.name": "Pendulum-v1", "runner.n_episodes": 2})
    assert cfg.env.name == "Pendulum-v1" and cfg.runner.n_episodes == 2
    assert cfg.policy._target_.endswith("RandomPolicy")
    with pytest.raises(ConfigError, match="cannot compose config"):
        read_hydra_config(env="no_such_env")


def test_timeout_raises_after_the_limit_and_restores_an_enclosing_timer():
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="too slow"):
        with Timeout(seconds=0.2, error_message="too slow"):
            time.sleep(5)
    assert time.monotonic() - start < 2
    with Timeout(seconds=0.6):
        with Timeout(seconds=0.3):
            pass  # finishes in time: nothing raised, the outer timer keeps running
        with pytest.raises(TimeoutError):
            time.sleep(5)  # the outer limit still fires
    with pytest.raises(ValueError, match="seconds must be > 0"):
        Timeout(0)


def test_bcolors_format_and_refuse_unknown_colours(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert BColors.format_colored("ok", BColors.OKGREEN) == "\033[92mok\033[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert BColors.format_colored("ok", BColors.FAIL) == "ok"
    with pytest.raises(ValueError, match="unknown colour"):
        BColors.format_colored("x", "red")


class _Closing(LogStatsWriter):
    closed = False

    def write(self, path, step, stats) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def test_clear_global_state_closes_writers_and_reseeds():
    writer = _Closing()
    register_log_stats_writer(writer)
    GlobalLogState.global_step = 7
    clear_global_state(seed=3)
    first = np.random.random()
    assert writer.closed and GlobalLogState.global_log_stats_writers == [] and GlobalLogState.global_step == 1
    clear_global_state(seed=3)
    assert np.random.random() == first


def test_setup_logging_writes_tensorboard_events_that_read_back(tmp_path):
    pytest.importorskip("tensorboard")
    from maze.core.log_stats.log_stats_utils import teardown_stats_writers
    from maze.utils import setup_logging

    clear_global_state()
    writers = setup_logging(job_config={"algorithm": "ppo"}, log_dir=str(tmp_path / "tb"))
    try:
        tensorboard = writers[1]
        for step, value in enumerate([0.5, 1.5, 4.0], start=1):
            tensorboard.add_scalar("train/loss", value, step)
        tensorboard.add_scalar("eval/return", 10.0, 3)
    finally:
        teardown_stats_writers(writers)
    records = read_tensorboard_scalars(tmp_path / "tb")
    assert [(r.tag, r.step, r.value) for r in records] == [
        ("eval/return", 3, 10.0), ("train/loss", 1, 0.5), ("train/loss", 2, 1.5), ("train/loss", 3, 4.0)]
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="needs pandas"):
            tensorboard_to_pandas(tmp_path / "tb")
    else:
        frame = tensorboard_to_pandas(tmp_path / "tb")
        assert list(frame.columns) == ["tag", "step", "value", "wall_time"] and len(frame) == 4
    (tmp_path / "no_events").mkdir()
    with pytest.raises(FileNotFoundError, match="no TensorBoard event files"):
        read_tensorboard_scalars(tmp_path / "no_events")
    with pytest.raises(FileNotFoundError, match="no TensorBoard event file or directory"):
        read_tensorboard_scalars(tmp_path / "missing")
