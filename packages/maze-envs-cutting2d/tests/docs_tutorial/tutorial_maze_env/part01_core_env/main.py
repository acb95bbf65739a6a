"""Test script of tutorial part 1: step the CoreEnv with MazeActions."""

from tutorial_maze_env.part01_core_env.env.core_env import Cutting2DCoreEnvironment
from tutorial_maze_env.part01_core_env.env.maze_action import Cutting2DMazeAction


def main(n_steps: int = 15) -> None:
    """Reset the core env and cut the first inventory piece ``n_steps`` times, printing each step."""
    core_env = Cutting2DCoreEnvironment(max_pieces_in_inventory=200, raw_piece_size=[100, 100],
                                        static_demand=(30, 15))
    maze_state, _ = core_env.reset()
    for _ in range(n_steps):
        maze_action = Cutting2DMazeAction(piece_id=0, rotate=False, reverse_cutting_order=False)
        maze_state, reward, terminated, truncated, info = core_env.step(maze_action)
        print(f"reward {reward} | done {terminated or truncated} | info {info}")


if __name__ == "__main__":
    main()
