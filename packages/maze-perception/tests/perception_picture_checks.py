"""Checks that graph pictures written by the composers are real PDF/PNG files."""

from __future__ import annotations

import os


def assert_valid_png(path: str) -> None:
    """The file exists, has the PNG signature and decodes to a non-empty image."""
    import matplotlib.image as mpimg

    assert os.path.getsize(path) > 1000, path
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50
    assert image.std() > 0.01  # not a blank picture


def assert_valid_pdf(path: str) -> None:
    assert os.path.getsize(path) > 1000, path
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
