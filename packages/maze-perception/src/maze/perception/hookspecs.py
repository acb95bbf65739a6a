"""Hook specifications added by maze-perception to the ``maze`` pluggy project.

They are added through :func:`maze.perception.plugin.maze_add_hookspecs` when the plugin manager starts,
together with the component kinds ``block`` (collected from :func:`maze_register_blocks`) and
``distribution`` (collected from :func:`maze_register_distributions`). Any distribution, maze-perception
included, implements them in its ``maze`` entry-point module::

    from maze.core.plugins import Component, hookimpl

    @hookimpl
    def maze_register_blocks():
        return [Component("MyBlock", "my_pkg.blocks.MyBlock", help="my perception block")]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maze.core.plugins import hookspec

if TYPE_CHECKING:
    from maze.core.plugins import Component


@hookspec
def maze_register_blocks() -> list[Component]:
    """Register perception blocks.

    Called once when the plugin manager builds its component registry. Each
    :class:`~maze.core.plugins.Component` names a :class:`~maze.perception.blocks.base.PerceptionBlock`
    subclass (kind ``block``, filled in automatically). Registered names can be used wherever a config
    takes a block type (``modality_config.<modality>.block_type: DenseBlock``); full import paths work
    without registration.

    Not ``firstresult``: all plugins contribute; a name registered twice is an error naming both
    distributions.

    :return: a list of component descriptors.

    .. versionadded:: 0.1
    """


@hookspec
def maze_register_distributions() -> list[Component]:
    """Register probability distributions for action heads.

    Called once when the plugin manager builds its component registry. Each
    :class:`~maze.core.plugins.Component` names a :class:`~maze.distributions.distribution.ProbabilityDistribution`
    subclass with the constructor ``(logits, action_space, temperature)`` and a
    ``required_logits_shape(action_space)`` classmethod (kind ``distribution``). Registered names can be
    used in ``distribution_mapper_config`` entries (``distribution: beta``).

    Not ``firstresult``: all plugins contribute; a name registered twice is an error naming both
    distributions.

    :return: a list of component descriptors.

    .. versionadded:: 0.1
    """
