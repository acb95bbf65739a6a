"""Test script of tutorial part 5: the reward comes from the reward aggregator."""

from tutorial_maze_env.part05_reward.env.maze_env import maze_env_factory


def main(n_steps: int = 15) -> None:
    """Step the env ``n_steps`` times with random actions, printing the reward of each step."""
    env = maze_env_factory(max_pieces_in_inventory=200, raw_piece_size=[100, 100], static_demand=(30, 15))
    obs, _ = env.reset()
    for _ in range(n_steps):
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        print(f"reward {reward} | done {terminated or truncated} | info {info}")


if __name__ == "__main__":
    main()
