"""The atomic-write helper: permissions of a plain open, no temp files or lost files on errors, full disks, stale temps."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from maze.core.utils import atomic_write as aw
from maze.core.utils.atomic_write import (
    AtomicWriteError,
    atomic_write,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    remove_stale_temp_files,
    temp_file_prefix,
)


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def dir_listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_writes_replace_content_and_leave_only_the_target(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "data.json"  # the directory is created
    atomic_write_json(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}
    atomic_write_text(target, "täxt")
    assert target.read_text(encoding="utf-8") == "täxt"
    atomic_write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    with atomic_write(target, binary=True) as f, zipfile.ZipFile(f, "w") as zf:  # seekable binary file object
        zf.writestr("x.txt", "zipped")
    with zipfile.ZipFile(target) as zf:
        assert zf.read("x.txt") == b"zipped"
    assert dir_listing(target.parent) == ["data.json"]


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_permissions_equal_those_of_a_plain_open_under_the_umask(tmp_path: Path, mask: int) -> None:
    with umask(mask):
        with open(tmp_path / "plain.txt", "w") as f:
            f.write("x")
        atomic_write_text(tmp_path / "atomic.txt", "x")
        with atomic_write(tmp_path / "atomic.bin") as f:
            f.write(b"x")
    plain = (tmp_path / "plain.txt").stat().st_mode & 0o777
    assert plain == 0o666 & ~mask
    assert (tmp_path / "atomic.txt").stat().st_mode & 0o777 == plain
    assert (tmp_path / "atomic.bin").stat().st_mode & 0o777 == plain


@pytest.mark.parametrize("error", [ValueError("serializer failed"), KeyboardInterrupt()])
def test_an_error_midway_keeps_the_old_file_and_removes_the_temp_file(tmp_path: Path, error: BaseException) -> None:
    target = tmp_path / "checkpoint.bin"
    atomic_write_bytes(target, b"good")
    with pytest.raises(type(error)):
        with atomic_write(target) as f:
            f.write(b"half of the new content" * 1000)
            f.flush()
            assert any(n.startswith(temp_file_prefix(target)) for n in dir_listing(tmp_path))  # the temp exists now
            raise error
    assert target.read_bytes() == b"good"
    assert dir_listing(tmp_path) == ["checkpoint.bin"]


def test_unserializable_json_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        atomic_write_json(tmp_path / "x.json", {"a": object()})
    assert dir_listing(tmp_path) == []


class _FullDiskFile(io.FileIO):
    """The temp file's raw OS file, failing like a full disk after ``budget`` bytes (fault injection)."""

    budget = 4096

    def write(self, data):  # noqa: ANN001
        if self.tell() + len(data) > self.budget:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(data)


def _assert_full_disk_error(exc_info: pytest.ExceptionInfo, target: Path) -> None:
    assert str(exc_info.value) == f"no space left on device while writing {target}"
    assert isinstance(exc_info.value.__cause__, OSError) and exc_info.value.__cause__.errno == errno.ENOSPC
    assert exc_info.value.errno == errno.ENOSPC and exc_info.value.path == str(target)


def test_injected_enospc_from_the_file_write_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "trajectory.zip"
    atomic_write_bytes(target, b"previous good file")
    monkeypatch.setattr(aw, "_open_raw", lambda fd: _FullDiskFile(fd, "wb", closefd=True))
    with pytest.raises(AtomicWriteError) as exc_info:
        with atomic_write(target) as f, zipfile.ZipFile(f, "w") as zf:
            zf.writestr("big.bin", os.urandom(64 * 1024))
    _assert_full_disk_error(exc_info, target)
    assert target.read_bytes() == b"previous good file"
    assert dir_listing(tmp_path) == ["trajectory.zip"]


def test_injected_enospc_inside_torch_save_is_reported_as_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """torch.save turns a failed write into ``RuntimeError: [enforce fail ...] unexpected pos``; the helper reports the disk."""
    torch = pytest.importorskip("torch")
    target = tmp_path / "state_dict.pt"
    with atomic_write(target) as f:
        torch.save({"w": torch.ones(3)}, f)
    monkeypatch.setattr(aw, "_open_raw", lambda fd: _FullDiskFile(fd, "wb", closefd=True))
    with pytest.raises(AtomicWriteError) as exc_info:
        with atomic_write(target) as f:
            torch.save({"w": torch.zeros(100_000)}, f)
    _assert_full_disk_error(exc_info, target)
    assert torch.equal(torch.load(target, weights_only=True)["w"], torch.ones(3))
    assert dir_listing(tmp_path) == ["state_dict.pt"]


