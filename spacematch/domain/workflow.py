"""The life of a pairing: one state machine, pure, for every adapter.

A group **requests** a room of a place for its project, or an official **proposes** a
pairing from a district plan. A request needs the owner's yes; a proposal needs the group's
and the owner's, in either order. Once agreed (``accepted``) it waits in the officials'
review queue, to be **approved** or **rejected** (with a reason). An approved pairing holds
its room's hours: it becomes **active** when it starts and **completed** when it ends, or is
**cancelled**. Before approval either party may **withdraw**; the owner (or, for a
proposal, either party) may **decline**.

>>> s = start("request")
>>> s.status, s.group_agreed, s.owner_agreed
('requested', True, False)
>>> s = advance(s, "accept", {"owner"})
>>> s.status
'accepted'
>>> advance(s, "approve", {"official"}).status
'approved'
>>> advance(s, "accept", {"owner"})
Traceback (most recent call last):
...
spacematch.domain.workflow.IllegalTransition: This pairing is accepted: it cannot be accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .errors import N_, Conflict, FieldProblem, PermissionDenied, ValidationError
from .vocabulary import Text

STATUSES = ("requested", "proposed", "accepted", "approved", "rejected", "declined",
            "withdrawn", "active", "completed", "cancelled")
AWAITING = ("requested", "proposed")  # a party's yes is still missing
UNDECIDED = ("requested", "proposed", "accepted")  # before an official's decision
HOLDING = ("approved", "active")  # these hold their room's hours
ENDED = ("rejected", "declined", "withdrawn", "completed", "cancelled")
PARTIES = ("group", "owner", "official")
SYSTEM = "system"  # no person: the service itself, starting a pairing on its first day
ORIGINS = ("request", "proposal")

# action: (statuses it applies to, parties who may take it, whether a reason is required)
ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "accept": (AWAITING, ("group", "owner"), False),
    "decline": (AWAITING, ("group", "owner"), False),
    "withdraw": (UNDECIDED, ("group", "owner"), False),
    "approve": (("accepted",), ("official",), False),
    "reject": (("accepted",), ("official",), True),
    "start": (("approved",), ("owner", "official", SYSTEM), False),
    "complete": (("active",), ("group", "owner", "official"), False),
    "cancel": (HOLDING, ("group", "owner", "official"), True),
}
_RESULT = {"decline": "declined", "withdraw": "withdrawn", "approve": "approved",
           "reject": "rejected", "start": "active", "complete": "completed",
           "cancel": "cancelled"}
# how a refusal names the step ("it cannot be started", not "... be active")
PAST = {"accept": "accepted", **_RESULT, "start": "started"}
MAX_MESSAGE = 2000

# Korean for the words the refusals put in their sentences (pages translate the sentences)
STATUS_NAMES = {"requested": "요청됨", "proposed": "제안됨", "accepted": "수락됨",
                "approved": "승인됨", "rejected": "반려됨", "declined": "거절됨",
                "withdrawn": "철회됨", "active": "진행 중", "completed": "완료됨",
                "cancelled": "취소됨"}
ACTION_NAMES = {"accept": "수락", "decline": "거절", "withdraw": "철회", "approve": "승인",
                "reject": "반려", "start": "시작", "complete": "완료", "cancel": "취소"}
DONE_NAMES = {"accept": "수락할", "decline": "거절할", "withdraw": "철회할", "approve": "승인할",
              "reject": "반려할", "start": "시작할", "complete": "완료할", "cancel": "취소할"}
_PARTY_NAMES = {"group": Text("the group", "지역 활동 단체"), "owner": Text("the owner", "소유자"),
                "official": Text("an official", "담당 공무원")}


class IllegalTransition(Conflict):
    """The pairing's state does not allow this step (HTTP 409)."""

    code = "illegal_transition"


@dataclass(frozen=True)
class PairingState:
    status: str
    origin: str  # "request" or "proposal"
    group_agreed: bool
    owner_agreed: bool


def start(origin: str) -> PairingState:
    """A new pairing: a group's request (the group has said yes by asking) or a proposal."""
    if origin not in ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    if origin == "request":
        return PairingState("requested", origin, True, False)
    return PairingState("proposed", origin, False, False)


def can(state: PairingState, action: str, parties: set[str]) -> bool:
    """Whether someone acting as ``parties`` may take ``action`` now."""
    statuses, who, _ = ACTIONS[action]
    if state.status not in statuses or not set(who) & parties:
        return False
    if action in ("accept", "decline"):
        # each party answers once; the group asked, so it has (it withdraws instead), and a
        # party that said yes withdraws if it changes its mind
        return bool(_still_to_agree(state) & parties)
    return True


def available(state: PairingState, parties: set[str]) -> list[str]:
    """The actions ``parties`` may take now, in the order a page offers them."""
    return [a for a in ACTIONS if can(state, a, parties)]


