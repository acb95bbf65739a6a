"""The Cutting-2D core env: online guillotine 2D cutting stock."""

from __future__ import annotations

from typing import Any, Sequence

from maze.core.env.core_env import CoreEnv
from maze.core.env.reward import RewardAggregatorInterface
from maze.core.env.structured_env import ActorID
from maze.core.utils.factory import ConfigError, Factory
from maze.envs.cutting2d.env.demand_generator import DemandGenerator, StaticDemandGenerator
from maze.envs.cutting2d.env.events import CuttingEvents, InventoryEvents
from maze.envs.cutting2d.env.inventory import Inventory, _check_size
from maze.envs.cutting2d.env.kpi_calculator import Cutting2dKpiCalculator
from maze.envs.cutting2d.env.maze_action import Cutting2DMazeAction
from maze.envs.cutting2d.env.maze_state import Cutting2DMazeState

_ACTOR = ActorID(0, 0)


class Cutting2DCoreEnvironment(CoreEnv):
    """Online guillotine 2D cutting stock.

    * Every step brings one customer order ``(x, y)`` from the demand generator.
    * The agent picks an inventory piece, a rotation of the order and the cutting order; the ordered
      piece is cut with two guillotine cuts and the residuals go back into the inventory
      (:class:`~maze.envs.cutting2d.env.inventory.Inventory`).
    * One raw (full-size) piece is always in inventory: when it is cut (or discarded) a new one is
      replenished in the same step.
    * If the inventory is full, its oldest piece is discarded.
    * An invalid action (no such piece, or the order does not fit) delivers nothing; the order is lost.
    * Rewards come from the reward aggregator, computed from the step's events.

    Events: :class:`CuttingEvents` and :class:`InventoryEvents`; KPI: ``raw_piece_usage_per_step``.

    :param max_pieces_in_inventory: inventory capacity.
    :param raw_piece_size: ``[x, y]`` size of a raw piece.
    :param demand_generator: a :class:`DemandGenerator`, or a config (``_target_``: a registered name
        such as ``static``/``mixed_periodic``/``uniform_random`` or an import path).
    :param static_demand: shortcut for a static demand (one order ``[x, y]`` or a list cycled in order);
        give either this or ``demand_generator``.
    :param reward_aggregator: a reward aggregator or its config (default:
        ``DefaultRewardAggregator(invalid_action_penalty=-2, raw_piece_usage_penalty=-1)``).
    :param max_steps: episode length in core steps; the step that reaches it returns
        ``truncated=True`` (``None``/0: episodes never end by themselves).
    """

    def __init__(
        self,
        max_pieces_in_inventory: int,
        raw_piece_size: Sequence[int],
        demand_generator: Any = None,
        static_demand: Sequence[Any] | None = None,
        reward_aggregator: Any = None,
        max_steps: int | None = None,
    ) -> None:
        super().__init__()
        from maze.envs.cutting2d.env.renderer import Cutting2DRenderer
        from maze.envs.cutting2d.reward.default_reward import DefaultRewardAggregator

        self.max_pieces_in_inventory = int(max_pieces_in_inventory)
        if self.max_pieces_in_inventory < 1:
            raise ValueError(f"max_pieces_in_inventory must be >= 1, got {max_pieces_in_inventory!r}")
        self.raw_piece_size = _check_size("raw_piece_size", raw_piece_size)
        if (demand_generator is None) == (static_demand is None):
            raise ConfigError(
                "Cutting2DCoreEnvironment needs exactly one of 'demand_generator' (a DemandGenerator or its config) "
                f"and 'static_demand' (an order [x, y] or a list of orders); got demand_generator={demand_generator!r}, "
                f"static_demand={static_demand!r}"
            )
        if static_demand is not None:
            self.demand_generator: DemandGenerator = StaticDemandGenerator(static_demand)
        else:
            self.demand_generator = Factory(DemandGenerator, kind="cutting2d_demand_generator").instantiate(
                demand_generator, _optional_kwargs={"raw_piece_size": self.raw_piece_size}
            )
        self._check_demand_fits()
        if max_steps is not None and int(max_steps) < 0:
            raise ValueError(f"max_steps must be >= 0 (0/None: no limit), got {max_steps!r}")
        self.max_steps = int(max_steps or 0)

        if reward_aggregator is None:
            reward_aggregator = DefaultRewardAggregator(invalid_action_penalty=-2.0, raw_piece_usage_penalty=-1.0)
        self.reward_aggregator = Factory(RewardAggregatorInterface, kind="cutting2d_reward").instantiate(reward_aggregator)
        self.pubsub.register_subscriber(self.reward_aggregator)

        self.inventory_events = self.pubsub.create_event_topic(InventoryEvents)
        self.cutting_events = self.pubsub.create_event_topic(CuttingEvents)
        self.inventory = Inventory(self.max_pieces_in_inventory, self.raw_piece_size, self.inventory_events)
        self.kpi_calculator = Cutting2dKpiCalculator()
        self.renderer = Cutting2DRenderer()

        self.current_demand: tuple[int, int] = (0, 0)
        self._n_steps = 0
        self._stepped_at = -1
        self._maze_state: Cutting2DMazeState | None = None
        self._raw_area = self.raw_piece_size[0] * self.raw_piece_size[1]
        self._setup_env()

    def _check_demand_fits(self) -> None:
        gen = self.demand_generator
        orders = list(gen.demand) if isinstance(gen, StaticDemandGenerator) else [gen.max_order_size()]
        raw_lo, raw_hi = sorted(self.raw_piece_size)
        for order in orders:
            if order is not None and (min(order) > raw_lo or max(order) > raw_hi):
                raise ConfigError(
                    f"demand generator {gen!r} issues orders up to {tuple(order)}, which do not fit into the raw "
                    f"piece {self.raw_piece_size} in any rotation: make raw_piece_size larger or the demand smaller"
                )

    def _setup_env(self) -> None:
        self.inventory.clear()
        self.inventory.replenish_piece()
        self.demand_generator.reset()
        self.current_demand = self.demand_generator.next_order()
        self._n_steps = 0
        self._maze_state = None

    # ------------------------------------------------------------------ CoreEnv
    def step(self, maze_action: Cutting2DMazeAction) -> tuple[Cutting2DMazeState, float, bool, bool, dict]:
        """Cut the current order as ``maze_action`` says, replenish, log statistics and draw the next order.

        :return: maze_state, reward, terminated (always False), truncated (``max_steps`` reached), info.
        """
        ctx = self.context
        if self._stepped_at == ctx.step_id:
            # stepped directly (not through a MazeEnv): complete the previous core step ourselves
            ctx.increment_env_step()
            ctx.pre_step()
        inventory = self.inventory
        demand = self.current_demand
        piece_id = maze_action.piece_id
        if piece_id < 0 or piece_id >= len(inventory.pieces):
            self.cutting_events.invalid_piece_selected()
        else:
            piece_to_cut = inventory.pieces[piece_id]
            if inventory.cut(maze_action, demand):
                self.cutting_events.valid_cut(current_demand=demand, piece_to_cut=piece_to_cut,
                                              raw_piece_size=self.raw_piece_size,
                                              cutting_area=float(demand[0] * demand[1]))
            else:
                self.cutting_events.invalid_cut(current_demand=demand, piece_to_cut=piece_to_cut,
                                                raw_piece_size=self.raw_piece_size)
        # one raw piece is always available: replenish when it was cut (or discarded)
        if inventory.n_raw == 0:
            inventory.replenish_piece()
        inventory.log_step_statistics()

        self.current_demand = self.demand_generator.next_order()
        self._n_steps += 1
        self._stepped_at = ctx.step_id
        self._maze_state = None
        maze_state = self.get_maze_state()
        reward = self.reward_aggregator.summarize_reward(maze_state)
        truncated = self.max_steps > 0 and self._n_steps >= self.max_steps
        return maze_state, reward, False, truncated, {}

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[Cutting2DMazeState, dict]:
        """Start a new episode (seeding the demand generator first if ``seed`` is given)."""
        if seed is not None:
            self.seed(seed)
        self._stepped_at = -1
        self._setup_env()
        # the initial replenishment is not a reward event of the first step
        self.reward_aggregator.clear_events()
        return self.get_maze_state(), {}

    def get_maze_state(self) -> Cutting2DMazeState:
        """The current state (one snapshot object per step; it is not changed afterwards)."""
        state = self._maze_state
        if state is None:
            inv = self.inventory
            state = Cutting2DMazeState(inv.pieces, self.max_pieces_in_inventory, self.current_demand,
                                       self.raw_piece_size, inv.array.copy())
            self._maze_state = state
        return state

    def clone_from(self, other: Cutting2DCoreEnvironment) -> None:
        """Reset this simulation to the state of ``other``: inventory, demand generator (with its random state),
        current order, step counters and episode ID. Events, reward aggregator and renderer stay this env's own.

        :raises ValueError: if ``other`` has another inventory size or raw piece size.
        """
        import copy

        if not isinstance(other, Cutting2DCoreEnvironment):
            raise TypeError(f"clone_from needs a Cutting2DCoreEnvironment, got {type(other).__name__}")
        if (other.max_pieces_in_inventory, other.raw_piece_size) != (self.max_pieces_in_inventory, self.raw_piece_size):
            raise ValueError(
                f"cannot clone a Cutting-2D env with max_pieces_in_inventory={other.max_pieces_in_inventory}, "
                f"raw_piece_size={other.raw_piece_size} into one with {self.max_pieces_in_inventory}, {self.raw_piece_size}")
        inventory, source = self.inventory, other.inventory
        inventory.pieces = list(source.pieces)
        inventory.array[:] = source.array
        inventory.n_raw = source.n_raw
        self.demand_generator = copy.deepcopy(other.demand_generator)
        self.current_demand = other.current_demand
        self._n_steps = other._n_steps
        self._stepped_at = other._stepped_at
        self._maze_state = None
        self.context.clone_from(other.context)

    def seed(self, seed: int | None) -> None:
        """Seed the demand generator (the only source of randomness)."""
        self.demand_generator.seed(seed)

    def close(self) -> None:
        """Nothing to clean up."""

    # ------------------------------------------------------------------ structure and services
    def actor_id(self) -> ActorID:
        """A single actor acts in every step."""
        return _ACTOR

    def is_actor_done(self) -> bool:
        return False

    @property
    def agent_counts_dict(self) -> dict[int, int]:
        return {0: 1}

    def get_kpi_calculator(self) -> Cutting2dKpiCalculator:
        return self.kpi_calculator

    def get_renderer(self) -> Any:
        return self.renderer

    def get_serializable_components(self) -> dict[str, Any]:
        return {"demand_generator": self.demand_generator}

    @property
    def step_count(self) -> int:
        """Core steps taken in the current episode."""
        return self._n_steps
