"""maze-envs-cutting2d's plugin module: envs, the greedy policy, demand generators, reward aggregators and
the package's Hydra configs (``env=cutting2d_struct_masked``, ``policy=cutting2d_greedy_policy``, ...)."""

from __future__ import annotations

from maze.core.plugins import Component, hookimpl

_PKG = "maze.envs.cutting2d"


@hookimpl
def maze_config_search_path() -> list[str]:
    return ["pkg://maze.envs.cutting2d.conf"]


@hookimpl
def maze_register_envs() -> list[Component]:
    return [
        Component("Cutting2DEnvironment", f"{_PKG}.env.maze_env.Cutting2DEnvironment",
                  help="online guillotine 2D cutting stock, flat dict spaces", config="env/cutting2d_flat"),
        Component("StructuredCutting2DEnvironment", f"{_PKG}.env.struct_env.StructuredCutting2DEnvironment",
                  help="Cutting-2D with two sub-steps: piece selection, cutting configuration", config="env/cutting2d_struct"),
        Component("MaskedStructuredCutting2DEnvironment", f"{_PKG}.env.struct_env_masked.MaskedStructuredCutting2DEnvironment",
                  help="structured Cutting-2D with inventory_mask and cutting_mask", config="env/cutting2d_struct_masked"),
        Component("cutting2d_maze_env_factory", f"{_PKG}.env.maze_env.maze_env_factory",
                  help="the tutorial's flat Cutting-2D factory (static demand)", config="env/tutorial_cutting_2d_basic"),
    ]


@hookimpl
def maze_register_policies() -> list[Component]:
    return [
        Component("cutting2d_greedy_policy", f"{_PKG}.policies.greedy_policy.Cutting2DGreedyPolicy",
                  help="Cutting-2D heuristic: smallest fitting piece, fitting rotation (flat and structured envs)",
                  config="policy/cutting2d_greedy_policy"),
    ]


@hookimpl
def maze_register_components() -> list[Component]:
    kind_demand, kind_reward = "cutting2d_demand_generator", "cutting2d_reward"
    return [
        Component("static", f"{_PKG}.env.demand_generator.StaticDemandGenerator",
                  help="fixed list of orders cycled in order", kind=kind_demand),
        Component("mixed_periodic", f"{_PKG}.env.demand_generator.MixedPeriodicDemandGenerator",
                  help="random periods cut exactly from n raw pieces", kind=kind_demand),
        Component("uniform_random", f"{_PKG}.env.demand_generator.UniformRandomDemandGenerator",
                  help="independent uniform random orders", kind=kind_demand),
        Component("DefaultRewardAggregator", f"{_PKG}.reward.default_reward.DefaultRewardAggregator",
                  help="penalties per raw piece used and per invalid action", kind=kind_reward),
        Component("RawPieceUsageRewardAggregator", f"{_PKG}.reward.default_reward.RawPieceUsageRewardAggregator",
                  help="penalty per raw piece used only", kind=kind_reward),
        Component("WasteRewardAggregator", f"{_PKG}.reward.default_reward.WasteRewardAggregator",
                  help="delivered minus started raw area, plus invalid-action penalties", kind=kind_reward),
        # the task-specific torch networks of the Cutting-2D model configs (registered, so that the model config of a
        # training run dir may name them when its policy is rolled out)
        *(Component(name, f"{_PKG}.models.{module}.{name}", help=f"Cutting-2D {what} network", kind="network")
          for name, module, what in (("SelectionPolicyNet", "actor", "piece selection policy"),
                                     ("CuttingPolicyNet", "actor", "cutting policy"),
                                     ("FlatCuttingPolicyNet", "actor", "flat cutting policy"),
                                     ("InventoryCriticNet", "critic", "inventory critic"),
                                     ("CuttingCriticNet", "critic", "cutting critic"))),
    ]
