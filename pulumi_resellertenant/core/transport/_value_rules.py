"""The rules an input value must meet, one function each: the input check applies them to
what the engine hands over, and the request models to what is sent, so each rule is written
once. A rule takes the loose value (Pulumi's numbers arrive as floats) and returns the typed
one, or raises ``InputProblem`` with a reason that follows "<field> ..."; ``chain`` runs a
rule and then its limits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from ._shown import shown

__all__ = [
    "InputProblem",
    "at_most",
    "boolean",
    "chain",
    "non_empty_text",
    "one_line",
    "one_of",
    "optional_id",
    "positive_whole_number",
]


class InputProblem(ValueError):
    """Why one input value was refused, phrased to follow "<field> ..."."""


def positive_whole_number(value: Any) -> int:
    # bool is an int subclass: True must not pass as 1.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputProblem(f"must be a positive whole number, got {_show(value)}")
    if isinstance(value, float) and not value.is_integer():
        raise InputProblem(f"must be a whole number, got {value:g}")
    if value < 1:
        raise InputProblem(f"must be at least 1, got {_number(value)}")
    return int(value)


def at_most(maximum: int, unit: str = "") -> Callable[[int], int]:
    """A limit on a parsed number: unbounded, ``quota_gb=1e30`` would be sent as 31 digits."""

    def check(number: int) -> int:
        if number > maximum:
            raise InputProblem(f"must be at most {maximum:,}{unit}, got {_number(number)}")
        return number

    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InputProblem(f"must be True or False, got {_show(value)}")
    return value


def non_empty_text(value: Any) -> str:
    if not isinstance(value, str):
        raise InputProblem(f"must be a string, got {_show(value)}")
    if not value.strip():
        raise InputProblem("must not be empty")
    return value


# Characters one line of text must not hold: controls (NUL, ESC, tabs, line breaks, C1), lone
# surrogates, the Unicode line and paragraph separators, and the bidi embeddings, overrides
# and isolates. Wherever the text is shown they forge lines, drive the terminal or disguise
# what it says.
_CONTROL_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(max_length: int) -> Callable[[str], str]:
    """A limit on parsed text: one printable line of at most ``max_length`` characters."""

    def check(text: str) -> str:
        if len(text) > max_length:
            raise InputProblem(f"must be at most {max_length} characters, got {len(text)}")
        for position, char in enumerate(text, start=1):
            if unicodedata.category(char) in _CONTROL_CATEGORIES or char in _BIDI_CONTROLS:
                raise InputProblem(
                    "must not contain control characters (line breaks, tabs, NUL, escapes, "
                    f"bidi overrides), found U+{ord(char):04X} at character {position}"
                )
        return text

    return check


def one_of(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in choices:
            allowed = " or ".join(repr(c) for c in choices)
            raise InputProblem(f"must be {allowed}, got {_show(value)}")
        return str(value)

    return parse


def optional_id(value: Any) -> str | None:
    """An API id given as a string or a whole number; the empty string counts as unset."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputProblem(f"must be a tenant id such as '42', got {_show(value)}")
    if isinstance(value, float):
        if not value.is_integer():
            raise InputProblem(f"must be a tenant id such as '42', got {value:g}")
        value = int(value)
    text = str(value).strip()
    if not text:
        raise InputProblem("must not be blank")
    return text


def chain(parse: Callable[[Any], Any], *limits: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``parse`` and then each limit on what it returned (an unset optional value has none)."""

    def rule(value: Any) -> Any:
        parsed = parse(value)
        if parsed is not None:
            for limit in limits:
                parsed = limit(parsed)
        return parsed

    return rule


def _show(value: Any) -> str:
    return shown(repr(value), 60)


def _number(value: float) -> str:
    """A number as short text however big: ``1e+30``, never 31 digits."""
    if isinstance(value, int) and abs(value) < 10**15:
        return str(value)
    try:
        return f"{value:g}"
    except OverflowError:  # an int beyond any float
        return "a number too large to show"
