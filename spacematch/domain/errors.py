"""One exception hierarchy for the whole application.

Each error carries its HTTP status, a machine-readable code and a message a person can read,
so the web and API adapters only translate, never decide (the pygeoapi pattern).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field.

    >>> FieldProblem("floor_area_m2", "must be a positive number").describe()
    'floor_area_m2: must be a positive number'
    """

    field: str
    problem: str

    def describe(self) -> str:
        return f"{self.field}: {self.problem}"


class SpacematchError(Exception):
    """Base class: an error the application expects and can explain."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str | None = None):
        self.message = message or "Something went wrong on our side."
        super().__init__(self.message)

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class ValidationError(SpacematchError):
    """Input that cannot be accepted; lists every field and its problem."""

    status = 400
    code = "invalid_input"

    def __init__(self, problems: list[FieldProblem] | FieldProblem, message: str | None = None):
        self.problems = [problems] if isinstance(problems, FieldProblem) else list(problems)
        summary = "; ".join(p.describe() for p in self.problems)
        super().__init__(message or f"Invalid input: {summary}")

    def to_dict(self) -> dict:
        body = super().to_dict()
        body["error"]["fields"] = [{"field": p.field, "problem": p.problem} for p in self.problems]
        return body


class NotFound(SpacematchError):
    status = 404
    code = "not_found"


class PermissionDenied(SpacematchError):
    status = 403
    code = "forbidden"


class Conflict(SpacematchError):
    status = 409
    code = "conflict"


class DataLoadError(SpacematchError):
    """A data file that cannot be loaded at all (missing, wrong columns, wrong encoding)."""

    status = 422
    code = "unloadable_data"
