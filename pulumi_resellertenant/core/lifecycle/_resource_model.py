"""A resource declared once, as two pydantic models: its inputs and its state.

``TenantArgs`` holds the inputs; each field carries an ``Input`` (how ``check`` parses the
engine's loose value, an example for the error, whether a change replaces the tenant).
``TenantState`` extends an API's Args with the outputs, so the state always carries every
input as last applied or read: refreshed inputs, the diff, the resource's properties and
its output attributes all derive from these two classes (as pulumi-go-provider's ``infer``
derives a provider from its Args and State structs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, Self, cast

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticUndefined

from pulumi_resellertenant.core.transport import ResellerTenantError, boolean

from ._inputs import InputField, InputSchema, Note

__all__ = ["Input", "Output", "TenantArgs", "TenantState"]


@dataclass(frozen=True)
class Input:
    """How ``check`` takes one input from the engine: ``parse`` is its rule (from
    ``core.transport``'s value rules, limits included through ``chain``), turning the loose
    value (floats, strings) into the typed one or raising ``InputProblem``; an API's request
    models apply the same rule, so ``check`` refuses at preview what no API should be sent.
    ``example`` is a good value (``note`` follows it in a refusal)."""

    parse: Callable[[Any], Any]
    example: Any
    note: Note = ""
    replaces: bool = False
    """A change makes a new tenant (the old one is deleted)."""


@dataclass(frozen=True)
class Output:
    """Marks an output-only field; ``secret`` ones are encrypted by the engine."""

    secret: bool = False


class TenantArgs(BaseModel):
    """The inputs every tenant has; an API's Args add its own. Each field's docstring is its
    description: the plugin's schema, and so every generated SDK, shows it."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    suspended: bool = False
    """Whether the tenant is suspended (its users blocked, its data kept); setting it back to
    false reactivates the tenant. Changed in place."""

    @classmethod
    def input_names(cls) -> tuple[str, ...]:
        return tuple(_input_fields(cls))

    @classmethod
    def input_schema(cls) -> InputSchema:
        return _schema(cls)

    @classmethod
    def replacing(cls) -> frozenset[str]:
        return frozenset(name for name, meta in _input_fields(cls).items() if meta.replaces)


_SUSPENDED = Input(boolean, example=True)


def _input_fields(cls: type[TenantArgs]) -> dict[str, Input]:
    """Each input with its ``Input``; ``suspended`` has the shared one."""
    fields: dict[str, Input] = {}
    for name, info in cls.model_fields.items():
        meta = next((m for m in info.metadata if isinstance(m, Input)), None)
        if meta is None and name == "suspended":
            meta = _SUSPENDED
        if meta is None:
            raise TypeError(f"{cls.__name__}.{name} needs an Input(...) annotation")
        fields[name] = meta
    return fields


@cache
def _schema(cls: type[TenantArgs]) -> InputSchema:
    fields = []
    for name, meta in _input_fields(cls).items():
        default = cls.model_fields[name].default
        extra = {} if default is PydanticUndefined else {"default": default}
        fields.append(InputField(name, meta.parse, meta.example, meta.note, **extra))
    return InputSchema(*fields)


class _Hidden:
    def __repr__(self) -> str:
        return "[secret]"


_HIDDEN = _Hidden()


class TenantState(TenantArgs):
    """The outputs: an API's State subclasses its Args and this class, and adds the outputs
    (secret ones annotated ``Output(secret=True)``). ``id_field`` names the output that is
    the resource's id."""

    id_field: ClassVar[str]
    args_model: ClassVar[type[TenantArgs]]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # The API's Args is the one base that is Args and not State.
        cls.args_model = next(
            base
            for base in cls.__mro__
            if issubclass(base, TenantArgs)
            and not issubclass(base, TenantState)
            and base is not TenantArgs
        )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # repr and str (and so any log line or traceback showing a state) never show a
        # secret output; the value itself is untouched.
        secret = self.secret_names()
        for name, value in super().__repr_args__():
            yield name, (_HIDDEN if name in secret and value is not None else value)

    @property
    def resource_id(self) -> str:
        return str(getattr(self, self.id_field))

    @classmethod
    def output_only_names(cls) -> tuple[str, ...]:
        return tuple(name for name in cls.model_fields if name not in cls.args_model.model_fields)

    @classmethod
    def secret_names(cls) -> tuple[str, ...]:
        return tuple(
            name
            for name, info in cls.model_fields.items()
            if any(isinstance(m, Output) and m.secret for m in info.metadata)
        )

    @classmethod
    def from_outputs(
        cls, outputs: Mapping[str, Any], id_: str | None = None, *, partial: bool = False
    ) -> Self:
        """The state Pulumi recorded (numbers come back as floats). Unreadable, it is a clear
        error rather than a guess; with ``partial`` (a read, where the live tenant decides)
        it keeps what can be read, so a password recorded beside a bad value is not lost."""
        values = {name: outputs[name] for name in cls.model_fields if outputs.get(name) is not None}
        if id_ is not None:
            values[cls.id_field] = id_
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            if partial:
                bad = {error["loc"][0] for error in exc.errors() if error["loc"]}
                readable = {k: v for k, v in values.items() if k not in bad}
                return cast(Self, cls.model_construct(**readable))
            where = f" of tenant {id_}" if id_ else ""
            first = exc.errors()[0]
            raise ResellerTenantError(
                f"the recorded state{where} cannot be read ({exc.error_count()} problem(s), "
                f"first {'.'.join(map(str, first['loc']))}: {first['msg']}); "
                "run `pulumi refresh`"
            ) from None

    def args(self) -> TenantArgs:
        """The inputs as last applied or read: what ``refresh`` hands back to the engine."""
        names = self.args_model.model_fields
        return self.args_model.model_validate({name: getattr(self, name) for name in names})

    def outputs(self) -> dict[str, Any]:
        return self.model_dump()
