"""Resource inputs as the engine hands them over: validated one field at a time.

Pulumi delivers inputs as loosely typed property values (numbers as floats, values of other
resources as an "unknown" marker during preview). An ``InputSchema`` turns them into typed,
normalised values and, for ``check``, into one failure per bad field that names the field and
the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from pulumi_resellertenant.core.transport import PYTHON, InputProblem, InvalidInputError, Naming

__all__ = ["UNKNOWN", "InputField", "InputSchema", "Note", "is_unknown"]


def is_unknown(value: Any) -> bool:
    """True for a value the engine will only know after other resources exist (preview).

    The provider server hands these to check and diff as ``Unknown`` objects; on the wire
    they are the ``UNKNOWN`` marker string.
    """
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


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
