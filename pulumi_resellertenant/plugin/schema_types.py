"""Schema types of the package's pydantic models, in the plugin's spelling.

The functions (``functions.py``) and the package schema (``schema.py``) both describe models
with these; a module of their own, so neither imports the other.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from .names import camel

__all__ = [
    "object_type",
    "optional",
    "properties",
    "property_type",
    "required",
    "schema_description",
]

_SCALARS = {bool: "boolean", int: "integer", float: "number", str: "string"}


def property_type(annotation: Any) -> dict[str, Any]:
    """The schema type of a field annotation (optional ones unwrapped)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return property_type(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        [inner] = [arg for arg in get_args(annotation) if arg is not type(None)]
        return property_type(inner)
    if annotation in _SCALARS:
        return {"type": _SCALARS[annotation]}
    if origin is Literal and {type(choice) for choice in get_args(annotation)} == {str}:
        return {"type": "string"}  # the choices are the check's to enforce, and its to name
    raise TypeError(f"no schema type for {annotation!r}")


def optional(annotation: Any) -> bool:
    if get_origin(annotation) is Annotated:
        return optional(get_args(annotation)[0])
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def required(model: type[BaseModel]) -> list[str]:
    return [camel(name) for name, info in model.model_fields.items() if info.is_required()]


_LITERAL = re.compile(r"``([^`]+)``")


def schema_description(docstring: str, fields: Iterable[str] = ()) -> str:
    """A docstring as a schema description: Markdown, its paragraphs unwrapped, and reST's
    double-backquoted literals single-backquoted, those naming one of ``fields``
    (``quota_gb``) in the schema's camelCase. A docstring marks every name it mentions so."""
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", docstring.strip()))
    text = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    names = set(fields)
    return _LITERAL.sub(
        lambda match: f"`{camel(match[1]) if match[1] in names else match[1]}`", text
    )


def properties(model: type[BaseModel], secret: tuple[str, ...] = ()) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        entry = property_type(info.annotation)
        if info.description:
            entry["description"] = schema_description(info.description, model.model_fields)
        if name in secret:
            entry["secret"] = True
        props[camel(name)] = entry
    return props


def object_type(model: type[BaseModel]) -> dict[str, Any]:
    """An object type of the schema from an answer model (its declared fields), described
    by the model's docstring."""
    schema: dict[str, Any] = {"type": "object", "properties": properties(model)}
    if model.__doc__:
        schema["description"] = schema_description(model.__doc__, model.model_fields)
    return schema
