"""Trajectory viewer without Jupyter: renders a recorded episode step by step into a self-contained HTML
page (slider, play button, arrow keys) and optionally an animated GIF.

Usage::

    python -m maze.core.rendering.trajectory_viewer outputs/.../trajectory_data/<episode>.traj.zip --out viewer.html
    python -m maze.core.rendering.trajectory_viewer <dir or file> --episode 2 --out ep2.html --gif ep2.gif --arg detail=1

The renderer stored in the trajectory file is used (``--renderer module:Class`` overrides it). Renderer
arguments (``--arg name=value``) default to each argument's default value.
"""

from __future__ import annotations

import argparse
import base64
import html
import importlib
import io
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from maze.core.rendering.render_utils import ensure_headless_backend, render_to_png, renderer_arguments
from maze.core.rendering.renderer import Renderer, format_maze_action


def render_trajectory_frames(trajectory: Any, renderer: Any = None, renderer_kwargs: dict | None = None,
                             max_frames: int | None = None, dpi: int = 80) -> list[tuple[str, bytes]]:
    """Render the steps of a :class:`StateTrajectoryRecord` into ``[(caption, png_bytes), ...]``.

    Captions read ``step <i>/<n> | <the MazeAction's values> | reward <r> | return <sum>`` (the final state:
    ``step <n>/<n> (final state)``).

    :param trajectory: the recorded episode (its ``renderer`` is used unless ``renderer`` is given).
    :param renderer: a Maze renderer to use instead of the recorded one.
    :param renderer_kwargs: renderer arguments (defaults from the renderer's args).
    :param max_frames: render at most this many steps (from the start).
    :raises ValueError: if there is no renderer or it produces no images for recorded states.
    """
    ensure_headless_backend()
    renderer = renderer if renderer is not None else getattr(trajectory, "renderer", None)
    if renderer is None:
        hint = trajectory.metadata.get("renderer_class") if hasattr(trajectory, "metadata") else None
        raise ValueError(
            f"trajectory {getattr(trajectory, 'id', '?')} has no stored renderer"
            + (f" (the env used {hint}, which cannot be stored)" if hint else "")
            + "; pass one with --renderer module:Class"
        )
    kwargs = {a.name: a.default_value() for a in renderer_arguments(renderer)}
    kwargs.update(renderer_kwargs or {})
    frames: list[tuple[str, bytes]] = []
    records = list(trajectory.step_records)
    if max_frames is not None:
        records = records[: int(max_frames)]
    total = 0.0
    for i, record in enumerate(records):
        png = render_to_png(renderer, record.maze_state, record.maze_action, record.step_event_log or [], dpi=dpi, **kwargs)
        if png is None:
            raise ValueError(
                f"renderer {type(renderer).__name__} produced no image for step {i} of the recorded episode (it may only "
                f"render live envs)"
            )
        if record.reward is not None:
            total += float(sum(record.reward) if hasattr(record.reward, "__len__") else record.reward)
        caption = f"step {i}/{len(trajectory.step_records) - 1}"
        if record.maze_action is None:
            caption += " (final state)"
        else:
            caption += f" | {describe_maze_action(renderer, record.maze_state, record.maze_action)}"
            caption += f" | reward {_fmt(record.reward)} | return {total:.3f}"
            if record.terminated:
                caption += " | terminated"
            elif record.truncated:
                caption += " | truncated"
        frames.append((caption, png))
    return frames


def describe_maze_action(renderer: Any, maze_state: Any, maze_action: Any) -> str:
    """The caption text of a MazeAction: the renderer's :meth:`~maze.core.rendering.renderer.Renderer.describe_maze_action`
    (renderers not derived from :class:`~maze.core.rendering.renderer.Renderer`: the action's fields)."""
    if isinstance(renderer, Renderer):
        return renderer.describe_maze_action(maze_state, maze_action)
    return format_maze_action(maze_action)


def _fmt(value: Any) -> str:
    try:
        return f"{float(value):.3f}"
    except (TypeError, ValueError):
        return str(value)


