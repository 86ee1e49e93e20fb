"""Errors raised for bad user input (scenario files, parameter files, command-line values).

Every input error names the file, the key and what was expected, so that the command line can
print it on one line without a traceback (see :mod:`simulation.cli`). The line is bounded
whatever the input: the value found is shown through :func:`short_repr`, which never builds the
full ``repr`` of a huge or deeply nested value (an alias bomb, an integer of 5,000 digits), and
control characters (a newline in a name) are escaped.

An :class:`InputError` pickles, so a check that fires in a worker process reaches the parent as
the same one-line error.
"""

from __future__ import annotations

import math
import reprlib
from typing import Any

#: Longest ``got`` value shown, in characters (longer ones are cut with ``...``).
GOT_WIDTH = 160
#: Longest file name or key shown, in characters.
NAME_WIDTH = 200


class _ShortRepr(reprlib.Repr):
    """``repr`` with bounded work: few items per container, few levels, short strings."""

    def __init__(self):
        super().__init__(maxlevel=3, maxtuple=6, maxlist=6, maxarray=6, maxdict=4, maxset=6,
                         maxfrozenset=6, maxdeque=6, maxstring=GOT_WIDTH,
                         maxlong=40, maxother=GOT_WIDTH)

    def repr_int(self, x: int, level: int) -> str:  # noqa: D102 (reprlib's hook)
        # str() of an integer above 4,300 digits raises; its length is known without it.
        if abs(x) >= 10**30:
            digits = int(math.floor(math.log10(abs(x)))) + 1
            return f"{'a negative' if x < 0 else 'an'} integer of {digits:,} digits"
        return repr(x)

    def repr_float(self, x: float, level: int) -> str:  # noqa: D102 (reprlib's hook)
        # 1e15 rather than 1000000000000000.0, as it was most likely written.
        return f"{x:.15g}" if abs(x) >= 1e15 and repr(x).endswith(".0") else repr(x)

    def repr_instance(self, x: Any, level: int) -> str:  # noqa: D102 (reprlib's hook)
        try:
            text = repr(x)
        except Exception:  # a broken __repr__ must not hide the input error
            return f"<{type(x).__name__} object>"
        return text if len(text) <= self.maxother else text[: self.maxother - 3] + "..."


_REPR = _ShortRepr()


def one_line_text(text: str, width: int = NAME_WIDTH) -> str:
    r"""Return ``text`` on one line: control characters escaped, at most ``width`` characters.

    Examples:
        >>> one_line_text("abc\n")
        'abc\\n'
    """
    text = str(text)
    if len(text) > 4 * width:  # do not escape megabytes to keep a few hundred characters
        text = text[: 4 * width]
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= width else text[: width - 3] + "..."


def short_repr(value: Any, width: int = GOT_WIDTH) -> str:
    """A ``repr`` of ``value`` of at most ``width`` characters, built with bounded work.

    Examples:
        >>> short_repr(1.5)
        '1.5'
        >>> short_repr(10**5000)
        'an integer of 5,001 digits'
        >>> len(short_repr(list(range(10**6)))) <= 160
        True
    """
    try:
        text = _REPR.repr(value)
    except Exception:  # reprlib calls __repr__ of user objects; never fail here
        text = f"<{type(value).__name__} object>"
    return one_line_text(text, width)


class InputError(ValueError):
    """A user-supplied file or value is wrong.

    Args:
        file: The file the problem is in (or ``"<command line>"``).
        key: The key, dotted parameter path or option at fault.
        expected: What was expected, in words.
        got: What was found (optional; shown with a bounded ``repr``).

    Attributes:
        file: As given (a string).
        key: As given (a string).
        expected: As given.
        got: The value found (the object itself in this process; its short ``repr`` after
            the error crossed a process boundary), or ``InputError.MISSING``.

    Examples:
        >>> str(InputError("s.yaml", "labour.x", "a known parameter path"))
        's.yaml: labour.x: expected a known parameter path'
        >>> import pickle
        >>> str(pickle.loads(pickle.dumps(InputError("s.yaml", "k", "a number", "x"))))
        "s.yaml: k: expected a number, got 'x'"
    """

    MISSING = _MISSING = object()

    def __init__(self, file: str, key: str, expected: str, got: object = MISSING):
        self.file = str(file)
        self.key = str(key)
        self.expected = str(expected)
        self.got = got
        self._got_text = None if got is InputError.MISSING else short_repr(got)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """Return the error as one line: ``file: key: expected X, got Y``."""
        text = (f"{one_line_text(self.file)}: {one_line_text(self.key)}: expected "
                f"{one_line_text(self.expected, 4 * NAME_WIDTH)}")
        if self._got_text is not None:
            text += f", got {self._got_text}"
        return text

    def __reduce__(self):
        # The default reduce calls InputError(message), which needs three arguments; the value
        # found travels as its short repr (the object itself may not pickle).
        return (_rebuild, (type(self), self.file, self.key, self.expected, self._got_text))


def _rebuild(cls: type[InputError], file: str, key: str, expected: str,
             got_text: str | None) -> InputError:
    err = cls.__new__(cls)
    err.file, err.key, err.expected = file, key, expected
    err.got = InputError.MISSING if got_text is None else got_text
    err._got_text = got_text
    ValueError.__init__(err, err.one_line())
    return err
