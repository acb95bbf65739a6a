"""Test script of tutorial part 2: render every state and the MazeAction taken in it."""

from tutorial_maze_env.part02_renderer.env.core_env import Cutting2DCoreEnvironment
from tutorial_maze_env.part02_renderer.env.maze_action import Cutting2DMazeAction


def main(n_steps: int = 15) -> None:
    """Reset the core env, then ``n_steps`` times: render the state with the next action, step, print."""
    core_env = Cutting2DCoreEnvironment(max_pieces_in_inventory=200, raw_piece_size=[100, 100],
                                        static_demand=(30, 15))
    maze_state, _ = core_env.reset()
    for _ in range(n_steps):
        maze_action = Cutting2DMazeAction(piece_id=0, rotate=False, reverse_cutting_order=False)
        core_env.renderer.render(maze_state, maze_action, None)
        maze_state, reward, terminated, truncated, info = core_env.step(maze_action)
        print(f"reward {reward} | done {terminated or truncated} | info {info}")


if __name__ == "__main__":
    main()
