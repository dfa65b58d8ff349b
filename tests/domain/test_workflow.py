"""The pairing's state machine: every legal path, every illegal step refused and named, who
may take which step, and messages that can be stored.

The tables below are written from the workflow's description (the module's docstring), not
from ``ACTIONS``/``can``: the tests compare the code with them.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacematch.domain.errors import PermissionDenied, ValidationError
from spacematch.domain.workflow import (
    ENDED,
    STATUSES,
    IllegalTransition,
    PairingState,
    advance,
    available,
    clean_message,
    start,
)

GRP, OWN, OFF = "group", "owner", "official"
ALL_ACTIONS = ("accept", "decline", "withdraw", "approve", "reject", "start", "complete",
               "cancel")
# who may ever take each step, whatever the pairing's state
EVER = {"accept": {GRP, OWN}, "decline": {GRP, OWN}, "withdraw": {GRP, OWN},
        "approve": {OFF}, "reject": {OFF}, "start": {OWN, OFF},
        "complete": {GRP, OWN, OFF}, "cancel": {GRP, OWN, OFF}}


def _s(status, origin="request", group=True, owner=True):
    return PairingState(status, origin, group, owner)


# every state a pairing can be in, and the (action, party) steps legal in it, with the result
STATES = {
    "requested": _s("requested", owner=False),
    "proposed/nobody": _s("proposed", "proposal", False, False),
    "proposed/group": _s("proposed", "proposal", True, False),
    "proposed/owner": _s("proposed", "proposal", False, True),
    **{s: _s(s) for s in ("accepted", "approved", "active", *ENDED)},
}
LEGAL = {
    "requested": {("accept", OWN): "accepted", ("decline", OWN): "declined",
                  ("withdraw", GRP): "withdrawn", ("withdraw", OWN): "withdrawn"},
    "proposed/nobody": {("accept", GRP): "proposed", ("accept", OWN): "proposed",
                        ("decline", GRP): "declined", ("decline", OWN): "declined",
                        ("withdraw", GRP): "withdrawn", ("withdraw", OWN): "withdrawn"},
    # a party that has said yes no longer declines: it withdraws
    "proposed/group": {("accept", OWN): "accepted", ("decline", OWN): "declined",
                       ("withdraw", GRP): "withdrawn", ("withdraw", OWN): "withdrawn"},
    "proposed/owner": {("accept", GRP): "accepted", ("decline", GRP): "declined",
                       ("withdraw", GRP): "withdrawn", ("withdraw", OWN): "withdrawn"},
    "accepted": {("withdraw", GRP): "withdrawn", ("withdraw", OWN): "withdrawn",
                 ("approve", OFF): "approved", ("reject", OFF): "rejected"},
    "approved": {("start", OWN): "active", ("start", OFF): "active",
                 ("cancel", GRP): "cancelled", ("cancel", OWN): "cancelled",
                 ("cancel", OFF): "cancelled"},
    "active": {("complete", GRP): "completed", ("complete", OWN): "completed",
               ("complete", OFF): "completed", ("cancel", GRP): "cancelled",
               ("cancel", OWN): "cancelled", ("cancel", OFF): "cancelled"},
    **{s: {} for s in ENDED},
}
PAST = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn",
        "approve": "approved", "reject": "rejected", "start": "started",
        "complete": "completed", "cancel": "cancelled"}
CASES = [(name, action, party) for name in STATES for action in ALL_ACTIONS
         for party in (GRP, OWN, OFF)]


def test_the_tables_cover_every_status():
    assert {s.status for s in STATES.values()} == set(STATUSES)


@pytest.mark.parametrize(("name", "action", "party"), CASES)
def test_each_step_by_each_party_in_each_state(name, action, party):
    state = STATES[name]
    if party not in EVER[action]:
        with pytest.raises(PermissionDenied, match=f"may {action} a pairing"):
            advance(state, action, {party}, "a reason")
    elif (action, party) in LEGAL[name]:
        assert advance(state, action, {party}, "a reason").status == LEGAL[name][action, party]
    else:
        with pytest.raises(IllegalTransition) as caught:
            advance(state, action, {party}, "a reason")
        text = caught.value.message
        if state.status in ("requested", "proposed") and action in ("accept", "decline"):
            assert "already accepted" in text or "withdraws its own request" in text
        else:
            assert text == f"This pairing is {state.status}: it cannot be {PAST[action]}."
        assert caught.value.status == 409


@pytest.mark.parametrize("name", list(STATES))
def test_available_lists_exactly_the_legal_steps(name):
    for party in (GRP, OWN, OFF):
        legal = [a for a in ALL_ACTIONS if (a, party) in LEGAL[name]]
        assert available(STATES[name], {party}) == legal


def test_a_request_runs_its_whole_course():
    s = start("request")
    assert (s.status, s.origin, s.group_agreed, s.owner_agreed) == (
        "requested", "request", True, False)
    path = [("accept", OWN), ("approve", OFF), ("start", OWN), ("complete", GRP)]
    statuses = []
    for action, party in path:
        s = advance(s, action, {party})
        statuses.append(s.status)
    assert statuses == ["accepted", "approved", "active", "completed"]
    assert s.group_agreed and s.owner_agreed


@pytest.mark.parametrize("at", ["approved", "active"])
def test_cancelling_needs_a_reason(at):
    s = STATES[at]
    for empty in (None, "", "   "):
        with pytest.raises(ValidationError) as caught:
            advance(s, "cancel", {OWN}, empty)
        assert [p.field for p in caught.value.problems] == ["message"]
        assert "reason is required to cancel" in caught.value.message
    assert advance(s, "cancel", {OWN}, "the roof leaks").status == "cancelled"


def test_rejecting_needs_a_reason():
    with pytest.raises(ValidationError, match="reason is required to reject"):
        advance(STATES["accepted"], "reject", {OFF})
    assert advance(STATES["accepted"], "reject", {OFF}, "the hours clash").status == "rejected"
    # approving needs none
    assert advance(STATES["accepted"], "approve", {OFF}).status == "approved"


@pytest.mark.parametrize("order", [(GRP, OWN), (OWN, GRP)])
def test_a_proposal_needs_the_group_and_the_owner_in_either_order(order):
    s = start("proposal")
    assert (s.status, s.group_agreed, s.owner_agreed) == ("proposed", False, False)
    first, second = order
    s = advance(s, "accept", {first})
    assert s.status == "proposed" and s.group_agreed == (first == GRP)
    assert s.owner_agreed == (first == OWN)
    with pytest.raises(IllegalTransition, match="already accepted"):
        advance(s, "accept", {first})
    with pytest.raises(IllegalTransition, match="cannot be approved"):
        advance(s, "approve", {OFF})  # not before both have said yes
    s = advance(s, "accept", {second})
    assert (s.status, s.group_agreed, s.owner_agreed) == ("accepted", True, True)


def test_one_person_who_is_both_parties_accepts_a_proposal_at_once():
    s = advance(start("proposal"), "accept", {GRP, OWN})
    assert (s.status, s.group_agreed, s.owner_agreed) == ("accepted", True, True)


@pytest.mark.parametrize("party", [GRP, OWN])
@pytest.mark.parametrize("at", ["requested", "accepted"])
def test_either_party_withdraws_before_approval(party, at):
    assert advance(STATES[at], "withdraw", {party}).status == "withdrawn"


@pytest.mark.parametrize("party", [GRP, OWN])
def test_nobody_withdraws_after_approval(party):
    with pytest.raises(IllegalTransition, match="approved: it cannot be withdrawn"):
        advance(STATES["approved"], "withdraw", {party})


def test_the_owner_declines_a_request_the_group_cannot():
    assert advance(STATES["requested"], "decline", {OWN}).status == "declined"
    with pytest.raises(IllegalTransition, match="The group withdraws its own request"):
        advance(STATES["requested"], "decline", {GRP})


@pytest.mark.parametrize(("action", "party", "who"), [
    ("approve", GRP, "an official"), ("reject", OWN, "an official"),
    ("accept", OFF, "the group or the owner"), ("start", GRP, "the owner or an official")])
def test_the_wrong_party_is_told_who_may(action, party, who):
    with pytest.raises(PermissionDenied) as caught:
        advance(STATES["accepted"], action, {party}, "x")
    assert caught.value.message == f"Only {who} may {action} a pairing."
    assert caught.value.status == 403


def test_nobody_at_all_and_unknown_actions_are_refused():
    with pytest.raises(PermissionDenied):
        advance(STATES["accepted"], "approve", set())
    with pytest.raises(ValidationError, match="unknown action 'merge'"):
        advance(STATES["accepted"], "merge", {OFF})
    with pytest.raises(ValueError, match="unknown origin"):
        start("rumour")


# -- messages --------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [None, "", "   ", "\n\t "])
def test_an_empty_message_is_none(value):
    assert clean_message(value) is None


def test_a_message_keeps_its_line_breaks_and_tabs_inside():
    assert clean_message("  Hello\r\n\tTuesdays suit us.  ") == "Hello\r\n\tTuesdays suit us."
    assert clean_message("어르신 모임 🙂") == "어르신 모임 🙂"


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\x7fb", "a\x08", "x\ud800y",
                                   "\udfff"])
def test_control_characters_and_lone_surrogates_are_refused(value):
    with pytest.raises(ValidationError) as caught:
        clean_message(value, "reason")
    assert [p.field for p in caught.value.problems] == ["reason"]


def test_a_message_is_at_most_2000_characters():
    assert clean_message("x" * 2000) == "x" * 2000
    assert clean_message("  " + "x" * 2000 + "  ") == "x" * 2000  # counted once trimmed
    with pytest.raises(ValidationError, match=r"at most 2,000 characters \(this has 2,001\)"):
        clean_message("x" * 2001)


@pytest.mark.parametrize("value", [42, 0, False, b"bytes", ["a list"], {"a": 1}])
def test_a_message_must_be_text(value):
    with pytest.raises(ValidationError, match="message: must be text"):
        clean_message(value)


def test_a_required_message_must_say_something():
    with pytest.raises(ValidationError, match="reason: is required"):
        clean_message("  ", "reason", required=True)
    assert clean_message("ok", required=True) == "ok"


# -- any walk stays inside the machine -------------------------------------------------------
steps = st.lists(st.tuples(st.sampled_from(ALL_ACTIONS + ("merge",)),
                           st.sets(st.sampled_from((GRP, OWN, OFF)), max_size=3),
                           st.sampled_from((None, "", "because"))), max_size=25)


@settings(max_examples=400, deadline=None)
@given(origin=st.sampled_from(("request", "proposal")), walk=steps)
def test_a_random_walk_never_leaves_the_machine(origin, walk):
    s = start(origin)
    for action, parties, message in walk:
        try:
            after = advance(s, action, parties, message)
        except (IllegalTransition, PermissionDenied, ValidationError):
            continue
        assert after.status in STATUSES and after.origin == origin
        assert s.status not in ENDED, f"{s.status} moved on to {after.status}"
        if after.status == "approved":
            assert s.status == "accepted" and s.group_agreed and s.owner_agreed
            assert OFF in parties
        if after.status == "accepted":
            assert after.group_agreed and after.owner_agreed
        if after.status in ("requested", "proposed"):
            assert not (after.group_agreed and after.owner_agreed)
        # a yes, once said, stays said
        assert after.group_agreed >= s.group_agreed and after.owner_agreed >= s.owner_agreed
        s = after
