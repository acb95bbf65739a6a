"""Seeding: global base seeds → reproducible per-instance seeds for envs and agents."""

from __future__ import annotations

import random
from typing import Sequence

import numpy as np

MAX_SEED = np.iinfo(np.int32).max


def set_seeds_globally(seed: int, set_cudnn_determinism: bool = False, info_txt: str = "") -> None:
    """Seed Python's ``random``, NumPy's global RNG and torch (when installed)."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    try:
        import torch
    except ImportError:
        return
    torch.manual_seed(seed)
    if set_cudnn_determinism:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False


def set_random_states(seed: int) -> None:
    """Set the random states of all random generators used in the framework (the older reference docs' name of
    :func:`set_seeds_globally`).

    :param seed: the seed of Python's ``random``, NumPy's global RNG and torch (when installed).
    """
    set_seeds_globally(seed)


class MazeSeeding:
    """Turns a base env seed and a base agent seed into streams of per-instance seeds.

    Each instance (env worker, policy copy, evaluation env...) asks for its own seed, so runs are
    reproducible however many workers are used. Explicit seed lists replace the streams (e.g. to
    roll out exactly the episodes of a given test set).

    :param env_seed: base seed of env instance seeds (``None`` draws one at random and reports it).
    :param agent_seed: base seed of agent instance seeds (``None`` draws one at random).
    :param cudnn_determinism_flag: request deterministic cuDNN kernels when torch is used.
    :param explicit_env_seeds: env seeds to hand out in order instead of the stream.
    :param explicit_agent_seeds: agent seeds to hand out in order instead of the stream.
    """

    def __init__(
        self,
        env_seed: int | None = None,
        agent_seed: int | None = None,
        cudnn_determinism_flag: bool = False,
        explicit_env_seeds: Sequence[int] | None = None,
        explicit_agent_seeds: Sequence[int] | None = None,
    ) -> None:
        self.env_base_seed = int(env_seed) if env_seed is not None else int(np.random.randint(MAX_SEED))
        self.agent_base_seed = int(agent_seed) if agent_seed is not None else int(np.random.randint(MAX_SEED))
        self.cudnn_determinism_flag = cudnn_determinism_flag
        self.explicit_env_seeds = list(explicit_env_seeds) if explicit_env_seeds is not None else None
        self.explicit_agent_seeds = list(explicit_agent_seeds) if explicit_agent_seeds is not None else None
        self.env_rng = np.random.RandomState(self.env_base_seed)
        self.agent_rng = np.random.RandomState(self.agent_base_seed)
        self._env_count = 0
        self._agent_count = 0

    def generate_env_instance_seed(self) -> int:
        """The next env instance seed."""
        self._env_count += 1
        if self.explicit_env_seeds is not None:
            return int(self.explicit_env_seeds[(self._env_count - 1) % len(self.explicit_env_seeds)])
        return int(self.env_rng.randint(MAX_SEED))

    def generate_agent_instance_seed(self) -> int:
        """The next agent instance seed."""
        self._agent_count += 1
        if self.explicit_agent_seeds is not None:
            return int(self.explicit_agent_seeds[(self._agent_count - 1) % len(self.explicit_agent_seeds)])
        return int(self.agent_rng.randint(MAX_SEED))

    def get_explicit_env_seeds(self, n_seeds: int) -> list[int]:
        """``n_seeds`` env seeds (explicit ones first, then from the stream)."""
        return [self.generate_env_instance_seed() for _ in range(n_seeds)]

    def get_explicit_agent_seeds(self, n_seeds: int) -> list[int]:
        """``n_seeds`` agent seeds."""
        return [self.generate_agent_instance_seed() for _ in range(n_seeds)]

    @classmethod
    def from_config(cls, config: dict | None) -> MazeSeeding:
        """Build from the ``seeding`` config section (keys ``env_base_seed``, ``agent_base_seed``, ...).

        :raises ConfigError: naming the key, the value and what is expected (e.g. a seed given as a string).
        """
        from maze.core.utils.factory import ConfigError, to_plain
        from maze.core.utils.validation import expect_bool, expect_int

        config = dict(to_plain(config) or {})
        valid = ("env_base_seed", "agent_base_seed", "cudnn_determinism_flag", "explicit_env_seeds",
                 "explicit_agent_seeds")
        unknown = sorted(set(config) - set(valid))
        if unknown:
            raise ConfigError(f"unknown seeding option(s) {['seeding.' + k for k in unknown]}; valid: {list(valid)}")
        explicit = {}
        for key in ("explicit_env_seeds", "explicit_agent_seeds"):
            seeds = config.get(key)
            if seeds is not None:
                if not isinstance(seeds, (list, tuple)):
                    raise ConfigError(f"seeding.{key}={seeds!r} is invalid: expected a list of integers or null")
                seeds = [expect_int(f"seeding.{key}[{i}]", s, minimum=0) for i, s in enumerate(seeds)]
            explicit[key] = seeds
        return cls(
            env_seed=expect_int("seeding.env_base_seed", config.get("env_base_seed"), minimum=0, allow_none=True),
            agent_seed=expect_int("seeding.agent_base_seed", config.get("agent_base_seed"), minimum=0, allow_none=True),
            cudnn_determinism_flag=expect_bool("seeding.cudnn_determinism_flag",
                                               config.get("cudnn_determinism_flag", False)),
            explicit_env_seeds=explicit["explicit_env_seeds"],
            explicit_agent_seeds=explicit["explicit_agent_seeds"],
        )

    def __repr__(self) -> str:
        return f"MazeSeeding(env_base_seed={self.env_base_seed}, agent_base_seed={self.agent_base_seed})"
