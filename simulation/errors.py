"""Errors raised for bad user input (scenario files, parameter files, command-line values).

Every input error names the file, the key and what was expected, so that the command line can
print it on one line without a traceback (see :mod:`simulation.cli`).
"""

from __future__ import annotations


class InputError(ValueError):
    """A user-supplied file or value is wrong.

    Args:
        file: The file the problem is in (or ``"<command line>"``).
        key: The key, dotted parameter path or option at fault.
        expected: What was expected, in words.
        got: What was found (optional; shown with ``repr``).

    Examples:
        >>> str(InputError("s.yaml", "labour.x", "a known parameter path"))
        's.yaml: labour.x: expected a known parameter path'
    """

    _MISSING = object()

    def __init__(self, file: str, key: str, expected: str, got: object = _MISSING):
        self.file = str(file)
        self.key = str(key)
        self.expected = expected
        self.got = got
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """Return the error as one line: ``file: key: expected X, got Y``."""
        text = f"{self.file}: {self.key}: expected {self.expected}"
        if self.got is not InputError._MISSING:
            got = repr(self.got)
            if len(got) > 80:
                got = got[:77] + "..."
            text += f", got {got}"
        return text.replace("\n", " ")
