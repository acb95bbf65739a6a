"""maze-core's own plugin: built-in components are registered exactly like third-party ones."""

from __future__ import annotations

from maze.core.plugins import Component, hookimpl


@hookimpl
def maze_config_search_path() -> list[str]:
    return ["pkg://maze.core.conf"]


@hookimpl
def maze_register_envs() -> list[Component]:
    return [
        Component("gym_env", "maze.core.wrappers.maze_gym_env_wrapper.make_gym_maze_env",
                  help="any gymnasium env id as a MazeEnv with dict spaces", config="env/gym_env"),
        Component("GymMazeEnv", "maze.core.wrappers.maze_gym_env_wrapper.GymMazeEnv",
                  help="gymnasium env (id or instance) → MazeEnv"),
    ]


@hookimpl
def maze_register_policies() -> list[Component]:
    return [
        Component("random_policy", "maze.core.agent.random_policy.RandomPolicy",
                  help="uniform random actions", config="policy/random_policy"),
        Component("masked_random_policy", "maze.core.agent.random_policy.MaskedRandomPolicy",
                  help="random actions respecting '<action>_mask' observations", config="policy/masked_random_policy"),
        Component("replay_recorded_actions_policy", "maze.core.agent.replay_recorded_actions_policy.ReplayRecordedActionsPolicy",
                  help="replay the actions of recorded trajectory files", config="policy/replay_recorded_actions_policy"),
        Component("dummy_cartpole_policy", "maze.core.agent.dummy_cartpole_policy.DummyCartPolePolicy",
                  help="hand-written CartPole controller (demos, tests)", config="policy/dummy_cartpole_policy"),
        Component("lunar_lander_heuristics", "maze.core.agent.heuristic_lunar_lander_policy.HeuristicLunarLanderPolicy",
                  help="hand-written LunarLander controller (discrete or continuous)",
                  config="policy/lunar_lander_heuristics"),
        Component("DefaultPolicy", "maze.core.agent.default_policy.DefaultPolicy",
                  help="one policy (instance or config) per sub-step key"),
    ]


@hookimpl
def maze_register_runners() -> list[Component]:
    return [
        Component("sequential", "maze.core.rollout.sequential_rollout_runner.SequentialRolloutRunner",
                  help="rollouts in the main process (rendering supported)", config="runner/sequential"),
        Component("parallel", "maze.core.rollout.parallel_rollout_runner.ParallelRolloutRunner",
                  help="rollouts in several worker processes", config="runner/parallel"),
    ]


@hookimpl
def maze_register_wrappers() -> list[Component]:
    return [
        Component("Wrapper", "maze.core.wrappers.wrapper.Wrapper", help="pass-through wrapper base"),
        Component("TrajectoryRecordingWrapper", "maze.core.trajectory_recording.trajectory_recording_wrapper.TrajectoryRecordingWrapper",
                  help="record MazeStates/MazeActions per episode to trajectory files"),
        Component("TimeLimitWrapper", "maze.core.wrappers.time_limit_wrapper.TimeLimitWrapper",
                  help="truncate episodes after max_episode_steps"),
        Component("RandomResetWrapper", "maze.core.wrappers.random_reset_wrapper.RandomResetWrapper",
                  help="skip the first steps of episodes with random actions"),
        Component("SortedSpacesWrapper", "maze.core.wrappers.sorted_spaces_wrapper.SortedSpacesWrapper",
                  help="alphabetically sorted Dict spaces"),
        Component("NoDictSpacesWrapper", "maze.core.wrappers.no_dict_spaces_wrapper.NoDictSpacesWrapper",
                  help="Dict spaces → plain gymnasium spaces (flattened observations, MultiDiscrete/Box actions)"),
        Component("DictToMultiDiscreteActionWrapper",
                  "maze.core.wrappers.dict_to_flat_action_wrappers.DictToMultiDiscreteActionWrapper",
                  help="Dict of discrete action spaces → one MultiDiscrete (Stable-Baselines3)"),
        Component("DictToBoxActionWrapper", "maze.core.wrappers.dict_to_flat_action_wrappers.DictToBoxActionWrapper",
                  help="Dict of Box action spaces → one flat Box (Stable-Baselines3)"),
        Component("DictObservationWrapper", "maze.core.wrappers.dict_observation_wrapper.DictObservationWrapper",
                  help="wrap observations into {'observation': ...}"),
        Component("NoDictObservationWrapper", "maze.core.wrappers.no_dict_observation_wrapper.NoDictObservationWrapper",
                  help="single-key Dict observations → their value"),
        Component("ObservationStackWrapper", "maze.core.wrappers.observation_stack_wrapper.ObservationStackWrapper",
                  help="stack observations of subsequent steps"),
        Component("DictActionWrapper", "maze.core.wrappers.dict_action_wrapper.DictActionWrapper",
                  help="single/Tuple action spaces → Dict"),
        Component("NoDictActionWrapper", "maze.core.wrappers.no_dict_action_wrapper.NoDictActionWrapper",
                  help="single-key Dict actions → their value"),
        Component("SplitActionsWrapper", "maze.core.wrappers.split_actions_wrapper.SplitActionsWrapper",
                  help="split a vector action into named parts"),
        Component("DiscretizeActionsWrapper", "maze.core.wrappers.discretize_actions_wrapper.DiscretizeActionsWrapper",
                  help="discretize Box actions into bins"),
        Component("RewardScalingWrapper", "maze.core.wrappers.reward_scaling_wrapper.RewardScalingWrapper",
                  help="multiply rewards by a factor"),
        Component("RewardClippingWrapper", "maze.core.wrappers.reward_clipping_wrapper.RewardClippingWrapper",
                  help="clip rewards to [min_val, max_val]"),
        Component("ReturnNormalizationRewardWrapper", "maze.core.wrappers.return_normalization_reward_wrapper.ReturnNormalizationRewardWrapper",
                  help="divide rewards by the std of the discounted return"),
        Component("ObservationVisualizationWrapper", "maze.core.wrappers.observation_visualization_wrapper.ObservationVisualizationWrapper",
                  help="plot observations for TensorBoard"),
        Component("PreProcessingWrapper", "maze.core.wrappers.observation_preprocessing.preprocessing_wrapper.PreProcessingWrapper",
                  help="observation pre-processing pipelines"),
        Component("ObservationNormalizationWrapper", "maze.core.wrappers.observation_normalization.observation_normalization_wrapper.ObservationNormalizationWrapper",
                  help="observation normalization with estimated or manual statistics"),
        Component("LogStatsWrapper", "maze.core.wrappers.log_stats_wrapper.LogStatsWrapper",
                  help="episode/epoch statistics, KPIs and event logs"),
        Component("MazeEnvMonitoringWrapper", "maze.core.wrappers.monitoring_wrapper.MazeEnvMonitoringWrapper",
                  help="observation/action/reward events for statistics and TensorBoard"),
    ]


