"""Maze perception: torch perception blocks, inference graphs, model builders and model composers.

* :mod:`maze.perception.blocks` — perception blocks (tensor dict in/out, shape inference, shape
  normalisation of leading batch/time dims), :class:`~maze.perception.blocks.InferenceBlock`,
  :class:`~maze.perception.blocks.InferenceGraph` (PDF/PNG pictures via graphviz, or matplotlib without it).
* :mod:`maze.perception.builders` — template architectures (``ConcatModelBuilder``).
* :mod:`maze.perception.models` — model composers (template / custom), policy and critic composers,
  built-in flatten-concat networks, ``SpacesConfig``; see :mod:`maze.perception.models.model_composer`
  for the construction contract used by maze-train.
* :mod:`maze.perception.hookspecs` — hookspecs ``maze_register_blocks`` / ``maze_register_distributions``.
* Hydra configs: ``model`` group (vector_obs, vector_obs_rnn, pixel_obs, pixel_obs_rnn, flatten_concat,
  flatten_concat_shared_embedding) and ``critic`` group (package ``model.critic``: template_state,
  template_state_action, flatten_concat_shared, flatten_concat_state_action).
"""
