"""Test script of tutorial part 3: the MazeEnv works on observations and actions of gymnasium spaces."""

from tutorial_maze_env.part03_maze_env.env.maze_env import maze_env_factory


def main(n_steps: int = 15) -> None:
    """Step the MazeEnv ``n_steps`` times with actions sampled from its action space, printing each step."""
    env = maze_env_factory(max_pieces_in_inventory=10, raw_piece_size=[100, 100], static_demand=(30, 15))
    obs, _ = env.reset()
    for _ in range(n_steps):
        action = env.action_space.sample()
        obs, reward, terminated, truncated, info = env.step(action)
        print(f"reward {reward} | done {terminated or truncated} | info {info}")


if __name__ == "__main__":
    main()
