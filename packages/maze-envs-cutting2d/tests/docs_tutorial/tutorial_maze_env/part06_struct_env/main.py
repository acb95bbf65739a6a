"""Test script of tutorial part 6: one cycle of the structured env's two sub-steps."""

from tutorial_maze_env.part06_struct_env.env.struct_env import struct_env_factory


def main() -> None:
    """Reset the structured env and take both sub-steps, printing the spaces and observation keys of each."""
    struct_env = struct_env_factory(max_pieces_in_inventory=200, raw_piece_size=(100, 100),
                                    static_demand=[(30, 15)])
    obs_step1, _ = struct_env.reset()
    print("action_space 1:     ", struct_env.action_space)
    print("observation_space 1:", struct_env.observation_space)
    print("observation 1:      ", obs_step1.keys())

    action_1 = struct_env.action_space.sample()
    obs_step2, rew, terminated, truncated, info = struct_env.step(action=action_1)
    print("action_space 2:     ", struct_env.action_space)
    print("observation_space 2:", struct_env.observation_space)
    print("observation 2:      ", obs_step2.keys())

    action_2 = struct_env.action_space.sample()
    struct_env.step(action=action_2)


if __name__ == "__main__":
    main()
