"""The audit trail: every write a service makes records who did it and what changed."""

from __future__ import annotations

from ..db.models import AuditEvent, User
from ..extensions import db


def record(actor: User | None, action: str, entity, *, before: dict | None = None,
           after: dict | None = None, detail: str | None = None,
           label: str | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=label or (actor.email if actor else "system"),
        action=action,
        entity=entity.__tablename__ if hasattr(entity, "__tablename__") else str(entity),
        entity_id=getattr(entity, "id", None),
        before=before, after=after, detail=detail[:500] if detail else None,
    )
    db.session.add(event)
    return event
