"""Which registered API a request path belongs to: whether the request is counted and open to
faults, and which error shape its unknown routes and injected faults answer in."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import ErrorAnswer


class ApiPaths:
    def __init__(
        self, owners: Sequence[tuple[str, type[ErrorAnswer]]], list_paths: Sequence[str] = ()
    ) -> None:
        """`owners`: each API's path prefix (such as /api/user) and error type; `list_paths`:
        the paths whose GET lists tenants (what a list-lag fault applies to)."""
        self._lists = frozenset(path.rstrip("/") for path in list_paths)
        # Longest prefix first, so a nested prefix wins over the one it is nested in.
        self._owners = sorted(owners, key=lambda owner: len(owner[0]), reverse=True)
        # An API's server owns the top-level segment it lives under (/api/ for Laravel's api
        # routes): an unknown path there is still an API request, counted as <unmatched> and
        # open to faults. The control API lives outside every API's segment.
        self._roots = tuple({f"/{prefix.strip('/').split('/')[0]}/" for prefix, _ in owners})

    def is_api(self, path: str) -> bool:
        return path.startswith(self._roots)

    def is_list(self, path: str) -> bool:
        return path.rstrip("/") in self._lists

    def error_type(self, path: str) -> type[ErrorAnswer]:
        for prefix, error_type in self._owners:
            if path == prefix or path.startswith(f"{prefix}/"):
                return error_type
        # The plain shape: the control API's, and that of any path no API owns.
        return ErrorAnswer

    def error(
        self,
        path: str,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        injected: bool = False,
    ) -> ErrorAnswer:
        """An error in the shape of the API that owns `path`."""
        return self.error_type(path).coded(
            status, code, message, headers=headers, injected=injected
        )
