"""Resource inputs as the engine hands them over: validated one field at a time.

Pulumi delivers inputs as loosely typed property values (numbers as floats, values of other
resources as an "unknown" marker during preview). An ``InputSchema`` turns them into typed,
normalised values and, for ``check``, into one failure per bad field that names the field and
the fix.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from pulumi_resellertenant.core.transport import PYTHON, InvalidInputError, Naming, shown

__all__ = [
    "UNKNOWN",
    "InputField",
    "InputProblem",
    "InputSchema",
    "Note",
    "at_most",
    "boolean",
    "is_unknown",
    "non_empty_text",
    "one_line",
    "one_of",
    "optional_id",
    "positive_whole_number",
]


class InputProblem(ValueError):
    """Why one input value was refused, phrased to follow "<field> ..."."""


def is_unknown(value: Any) -> bool:
    """True for a value the engine will only know after other resources exist (preview).

    The provider server hands these to check and diff as ``Unknown`` objects; on the wire
    they are the ``UNKNOWN`` marker string.
    """
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


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


_REQUIRED: Any = object()

Note = str | Callable[[Naming], str]
"""What follows an example (``(gigabytes)``); a function of the naming when it names one."""


@dataclass(frozen=True)
class InputField:
    """One input: how to parse it, its default, and an example of a good value."""

    name: str
    parse: Callable[[Any], Any]
    example: Any
    """A good value, as the user would write it: ``5``, ``"suspend"``, ``True``."""
    note: Note = ""
    default: Any = _REQUIRED

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED

    def reason(self, problem: str, naming: Naming = PYTHON) -> str:
        """``quota_gb must be ...; for example quota_gb=5 (gigabytes)``, in ``naming``."""
        note = self.note(naming) if callable(self.note) else self.note
        example = naming.assign(self.name, self.example) + (f" {note}" if note else "")
        return f"{naming.field(self.name)} {problem}; for example {example}"


@dataclass(frozen=True)
class CheckOutcome:
    inputs: dict[str, Any]
    """Normalised inputs: typed values, defaults filled in, unknown values kept unknown."""
    failures: list[tuple[str, str]]
    """(field, reason) for each refused field."""


class InputSchema:
    """The inputs of one resource type."""

    def __init__(self, *fields: InputField) -> None:
        self.fields = {field.name: field for field in fields}

    def check(self, props: Mapping[str, Any], naming: Naming = PYTHON) -> CheckOutcome:
        """Validate every known value; unknown values pass through untouched. Reasons name
        the fields in ``naming``."""
        inputs: dict[str, Any] = {}
        failures: list[tuple[str, str]] = []
        for name, field in self.fields.items():
            value = props.get(name)
            if is_unknown(value):
                inputs[name] = value
                continue
            if value is None:
                if field.required:
                    failures.append((name, field.reason("is required", naming)))
                elif field.default is not None:
                    inputs[name] = field.default
                continue
            try:
                parsed = field.parse(value)
            except InputProblem as problem:
                failures.append((name, field.reason(str(problem), naming)))
                continue
            if parsed is not None:
                inputs[name] = parsed
        return CheckOutcome(inputs, failures)

    def parse(self, props: Mapping[str, Any], naming: Naming = PYTHON) -> dict[str, Any]:
        """Typed values of checked inputs, every field present; raises InvalidInputError."""
        outcome = self.check(props, naming)
        unknown = [name for name, value in outcome.inputs.items() if is_unknown(value)]
        problems = [reason for _, reason in outcome.failures]
        problems += [f"{naming.field(name)} is not known yet" for name in unknown]
        if problems:
            raise InvalidInputError("; ".join(problems))
        return {name: outcome.inputs.get(name) for name in self.fields}


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
