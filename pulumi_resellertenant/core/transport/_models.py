"""Building blocks for the API models: tolerant answers, whole numbers, parsing."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from ._errors import InvalidInputError, UnexpectedResponseError
from ._value_rules import positive_whole_number

__all__ = [
    "Answer",
    "PositiveWholeNumber",
    "WholeNumber",
    "build_request",
    "parse_answer",
    "unwrap_data",
]


def _whole_number(value: Any) -> Any:
    # Pulumi hands numbers to providers as floats: 5.0 must travel as 5, but 5.5 is an error.
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not a boolean")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"must be a whole number, got {value:g}")
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
PositiveWholeNumber = Annotated[int, BeforeValidator(positive_whole_number)]
"""The input rule itself (``positive_whole_number``): a request refuses what the check does."""


class Answer(BaseModel):
    """Base of every model read from an API: fields the documents do not name are kept,
    not refused, so a new field in an answer never breaks a deployment. Each field's
    docstring is its description (the plugin's schema shows it for the functions' results)."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, frozen=True, use_attribute_docstrings=True
    )


M = TypeVar("M", bound=BaseModel)


def unwrap_data(body: Any) -> Any:
    """The payload of an answer: both APIs wrap it in ``{"data": ...}``."""
    if isinstance(body, dict) and "data" in body:
        return body["data"]
    return body


def parse_answer(
    model: type[M], data: Any, *, api: str, method: str, path: str, applied: bool = False
) -> M:
    """Validate an answer against its model; a shape we cannot read is an API error, with
    ``outcome_unknown`` and ``committed`` set when the request was ``applied`` (a create
    that succeeded)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UnexpectedResponseError(
            f"cannot read the answer as {model.__name__}: {_describe(exc)}",
            api=api,
            method=method,
            path=path,
            outcome_unknown=applied,
            committed=applied,
        ) from None


def build_request(model: type[M], **fields: Any) -> dict[str, Any]:
    """A request body, validated before anything is sent."""
    try:
        return model.model_validate(fields).model_dump(mode="json")
    except ValidationError as exc:
        raise InvalidInputError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}"
        for e in exc.errors(include_input=False, include_url=False)
    )
