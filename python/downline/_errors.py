"""The exceptions downline raises, one class per canonical code.

The native module's single exception translator looks the class up here by
code name (``class_for_code("NOT_FOUND")``) and raises it with ``.code`` and
``.field`` set. Each class also derives from the built-in exception a Python
programmer would expect (``ValueError``, ``LookupError``, ...), so that
``except ValueError`` keeps working.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Error",
    "InvalidArgument",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "class_for_code",
]


class Error(Exception):
    """Base of every error downline raises.

    ``code`` is the canonical code name shared with C++ and C
    (``"INVALID_ARGUMENT"``); ``field`` the path of the offending input
    (``"person.email"``, ``"$"`` for a whole document) or ``""``.
    """

    code: str = "UNKNOWN"
    field: str = ""

    def __init__(self, message: str = "", *, code: str | None = None, field: str = "") -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.field = field

    @property
    def message(self) -> str:
        """The human-readable message."""
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        message = self.message
        return f"{message} (field: {self.field})" if self.field else message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r}, field={self.field!r})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:  # keep code and field when pickled
        return (_rebuild, (type(self), self.message, self.code, self.field))


def _rebuild(cls: type[Error], message: str, code: str, field: str) -> Error:
    return cls(message, code=code, field=field)


class InvalidArgument(Error, ValueError):
    """The caller passed something malformed (bad JSON, bad e-mail, ...)."""

    code = "INVALID_ARGUMENT"


class NotFound(Error, LookupError):
    """A referenced entity (person, network, ...) does not exist."""

    code = "NOT_FOUND"


class AlreadyExists(Error):
    """The entity to create exists already."""

    code = "ALREADY_EXISTS"


class PermissionDenied(Error, PermissionError):
    """The actor may not see or do this."""

    code = "PERMISSION_DENIED"


class ResourceExhausted(Error):
    """A bounded computation (e.g. a rule's evaluation) exceeded its budget."""

    code = "RESOURCE_EXHAUSTED"


class FailedPrecondition(Error):
    """A business rule forbids the operation in the current state."""

    code = "FAILED_PRECONDITION"


class Aborted(Error):
    """A conflict with another writer: retry the whole operation."""

    code = "ABORTED"


class OutOfRange(Error, ValueError):
    """A value does not fit (decimal overflow, depth beyond limits, ...)."""

    code = "OUT_OF_RANGE"


class Unimplemented(Error, NotImplementedError):
    """The operation is not supported (yet, or by this store)."""

    code = "UNIMPLEMENTED"


class Internal(Error):
    """A bug in downline: please report it."""

    code = "INTERNAL"


class Unavailable(Error):
    """The store is busy or unreachable: retry the call."""

    code = "UNAVAILABLE"


class DataLoss(Error):
    """The store is corrupt or from an unknown future schema."""

    code = "DATA_LOSS"


_BY_CODE: dict[str, type[Error]] = {
    cls.code: cls
    for cls in (
        InvalidArgument,
        NotFound,
        AlreadyExists,
        PermissionDenied,
        ResourceExhausted,
        FailedPrecondition,
        Aborted,
        OutOfRange,
        Unimplemented,
        Internal,
        Unavailable,
        DataLoss,
    )
}


def class_for_code(code: str) -> type[Error]:
    """The exception class for a canonical code name; ``Internal`` when unknown."""
    return _BY_CODE.get(code, Internal)