def _still_to_agree(state: PairingState) -> set[str]:
    return ({"group"} if not state.group_agreed else set()) | \
        ({"owner"} if not state.owner_agreed else set())


def check_party(action: str, parties: set[str]) -> None:
    """PermissionDenied unless one of ``parties`` may ever take ``action``."""
    if action not in ACTIONS:
        raise ValidationError(FieldProblem.of("action", N_("unknown action %(action)s"),
                                              action=repr(action)))
    who = ACTIONS[action][1]
    if not set(who) & parties:
        names = Text.joined(" or ", (_PARTY_NAMES[w] for w in who if w != SYSTEM), " 또는 ")
        raise PermissionDenied(N_("Only %(names)s may %(action)s a pairing."), names=names,
                               action=Text(action, ACTION_NAMES[action]))


def advance(state: PairingState, action: str, parties: set[str],
            message: str | None = None) -> PairingState:
    """The state after ``action`` by someone acting as ``parties``.

    Raises PermissionDenied when none of ``parties`` may ever take the action,
    IllegalTransition when the pairing's state does not allow it, and ValidationError when
    the reason that rejecting or cancelling needs (``message``) is missing.

    >>> p = start("proposal")
    >>> p = advance(p, "accept", {"group"})
    >>> p.status, p.group_agreed
    ('proposed', True)
    >>> advance(p, "accept", {"owner"}).status
    'accepted'
    >>> advance(advance(p, "accept", {"owner"}), "reject", {"official"})
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: message: a reason is required to reject
    """
    check_party(action, parties)
    if not can(state, action, parties):
        why, values = _why_not(state, action, parties)
        raise IllegalTransition(why, **values)
    if ACTIONS[action][2] and not (message or "").strip():
        raise ValidationError(FieldProblem.of("message", N_("a reason is required to %(action)s"),
                                              action=Text(action, ACTION_NAMES[action])))
    if action == "accept":
        agreed = _still_to_agree(state) & parties
        group = state.group_agreed or "group" in agreed
        owner = state.owner_agreed or "owner" in agreed
        status = "accepted" if group and owner else state.status
        return replace(state, status=status, group_agreed=group, owner_agreed=owner)
    return replace(state, status=_RESULT[action])


def _why_not(state: PairingState, action: str, parties: set[str]) -> tuple[str, dict]:
    """The refusal's message and its values (``IllegalTransition(message, **values)``)."""
    if state.status in ACTIONS[action][0]:
        if state.origin == "request" and action == "decline":
            return N_("The group withdraws its own request; only the owner declines it."), {}
        return N_("You have already accepted this pairing; it waits for the other party "
                  "(withdraw it instead)."), {}
    return N_("This pairing is %(status)s: it cannot be %(done)s."), {
        "status": Text(state.status, STATUS_NAMES[state.status]),
        "done": Text(PAST[action], DONE_NAMES[action])}


def due_to_start(state: PairingState, starts_on: date | None, today: date,
                 ends_on: date | None = None) -> bool:
    """An approved pairing becomes active on its first day (at once when it names none),
    unless its last day has passed too (it holds nothing any more: nothing to start).

    >>> approved = PairingState("approved", "request", True, True)
    >>> due_to_start(approved, date(2027, 3, 1), date(2027, 2, 28))
    False
    >>> due_to_start(approved, date(2027, 3, 1), date(2027, 3, 1)), due_to_start(approved, None,
    ...     date(2027, 3, 1))
    (True, True)
    >>> due_to_start(PairingState("accepted", "request", True, True), None, date(2027, 3, 1))
    False
    >>> due_to_start(approved, None, date(2027, 3, 1), ends_on=date(2027, 2, 28))
    False
    """
    return (state.status == "approved" and (starts_on is None or starts_on <= today)
            and (ends_on is None or ends_on >= today))


def clean_message(value, field: str = "message", *, required: bool = False) -> str | None:
    """A person's message or reason: text of at most 2,000 characters; line breaks are
    kept, other control characters refused.

    >>> clean_message("  Tuesdays suit us.\\n Thanks ")
    'Tuesdays suit us.\\n Thanks'
    >>> clean_message("a\\x00b")
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: message: must not contain control ...
    """
    if value is None or value == "":
        text = ""
    elif not isinstance(value, str):
        raise ValidationError(FieldProblem(field, N_("must be text")))
    else:
        text = value.strip()
    if any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF
           for c in text):
        raise ValidationError(FieldProblem(field, N_("must not contain control characters")))
    if len(text) > MAX_MESSAGE:
        raise ValidationError(FieldProblem.of(
            field, N_("at most %(max)s characters (this has %(length)s)"),
            max=f"{MAX_MESSAGE:,}", length=f"{len(text):,}"))
    if required and not text:
        raise ValidationError(FieldProblem(field, N_("is required")))
    return text or None
