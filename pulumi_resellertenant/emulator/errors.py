"""Error answers, in the plain shape unless an API brings its own.

The plain shape is Laravel's: {"message"}, plus "errors" for validation. The control API uses
it, and so does any path no registered API owns; an API with another shape subclasses
`ErrorAnswer` in its own package.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from fastapi.responses import JSONResponse

FieldErrors = dict[str, list[str]]


def validation_message(errors: FieldErrors) -> str:
    """Laravel's summary line: the first message, then how many more there are."""
    messages = [message for field_messages in errors.values() for message in field_messages]
    if not messages:
        return "The given data was invalid."
    more = len(messages) - 1
    if more == 0:
        return messages[0]
    return f"{messages[0]} (and {more} more error{'s' if more > 1 else ''})"


class ErrorAnswer(Exception):
    """An error the emulator answers with (unrelated to the client's errors).

    Raised by handlers and rendered by the app's exception handler, in its class's shape.
    """

    # The plain shape has no code field: only an injected fault adds one, so tests can tell an
    # injected answer from a real one while clients reading "message" still work. A shape
    # that has a code field sets this.
    always_coded: ClassVar[bool] = False

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: FieldErrors | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers
        self.code = code

    @classmethod
    def coded(
        cls,
        status: int,
        code: str,
        message: str,
        *,
        errors: FieldErrors | None = None,
        headers: dict[str, str] | None = None,
        injected: bool = False,
    ) -> Self:
        """An answer made where only a code is known: shared body checks, framework errors,
        injected faults."""
        shown = code if injected or cls.always_coded else None
        return cls(status, message, errors=errors, headers=headers, code=shown)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.code is not None:
            body["code"] = self.code
        if self.errors:
            body["errors"] = self.errors
        return body

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)