@hookimpl
def maze_register_components() -> list[Component]:
    return [
        # observation pre-processors and normalization strategies (maze.core.wrappers)
        Component("FlattenPreProcessor", "maze.core.wrappers.observation_preprocessing.preprocessors.flatten.FlattenPreProcessor", help="flatten trailing dimensions", kind="preprocessor"),
        Component("OneHotPreProcessor", "maze.core.wrappers.observation_preprocessing.preprocessors.one_hot.OneHotPreProcessor", help="one-hot encode categorical observations", kind="preprocessor"),
        Component("ResizeImgPreProcessor", "maze.core.wrappers.observation_preprocessing.preprocessors.resize_img.ResizeImgPreProcessor", help="bilinear image resizing", kind="preprocessor"),
        Component("TransposePreProcessor", "maze.core.wrappers.observation_preprocessing.preprocessors.transpose.TransposePreProcessor", help="permute axes", kind="preprocessor"),
        Component("UnSqueezePreProcessor", "maze.core.wrappers.observation_preprocessing.preprocessors.unsqueeze.UnSqueezePreProcessor", help="insert an axis of length one", kind="preprocessor"),
        Component("Rgb2GrayPreProcessor", "maze.core.wrappers.observation_preprocessing.preprocessors.rgb2gray.Rgb2GrayPreProcessor", help="RGB → gray scale", kind="preprocessor"),
        Component("MeanZeroStdOneObservationNormalizationStrategy",
                  "maze.core.wrappers.observation_normalization.normalization_strategies.mean_zero_std_one.MeanZeroStdOneObservationNormalizationStrategy",
                  help="(x - mean) / std", kind="normalization_strategy"),
        Component("RangeZeroOneObservationNormalizationStrategy",
                  "maze.core.wrappers.observation_normalization.normalization_strategies.range_zero_one.RangeZeroOneObservationNormalizationStrategy",
                  help="(x - min) / (max - min)", kind="normalization_strategy"),
        # statistics writers and event log writers (maze.core.log_stats / maze.core.log_events)
        Component("console", "maze.core.log_stats.log_stats_writer_console.LogStatsWriterConsole",
                  help="statistics tables on the console", kind="stats_writer"),
        Component("tensorboard", "maze.core.log_stats.log_stats_writer_tensorboard.LogStatsWriterTensorboard",
                  help="statistics as TensorBoard event files (needs maze-core[tensorboard])", kind="stats_writer"),
        Component("tsv", "maze.core.log_events.log_events_writer_tsv.LogEventsWriterTSV",
                  help="raw event logs, one TSV file per event type", kind="event_writer"),
    ]
