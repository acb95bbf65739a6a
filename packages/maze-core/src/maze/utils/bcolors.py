"""ANSI colours for console output."""

from __future__ import annotations

import os
import sys
from typing import IO


class BColors:
    """Colored command line output formatting (ANSI escape sequences).

    Example::

        print(BColors.format_colored("training finished", BColors.OKGREEN))
        BColors.print_colored("no GPU found, training on the CPU", BColors.WARNING)

    Colours are left out when the ``NO_COLOR`` environment variable is set (https://no-color.org).
    """

    HEADER = "\033[95m"
    OKBLUE = "\033[94m"
    OKCYAN = "\033[96m"
    OKGREEN = "\033[92m"
    WARNING = "\033[93m"
    FAIL = "\033[91m"
    ENDC = "\033[0m"
    BOLD = "\033[1m"
    UNDERLINE = "\033[4m"

    @classmethod
    def format_colored(cls, text: str, color: str) -> str:
        """``text`` wrapped in ``color`` (one of the class attributes) and the reset sequence.

        :param text: the text to colour.
        :param color: an escape sequence, e.g. :attr:`OKGREEN`.
        :raises ValueError: if ``color`` is not one of the class's colours.
        """
        if color not in cls._colors():
            raise ValueError(f"BColors: unknown colour {color!r}; use one of BColors.{', BColors.'.join(cls._names())}")
        if os.environ.get("NO_COLOR"):
            return str(text)
        return f"{color}{text}{cls.ENDC}"

    @classmethod
    def print_colored(cls, text: str, color: str, file: IO[str] | None = None) -> None:
        """Print ``text`` in ``color`` (to ``file``, default stdout)."""
        print(cls.format_colored(text, color), file=file or sys.stdout)

    @classmethod
    def _names(cls) -> list[str]:
        return [n for n, v in vars(cls).items() if n.isupper() and isinstance(v, str) and n != "ENDC"]

    @classmethod
    def _colors(cls) -> set[str]:
        return {getattr(cls, n) for n in cls._names()}
