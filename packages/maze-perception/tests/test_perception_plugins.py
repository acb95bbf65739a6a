"""maze-perception's hookspecs and its blocks/distributions as plugin components; a third-party plugin package."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from maze.core.plugins import Component, get_plugin_manager, hookimpl
from maze.distributions import DistributionMapper
from maze.perception import hookspecs, plugin


def test_hookspecs_are_documented_and_added():
    pm = get_plugin_manager()
    for name in ("maze_register_blocks", "maze_register_distributions"):
        spec_fn = getattr(hookspecs, name)
        assert spec_fn.__doc__ and "Called once" in spec_fn.__doc__ and "firstresult" in spec_fn.__doc__
        assert getattr(pm.hook, name).spec is not None
    assert "perception" in pm.plugins and not [f for f in pm.failures if f.name == "perception"]


def test_maze_register_blocks_covers_all_builtin_blocks():
    from maze.perception.blocks import BUILTIN_BLOCKS

    registered = {c.name: c.load() for c in plugin.maze_register_blocks()}
    assert set(registered) == {cls.__name__ for cls in BUILTIN_BLOCKS}
    for name, cls in registered.items():
        assert cls.__name__ == name
    pm = get_plugin_manager()
    assert pm.resolve("DenseBlock", "block") is registered["DenseBlock"]
    assert pm.resolve("maze.perception.blocks.DenseBlock", "block") is registered["DenseBlock"]


def test_maze_register_distributions_short_names():
    from maze.distributions import BetaProbabilityDistribution

    names = {c.name for c in plugin.maze_register_distributions()}
    assert names == {"categorical", "multi_categorical", "bernoulli", "diagonal_gaussian", "squashed_gaussian", "beta"}
    assert get_plugin_manager().resolve("beta", "distribution") is BetaProbabilityDistribution


def test_maze_add_hookspecs_registers_component_kinds():
    kinds = get_plugin_manager().registry.kinds()
    assert "block" in kinds and "distribution" in kinds


class _InProcessPlugin:
    @hookimpl
    def maze_register_distributions(self):
        from maze.distributions import CategoricalProbabilityDistribution

        return [Component("my_categorical", CategoricalProbabilityDistribution, help="test")]


def test_in_process_plugin_registers_a_distribution():
    pm = get_plugin_manager()
    pm.register(_InProcessPlugin(), "test_in_process_perception")
    try:
        from gymnasium import spaces

        mapper = DistributionMapper(spaces.Dict({"a": spaces.Discrete(2)}), [{"action_space": "Discrete", "distribution": "my_categorical"}])
        assert mapper.distribution_class("a").__name__ == "CategoricalProbabilityDistribution"
    finally:
        pm.unregister("test_in_process_perception")


THIRD_PARTY_BLOCKS = '''
import torch
from maze.perception.blocks.shape_normalization import ShapeNormalizationBlock
from maze.distributions.categorical import CategoricalProbabilityDistribution


class DoubleBlock(ShapeNormalizationBlock):
    """Doubles its input."""

    def __init__(self, in_keys, out_keys, in_shapes):
        super().__init__(in_keys=in_keys, out_keys=out_keys, in_shapes=in_shapes, in_num_dims=2, out_num_dims=2)

    def normalized_forward(self, block_input):
        return {self.out_keys[0]: 2.0 * block_input[self.in_keys[0]]}


class GreedyCategorical(CategoricalProbabilityDistribution):
    """Always samples the arg-max."""

    def sample(self):
        return self.deterministic_sample()
'''

THIRD_PARTY_PLUGIN = '''
from maze.core.plugins import Component, hookimpl


@hookimpl
def maze_register_blocks():
    return [Component("DoubleBlock", "third_party_blocks.DoubleBlock", help="doubles")]


@hookimpl
def maze_register_distributions():
    return [Component("greedy_categorical", "third_party_blocks.GreedyCategorical", help="arg-max")]
'''

CHECK_SCRIPT = '''
import torch
import yaml
from gymnasium import spaces
from maze.core.plugins import get_plugin_manager
from maze.core.utils.factory import Factory
from maze.perception.models.model_composer import BaseModelComposer

pm = get_plugin_manager()
assert not pm.failures, [f.describe() for f in pm.failures]
block_cls = pm.resolve("DoubleBlock", "block")
block = block_cls(in_keys="x", out_keys="y", in_shapes=(3,))
assert torch.equal(block({"x": torch.ones(2, 3)})["y"], 2 * torch.ones(2, 3))
cfg = yaml.safe_load("""
_target_: maze.perception.models.template_model_composer.TemplateModelComposer
distribution_mapper_config:
  - action_space: gym.spaces.Discrete
    distribution: greedy_categorical
model_builder:
  _target_: maze.perception.builders.ConcatModelBuilder
  observation_modality_mapping: {observation: doubled}
  modality_config:
    doubled: {block_type: DoubleBlock}
    hidden: {block_type: DenseBlock, block_params: {hidden_units: [8]}}
policy: {_target_: maze.perception.models.policies.ProbabilisticPolicyComposer}
critic: ~
""")
composer = Factory(BaseModelComposer).instantiate(
    cfg, action_spaces_dict={0: spaces.Dict({"action": spaces.Discrete(3)})},
    observation_spaces_dict={0: spaces.Dict({"observation": spaces.Box(-1, 1, (4,))})})
net = composer.policy.networks[0]
assert type(net.perception_blocks["observation_DoubleBlock"]).__name__ == "DoubleBlock"
logits = net({"observation": torch.randn(5, 4)})
dist = composer.distribution_mapper.logits_dict_to_distribution(logits)
assert type(dist["action"]).__name__ == "GreedyCategorical"
assert torch.equal(dist.sample()["action"], logits["action"].argmax(-1))
print("THIRD-PARTY-OK")
'''


@pytest.mark.slow
def test_third_party_package_registers_block_and_distribution_via_entry_point(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "pyproject.toml").write_text(textwrap.dedent("""
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "maze-third-party-blocks"
        version = "0.0.1"

        [project.entry-points.maze]
        third_party_blocks = "third_party_plugin"

        [tool.hatch.build.targets.wheel]
        only-include = ["third_party_plugin.py", "third_party_blocks.py"]
    """))
    (pkg / "third_party_plugin.py").write_text(THIRD_PARTY_PLUGIN)
    (pkg / "third_party_blocks.py").write_text(THIRD_PARTY_BLOCKS)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    # make this interpreter's packages (torch, hatchling, the editable maze packages) visible in the fresh venv;
    # `site.addsitedir` also processes their .pth files (editable installs)
    new_site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    parent_sites = [p for p in sys.path if p.endswith("site-packages")]
    with open(os.path.join(new_site, "_maze_parent_env.pth"), "w") as f:
        f.write("".join(f"import site; site.addsitedir({p!r})\n" for p in parent_sites))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MAZE_DISABLE_PLUGIN_AUTOLOAD")}
    install = subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "-q", str(pkg)],
                             capture_output=True, text=True, timeout=180, env=env)
    assert install.returncode == 0, install.stdout + install.stderr
    run = subprocess.run([python, "-c", CHECK_SCRIPT], capture_output=True, text=True, timeout=180, env=env, cwd=str(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "THIRD-PARTY-OK" in run.stdout