_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 1em; }}
#frame {{ max-width: 100%; border: 1px solid #ccc; }}
#controls {{ margin: 0.5em 0; }}
#slider {{ width: 60%; vertical-align: middle; }}
</style></head>
<body>
<h3>{title}</h3>
<div id="controls">
<button id="prev" title="previous step (←)">&#9664;</button>
<button id="play" title="play/pause (space)">&#9654;</button>
<button id="next" title="next step (→)">&#9654;&#9654;</button>
<input type="range" id="slider" min="0" max="{last}" value="0">
<span id="caption"></span>
</div>
<img id="frame" alt="rendered step">
<script>
const frames = {frames_json};
const captions = {captions_json};
const slider = document.getElementById("slider");
const img = document.getElementById("frame");
const caption = document.getElementById("caption");
let timer = null;
function show(i) {{
  i = Math.max(0, Math.min(frames.length - 1, i));
  slider.value = i;
  img.src = "data:image/png;base64," + frames[i];
  caption.textContent = captions[i];
}}
function toggle() {{
  if (timer) {{ clearInterval(timer); timer = null; return; }}
  timer = setInterval(() => {{
    const i = Number(slider.value) + 1;
    if (i >= frames.length) {{ clearInterval(timer); timer = null; }} else {{ show(i); }}
  }}, {interval_ms});
}}
slider.addEventListener("input", () => show(Number(slider.value)));
document.getElementById("prev").onclick = () => show(Number(slider.value) - 1);
document.getElementById("next").onclick = () => show(Number(slider.value) + 1);
document.getElementById("play").onclick = toggle;
document.addEventListener("keydown", (e) => {{
  if (e.key === "ArrowLeft") show(Number(slider.value) - 1);
  else if (e.key === "ArrowRight") show(Number(slider.value) + 1);
  else if (e.key === " ") {{ e.preventDefault(); toggle(); }}
}});
show(0);
</script>
</body></html>
"""


def frames_to_html(frames: Sequence[tuple[str, bytes]], title: str = "Maze trajectory", fps: float = 4.0) -> str:
    """A self-contained HTML page (no external resources) with a slider over the PNG frames."""
    if not frames:
        raise ValueError("no frames to show")
    encoded = [base64.b64encode(png).decode("ascii") for _, png in frames]
    return _PAGE.format(
        title=html.escape(title), last=len(frames) - 1, frames_json=json.dumps(encoded),
        captions_json=json.dumps([c for c, _ in frames]).replace("</", "<\\/"), interval_ms=int(1000 / max(fps, 0.1)),
    )


def frames_to_gif(frames: Sequence[tuple[str, bytes]], path: str | Path, fps: float = 4.0) -> Path:
    """Write the frames as an animated GIF with matplotlib's ``PillowWriter``."""
    ensure_headless_backend()  # raises naming maze-core[render] without matplotlib
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt
    from matplotlib.animation import PillowWriter

    images = [mpimg.imread(io.BytesIO(png), format="png") for _, png in frames]
    h = max(i.shape[0] for i in images)
    w = max(i.shape[1] for i in images)
    fig = plt.figure(figsize=(w / 100, h / 100), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.axis("off")
    handle = ax.imshow(images[0])
    path = Path(path)
    writer = PillowWriter(fps=fps)
    try:
        with writer.saving(fig, str(path), dpi=100):
            for image in images:
                handle.set_data(image)
                writer.grab_frame()
    finally:
        plt.close(fig)
    return path


def _load_renderer(spec: str) -> Any:
    module_name, _, qualname = spec.partition(":")
    if not qualname:
        raise ValueError(f"--renderer expects 'module:Class', got {spec!r}")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    from maze.core.trajectory_recording.serialization import find_trajectory_files, load_trajectory

    parser = argparse.ArgumentParser(prog="python -m maze.core.rendering.trajectory_viewer",
                                     description="Render a recorded Maze episode into an HTML viewer (and GIF).")
    parser.add_argument("trajectory", help="a .traj.zip file or a directory of them")
    parser.add_argument("--episode", type=int, default=0, help="index of the episode in the directory (sorted)")
    parser.add_argument("--out", default="viewer.html", help="HTML output file")
    parser.add_argument("--gif", default=None, help="also write an animated GIF here")
    parser.add_argument("--fps", type=float, default=4.0, help="playback speed")
    parser.add_argument("--max-frames", type=int, default=None, help="render at most this many steps")
    parser.add_argument("--dpi", type=int, default=80)
    parser.add_argument("--renderer", default=None, help="renderer class 'module:Class' to use instead of the stored one")
    parser.add_argument("--arg", action="append", default=[], metavar="NAME=VALUE", help="renderer argument")
    args = parser.parse_args(argv)

    try:
        files = find_trajectory_files(args.trajectory)
        if not files:
            raise FileNotFoundError(f"no trajectory files in {args.trajectory}")
        if not 0 <= args.episode < len(files):
            raise ValueError(f"--episode {args.episode} out of range: {len(files)} episode(s) found")
        trajectory = load_trajectory(files[args.episode])
        renderer = _load_renderer(args.renderer) if args.renderer else trajectory.renderer
        kwargs: dict[str, Any] = {}
        if args.arg:
            if renderer is None:
                raise ValueError("--arg given but there is no renderer")
            known = {a.name: a for a in renderer_arguments(renderer)}
            for item in args.arg:
                name, sep, value = item.partition("=")
                if not sep:
                    raise ValueError(f"--arg expects NAME=VALUE, got {item!r}")
                if name not in known:
                    raise ValueError(f"renderer {type(renderer).__name__} has no argument {name!r} (known: {sorted(known)})")
                kwargs[name] = known[name].parse(value)
        frames = render_trajectory_frames(trajectory, renderer, kwargs, args.max_frames, args.dpi)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(frames_to_html(frames, title=f"episode {trajectory.id}", fps=args.fps), encoding="utf-8")
        print(f"wrote {out} ({len(frames)} frames)")
        if args.gif:
            print(f"wrote {frames_to_gif(frames, args.gif, fps=args.fps)}")
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
