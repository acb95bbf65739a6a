"""Test script of tutorial part 4: event and KPI statistics printed by the statistics logging system."""

from maze.core.wrappers.log_stats_wrapper import LogStatsWrapper
from maze.utils.log_stats_utils import SimpleStatsLoggingSetup
from tutorial_maze_env.part04_events.env.maze_env import maze_env_factory


def main(n_steps: int = 15) -> None:
    """Step the env ``n_steps`` times with random actions inside a console statistics logging setup."""
    env = maze_env_factory(max_pieces_in_inventory=200, raw_piece_size=[100, 100], static_demand=(30, 15))
    # the statistics wrapper collects events and KPIs
    env = LogStatsWrapper(env, logging_prefix="main")
    # a console writer for the statistics; leaving the block ends the episode and prints its statistics
    with SimpleStatsLoggingSetup(env):
        obs, _ = env.reset()
        for _ in range(n_steps):
            action = env.action_space.sample()
            obs, reward, terminated, truncated, info = env.step(action)


if __name__ == "__main__":
    main()
