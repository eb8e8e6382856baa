"""Undoing a leak of the Pulumi SDK's dynamic resources, for programs with many tenants.

``pulumi.dynamic.serialize_provider`` (every SDK since 2022; 3.272 included) sets
``pickle._Pickler._batch_setitems`` to a sorting wrapper around its *current* value and never
puts the old one back (pulumi/pulumi#9656; the RecursionError it ends in: #17803). After N
dynamic resources every pickled dict goes through N nested wrappers: a program's cost grows
as N², and near 1,000 resources it crashes with ``RecursionError``. Once each tenant is
constructed, ``unleaked`` puts pickle's own method back, which also heals the chain the
program's other dynamic resources left.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["original_batch_setitems", "unleaked"]


def original_batch_setitems(method: Callable[..., Any]) -> Callable[..., Any] | None:
    """Pickle's own ``_batch_setitems`` under ``method``'s chain of wrappers (each closes
    over the one before it), or None when the chain holds something else."""
    seen: set[int] = set()
    while getattr(method, "__module__", None) != "pickle":
        if id(method) in seen:
            return None
        seen.add(id(method))
        inner = [
            cell.cell_contents
            for cell in getattr(method, "__closure__", None) or ()
            if callable(cell.cell_contents)
        ]
        if len(inner) != 1:
            return None
        method = inner[0]
    return method


@contextmanager
def unleaked() -> Iterator[None]:
    """Around a dynamic resource's construction: afterwards, pickle's own method again."""
    try:
        yield
    finally:
        pickler: Any = pickle._Pickler
        original = original_batch_setitems(pickler._batch_setitems)
        if original is not None:
            pickler._batch_setitems = original
