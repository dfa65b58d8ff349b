"""One exception hierarchy for the whole application.

Each error carries its HTTP status, a machine-readable code and a message a person can read,
so the web and API adapters only translate, never decide (the pygeoapi pattern).

Messages are English. Each keeps the text it was made from (its ``template``, marked with
``N_`` for the message catalogues) and the values put into it, so a page can show it in the
reader's language: ``gettext(template) % params``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(text: str) -> str:
    """Mark ``text`` for the message catalogues without translating it here: the domain and
    services import no Flask, so the page translates the message when it shows it."""
    return text


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field.

    >>> FieldProblem("floor_area_m2", "must be a positive number").describe()
    'floor_area_m2: must be a positive number'
    >>> p = FieldProblem.of("name", N_("must have at most %(limit)d characters"), limit=80)
    >>> p.problem, p.template, p.params
    ('must have at most 80 characters', 'must have at most %(limit)d characters', {'limit': 80})
    """

    field: str
    problem: str  # English, with its values in
    template: str | None = field(default=None, compare=False)  # None: ``problem`` is its own
    params: dict | None = field(default=None, compare=False, hash=False)

    @classmethod
    def of(cls, name: str, template: str, **params) -> FieldProblem:
        """A problem whose text is ``template`` with ``params`` put in (``%(name)s``)."""
        return cls(name, template % params if params else template, template, params or None)

    def describe(self) -> str:
        return f"{self.field}: {self.problem}"


class SpacematchError(Exception):
    """Base class: an error the application expects and can explain."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str | None = None, **params):
        self.template = message or N_("Something went wrong on our side.")
        self.params = params or None
        self.message = self.template % params if params else self.template
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
        if message is None:
            # a page lists the problems one by one, each translated: its lead says only this
            self.template, self.params = N_("Some of what was sent cannot be accepted:"), None

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
