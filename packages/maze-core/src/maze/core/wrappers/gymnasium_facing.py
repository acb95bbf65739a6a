"""The last wrapper before an external gymnasium consumer (Stable-Baselines3, gymnasium's vector envs, ...).

To gymnasium, such a wrapper *is* the environment: the Maze stack below it is the env's implementation.

* ``unwrapped`` is the wrapper itself (``maze_env`` still reaches the MazeEnv), and ``spec`` can be set on it
  (``gymnasium.make`` does so), so gymnasium's ``check_env`` checks the env the consumer gets;
* Maze envs keep the ``seed(seed)`` method of Maze's env interface (vector envs and evaluators seed through
  it). gymnasium ≥ 1.0 dropped that method and its ``check_env`` warns about any env that still has one, so
  these wrappers hide it: seed them with ``reset(seed=...)``.
"""

from __future__ import annotations

from typing import Any

_NO_SEED = ("{cls} is a gymnasium >= 1.0 env for external frameworks: it has no seed() method; "
            "seed it with reset(seed=...)")


class _HiddenSeed:
    """Descriptor that makes ``instance.seed`` a missing attribute (``hasattr(env, "seed")`` is false)."""

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        raise AttributeError(_NO_SEED.format(cls=type(instance).__name__))


class GymnasiumFacingMixin:
    """Mixin of wrappers whose result is handed to gymnasium consumers: the env to gymnasium, no ``seed()``.

    Put it first in the bases (``class MyWrapper(GymnasiumFacingMixin, SubStepSpacesMixin, Wrapper)``) so that
    neither the class attribute nor the wrapper's attribute forwarding reaches the wrapped env's ``seed``.
    """

    seed = _HiddenSeed()

    @property
    def unwrapped(self) -> Any:
        """This wrapper: gymnasium sees the Maze stack below it as one env (``maze_env`` is the MazeEnv)."""
        return self

    @property
    def spec(self) -> Any:
        """The gymnasium ``EnvSpec`` set on this env (by ``gymnasium.make``), else the wrapped env's."""
        spec = self.__dict__.get("_gymnasium_spec")
        return spec if spec is not None else getattr(self.env, "spec", None)  # type: ignore[attr-defined]

    @spec.setter
    def spec(self, value: Any) -> None:
        self.__dict__["_gymnasium_spec"] = value

    @property
    def _np_random(self) -> Any:
        """The random generator that ``reset(seed=...)`` seeds (the wrapped env's; gymnasium's checks read it)."""
        return self.env.unwrapped._np_random  # type: ignore[attr-defined]

    @_np_random.setter
    def _np_random(self, value: Any) -> None:
        self.env.unwrapped._np_random = value  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> Any:
        if name == "seed":
            raise AttributeError(_NO_SEED.format(cls=type(self).__name__))
        return super().__getattr__(name)  # type: ignore[misc]
