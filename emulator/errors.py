"""Error type used by the emulator to produce Telegram-shaped error responses."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error that is answered as ``{"ok": false, "error_code": ..., "description": ...}``.

    Raise it from a Bot API method implementation; the HTTP layer converts it into the
    JSON body and HTTP status that the real Bot API would produce.
    """

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | float | None = None,
        shape: str = "telegram",
        seconds: float | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        #: How the reply is written: "telegram" (the JSON above) or another server's way of
        #: failing, see :mod:`emulator.shapes`; ``seconds`` is how long a "timeout" hangs.
        self.shape = shape
        self.seconds = seconds

    def to_json(self) -> dict[str, Any]:
        """Return the Telegram-shaped error body."""
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            retry = self.retry_after
            body["parameters"] = {"retry_after": int(retry) if float(retry).is_integer() else retry}
        return body


def bad_request(detail: str) -> ApiError:
    """Return a 400 ``Bad Request: <detail>`` error."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Return a 403 ``Forbidden: <detail>`` error."""
    return ApiError(403, f"Forbidden: {detail}")


UNAUTHORIZED = ApiError(401, "Unauthorized")
METHOD_NOT_FOUND_DESCRIPTION = "Not Found: method not found"


def method_not_found() -> ApiError:
    """Return the 404 answer Telegram gives for an unknown method."""
    return ApiError(404, METHOD_NOT_FOUND_DESCRIPTION)


def default_description(status: int, retry_after: int | float | None = None) -> str:
    """Return the description Telegram typically uses for a given status code."""
    if status == 429:
        return f"Too Many Requests: retry after {int(retry_after or 1)}"
    return {
        400: "Bad Request: emulated failure",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        404: METHOD_NOT_FOUND_DESCRIPTION,
        405: "Method Not Allowed",
        409: "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
        500: "Internal Server Error",
        501: "Not Implemented",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(status, f"Error {status}")
