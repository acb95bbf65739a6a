"""The main job: train PPO on the masked structured Cutting-2D env for a short budget, then roll it out.

Runs exactly the commands a user would type (printed before each step):

    maze-run -cn conf_train env=cutting2d_struct_masked +experiment=cutting2d_ppo \
        model=cutting2d_struct_masked algorithm.n_epochs=N ...
    maze-run env=cutting2d_struct_masked policy=torch_policy policy.deterministic=true \
        input_dir=<training output dir> runner=parallel runner.n_episodes=4 runner.record_trajectory=true
    maze-run env=cutting2d_struct_masked policy=torch_policy input_dir=<training output dir> \
        runner=sequential runner.n_episodes=1 runner.max_episode_steps=12 runner.render=true

The simple problem's optimum is 31 raw pieces per 180-step episode (see maze-envs-cutting2d).

and prints where the outputs are. ``python scripts/demo.py --epochs 20`` trains longer.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path


def _maze_run(args: list[str]) -> None:
    cmd = [sys.executable, "-m", "maze.core.cli", *args]
    print("\n$ maze-run " + " ".join(shlex.quote(a) for a in args), flush=True)
    subprocess.run(cmd, check=True, env={**os.environ, "MPLBACKEND": os.environ.get("MPLBACKEND", "Agg")})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=10, help="training epochs (default: 10)")
    parser.add_argument("--seed", type=int, default=1, help="env and agent base seed")
    parser.add_argument("--out", default="outputs/demo", help="base folder of the demo's outputs")
    args = parser.parse_args()

    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    train_dir = Path(args.out, f"train-{stamp}").resolve()
    rollout_dir = Path(args.out, f"rollout-{stamp}").resolve()
    render_dir = Path(args.out, f"render-{stamp}").resolve()
    env = ["env=cutting2d_struct_masked"]
    seeds = [f"seeding.env_base_seed={args.seed}", f"seeding.agent_base_seed={args.seed}"]

    _maze_run(["-cn", "conf_train", *env, "+experiment=cutting2d_ppo", "model=cutting2d_struct_masked",
               f"algorithm.n_epochs={args.epochs}", *seeds, f"hydra.run.dir={train_dir}"])
    policy = ["policy=torch_policy", "policy.deterministic=true", f"input_dir={train_dir}"]
    _maze_run([*env, *policy, "runner=parallel", "runner.n_processes=2", "runner.n_episodes=4",
               "runner.record_trajectory=true", *seeds, f"hydra.run.dir={rollout_dir}"])
    _maze_run([*env, *policy, "runner=sequential", "runner.n_episodes=1", "runner.max_episode_steps=12",
               "runner.render=true", *seeds, f"hydra.run.dir={render_dir}"])

    pictures = sorted(p.name for p in train_dir.glob("*.png"))
    trajectories = len(list((rollout_dir / "trajectory_data").glob("*")))
    frames = len(list((render_dir / "rendering").glob("*.png")))
    print("\nDemo finished. Outputs:")
    print(f"  training run:  {train_dir}")
    print(f"    best model:  {train_dir / 'state_dict.pt'} (checkpoint for resuming: checkpoint.pt)")
    print(f"    TensorBoard: tensorboard --logdir {train_dir}")
    print(f"    model graph pictures: {', '.join(pictures) or '(none)'}")
    print(f"  rollout run:   {rollout_dir} ({trajectories} recorded trajectories in trajectory_data/)")
    print(f"    view one:    python -m maze.core.rendering.trajectory_viewer {rollout_dir / 'trajectory_data'} --out viewer.html")
    print(f"  rendered steps: {render_dir / 'rendering'} ({frames} PNG frames)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
