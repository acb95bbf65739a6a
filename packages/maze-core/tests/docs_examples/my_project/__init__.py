"""A user project of the reference docs' examples: the components the docs' configs name by import path
(``my_project.wrappers.custom_wrapper.CustomObserverWrapper``, ``my_project.custom_reward...``), an env factory and a
config module with a root config of its own.

In-process tests import it from the test folder; the docs' ``maze-run`` lines get the folder on ``PYTHONPATH`` (as the
docs say to) and the config dir ``my_project/conf`` with ``-cd``.
"""
