"""Tutorial part 2: the CoreEnv of part 1 with a renderer."""

from tutorial_maze_env.part01_core_env.env import core_env as part01

from .renderer import Cutting2DRenderer


class Cutting2DCoreEnvironment(part01.Cutting2DCoreEnvironment):
    """The core env of part 1, rendered by :class:`Cutting2DRenderer` (see part 1 for the parameters)."""

    def __init__(self, max_pieces_in_inventory: int, raw_piece_size: tuple[int, int], static_demand: tuple[int, int]):
        super().__init__(max_pieces_in_inventory, raw_piece_size, static_demand)
        self.renderer = Cutting2DRenderer()

    def get_renderer(self) -> Cutting2DRenderer:
        """The Cutting-2D renderer."""
        return self.renderer