@pytest.fixture
def small_tmpfs(tmp_path: Path):
    """A real 64 KiB tmpfs (needs root and mount permission; skipped otherwise)."""
    mount_point = tmp_path / "tmpfs"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_a_real_full_disk_keeps_the_last_good_file_and_frees_the_temp_space(small_tmpfs: Path) -> None:
    target = small_tmpfs / "checkpoint.bin"
    atomic_write_bytes(target, b"last good checkpoint")
    free_before = os.statvfs(small_tmpfs).f_bavail
    with pytest.raises(AtomicWriteError) as exc_info:
        with atomic_write(target) as f:
            for _ in range(64):
                f.write(os.urandom(4096))  # 256 KiB into a 64 KiB file system
    _assert_full_disk_error(exc_info, target)
    assert target.read_bytes() == b"last good checkpoint"
    assert dir_listing(small_tmpfs) == ["checkpoint.bin"]
    assert os.statvfs(small_tmpfs).f_bavail == free_before  # the temp file's blocks are free again


def test_a_real_full_disk_inside_torch_save(small_tmpfs: Path) -> None:
    torch = pytest.importorskip("torch")
    target = small_tmpfs / "state_dict.pt"
    with atomic_write(target) as f:
        torch.save({"w": torch.ones(3)}, f)
    with pytest.raises(AtomicWriteError) as exc_info:
        with atomic_write(target) as f:
            torch.save({"w": torch.zeros(200_000)}, f)  # 800 KB
    _assert_full_disk_error(exc_info, target)
    assert torch.equal(torch.load(target, weights_only=True)["w"], torch.ones(3))
    assert dir_listing(small_tmpfs) == ["state_dict.pt"]


_KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from maze.core.utils.atomic_write import atomic_write
    with atomic_write(sys.argv[1]) as f:
        f.write(b"partial" * 1000)
        f.flush()
        print("writing", flush=True)
        time.sleep(60)
""")


def test_temp_files_of_a_killed_writer_are_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "state_dict.pt"
    atomic_write_bytes(target, b"v1")
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        leftovers = [n for n in dir_listing(tmp_path) if n != "state_dict.pt"]
        assert len(leftovers) == 1 and leftovers[0].startswith(".state_dict.pt.tmp-")
        assert remove_stale_temp_files(tmp_path) == []  # its writer is still running: kept
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert leftovers[0] in dir_listing(tmp_path)  # kill -9 left it behind
    assert target.read_bytes() == b"v1"
    atomic_write_bytes(target, b"v2")  # the next write of the target removes it
    assert dir_listing(tmp_path) == ["state_dict.pt"] and target.read_bytes() == b"v2"


def test_the_next_process_writing_into_the_directory_removes_temps_of_new_files(tmp_path: Path) -> None:
    """A run killed while writing a file for the first time (no target yet) leaves a temp; the next run cleans it."""
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(tmp_path / "episode_1.traj.zip")],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert [n.split("-")[0] for n in dir_listing(tmp_path)] == [".episode_1.traj.zip.tmp"]
    atomic_write_bytes(tmp_path / "episode_2.traj.zip", b"x")  # this process's first write into the directory
    assert dir_listing(tmp_path) == ["episode_2.traj.zip"]


def test_remove_stale_temp_files_of_a_directory_or_one_target(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = {
            "dead_a": f".a.json.tmp-{dead.pid}-0123abcd",
            "dead_b": f".b.json.tmp-{dead.pid}-0123abcd",
            "alive": f".a.json.tmp-{alive.pid}-89abcdef",
            "alive_but_old": f".c.json.tmp-{alive.pid}-89abcdef",
            "other": ".a.json.tmp-not-ours",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"x")
        old = time.time() - 2 * aw.STALE_TEMP_AGE_S
        os.utime(tmp_path / names["alive_but_old"], (old, old))
        # one target: only its stale temps
        assert remove_stale_temp_files(tmp_path / "a.json") == [str(tmp_path / names["dead_a"])]
        # the directory: every stale temp, running writers' fresh temps and foreign files stay
        assert sorted(remove_stale_temp_files(tmp_path)) == sorted(str(tmp_path / names[k]) for k in ("dead_b", "alive_but_old"))
        assert dir_listing(tmp_path) == sorted([names["alive"], names["other"]])
    finally:
        alive.kill()
        alive.wait()
    assert remove_stale_temp_files(tmp_path / "missing_dir" / "x") == []


def test_importing_trajectory_serialization_does_not_touch_the_umask() -> None:
    code = textwrap.dedent("""
        import os
        os.umask(0o027)
        calls = []
        real_umask = os.umask
        def counting_umask(mask):
            calls.append(mask)
            return real_umask(mask)
        os.umask = counting_umask
        import maze.core.trajectory_recording.serialization  # noqa: F401
        os.umask = real_umask
        current = os.umask(0o027)
        print(calls, oct(current))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["[]", "0o27"]
