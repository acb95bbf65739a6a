"""The Cutting-2D environment family (online guillotine 2D cutting stock).

Importing the package registers its envs with gymnasium (see :data:`GYM_ENV_IDS`)::

    import gymnasium as gym
    import maze.envs.cutting2d  # noqa: F401

    env = gym.make("maze/Cutting2DStructuredMasked-v0")

or, without the import: ``gym.make("maze.envs.cutting2d:maze/Cutting2D-v0")``. Each id builds the env of its
Hydra config (the tutorial's simple problem; ``gym.make(id, core_env={...})`` overrides its parameters).
"""

from maze.core.utils.gym_registration import register_maze_env

#: gymnasium id → option of the ``env`` config group it is built from
GYM_ENV_IDS: dict[str, str] = {
    "maze/Cutting2D-v0": "cutting2d_flat",  # Cutting2DEnvironment: one step, Dict action piece_idx/cut_rotation/cut_order
    "maze/Cutting2DStructured-v0": "cutting2d_struct",  # StructuredCutting2DEnvironment: two sub-steps
    "maze/Cutting2DStructuredMasked-v0": "cutting2d_struct_masked",  # + inventory_mask / cutting_mask
}

for _env_id, _option in GYM_ENV_IDS.items():
    register_maze_env(_env_id, env_config=_option)
