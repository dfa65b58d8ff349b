"""The pairing workflow in the browser: a group asks for a room, the owner answers, an
official decides, and everyone involved follows the timeline.

Views are thin: the form is read into the plain values ``services.pairings`` checks; its
problems are shown under their fields (400), a step the pairing's state does not allow or
an approval that clashes is shown on the pairing's page (409), and anyone who is not a
party gets the service's PermissionDenied (403).
"""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField

from ..domain import workflow
from ..domain.errors import N_, Conflict, NotFound, ValidationError
from ..services import catalogue, matching, pairing_views, pairings
from ..services import decisions as history
from . import _static, _tiles
from .auth import actor
from .cities import page_city
from .forms import show_problems
from .i18n import error_text, pick, problem_text
from .maps import build_pair_map
from .weekly import add_day_rows, day_rows, fill_day_rows, label_day_rows, read_day_rows

bp = Blueprint("pairings", __name__)


@bp.before_request
def _start_due_pairings():
    """A pairing whose first day has come is active when someone signed in looks at
    pairings. Best effort: the page shows what is stored if this cannot run now (the
    database busy with a long write); cron's ``spacematch start-due-pairings`` catches up."""
    if request.method == "GET" and current_user.is_authenticated:
        pairings.start_due(best_effort=True)

ACTION_LABELS = {
    "accept": _l("Accept"), "decline": _l("Decline"), "withdraw": _l("Withdraw"),
    "approve": _l("Approve"), "reject": _l("Reject"), "start": _l("Mark as started"),
    "complete": _l("Mark as completed"), "cancel": _l("Cancel the pairing"),
}
# the label of the message field of a step that needs a reason (workflow.ACTIONS)
REASON_LABELS = {
    "reject": _l("Reason to reject (required)"),
    "cancel": _l("Reason to cancel (required)"),
}
STATUS_LABELS = {
    "requested": _l("Requested"), "proposed": _l("Proposed"),
    "accepted": _l("Accepted, waiting for review"),
    "approved": _l("Approved"), "rejected": _l("Rejected"),
    "declined": _l("Declined"), "withdrawn": _l("Withdrawn"),
    "active": _l("Active"), "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}


class RequestForm(FlaskForm):
    room = RadioField(_l("Room"), choices=[], validate_choice=False)
    starts_on = StringField(_l("First day"), render_kw={"type": "date"})
    ends_on = StringField(_l("Last day"), render_kw={"type": "date"})
    message = TextAreaField(_l("Message to the owner"),
                            render_kw={"rows": 4, "maxlength": workflow.MAX_MESSAGE})

    def day_rows(self) -> list:
        return day_rows(self)


add_day_rows(RequestForm)


class ActionForm(FlaskForm):
    message = TextAreaField(_l("Message"), render_kw={
        "rows": 2, "maxlength": workflow.MAX_MESSAGE})


def _fill(form: RequestForm, page: pairing_views.RequestForm) -> None:
    form.room.data = str(page.best_room if page.best_room is not None else
                         (page.rooms[0].key if page.rooms else ""))
    form.starts_on.data = page.starts_on.isoformat() if page.starts_on else ""
    form.ends_on.data = page.ends_on.isoformat() if page.ends_on else ""
    fill_day_rows(form, page.project_hours)


@bp.route("/projects/<int:project_id>/spaces/<int:space_id>/request", methods=["GET", "POST"])
@login_required
def request_space(project_id: int, space_id: int):
    page = pairing_views.request_form(actor(), project_id, space_id)  # only the project's group
    form = RequestForm(formdata=request.form if request.method == "POST" else None)
    form.room.choices = [SelectChoice(str(r.key), pick(r.name)) for r in page.rooms]
    label_day_rows(form, _("from"), _("to"))
    if not form.is_submitted():
        _fill(form, page)
    elif form.validate_on_submit():
        try:
            made = pairings.request_space(actor(), project_id, space_id, {
                "room": form.room.data, "weekly_hours": read_day_rows(form, page.project_hours),
                "starts_on": form.starts_on.data, "ends_on": form.ends_on.data,
                "message": form.message.data})
        except ValidationError as exc:
            show_problems(form, exc)
        else:
            flash(_("Request sent to the owner of %(place)s", place=made.place_title),
                  "success")
            return redirect(url_for("pairings.pairing", match_id=made.id))
    status = 400 if form.is_submitted() else 200
    return render_template("request_form.html", form=form, page=page), status


PICK = re.compile(r"(\d{1,12}):(\d{1,12}):(-?\d{1,12})")  # project:place:room key
MAX_PROPOSALS = 500


@bp.post("/plan/proposals")
@login_required
def send_proposals():
    """An official sends the ticked pairings of a district plan (or all of them) to both
    parties as proposals."""
    ActionForm(formdata=request.form).validate_on_submit()  # CSRFProtect refused no token
    pairings.may_propose(actor())  # anyone but an official is refused before reading
    field = "all_pick" if request.form.get("all") else "pick"
    picks = [PICK.fullmatch(v) for v in request.form.getlist(field)[:MAX_PROPOSALS]]
    chosen = [{"project_id": int(m[1]), "space_id": int(m[2]), "room": int(m[3])}
              for m in picks if m]
    back = url_for("web.plan", city=request.form.get("city") or None)
    if not chosen:
        flash(_("Tick at least one pairing to propose"), "danger")
        return redirect(back)
    outcomes = pairings.propose(actor(), chosen)
    sent = [o for o in outcomes if o.pairing_id]
    flash(ngettext("%(sent)d of %(num)d pairing sent to both parties as a proposal",
                   "%(sent)d of %(num)d pairings sent to both parties as proposals",
                   len(outcomes), sent=len(sent)), "success" if sent else "info")
    refused = [o for o in outcomes if o.problem]
    if refused:  # one message: the session cookie holds a few kilobytes at most
        listed = "; ".join(_("project %(project)s at place %(place)s: %(problem)s",
                             project=o.project_id, place=o.space_id,
                             problem=_why_refused(o)[:200])
                           for o in refused[:5])
        if len(refused) > 5:
            flash(_("Not sent: %(list)s (and %(num)d more)", list=listed,
                    num=len(refused) - 5), "danger")
        else:
            flash(_("Not sent: %(list)s", list=listed), "danger")
    return redirect(url_for("pairings.my_pairings") if sent else back)


@bp.get("/pairings")
@login_required
def my_pairings():
    return render_template("pairings.html", lists=pairing_views.my_pairings(actor()),
                           statuses=STATUS_LABELS)


@bp.get("/review")
@login_required
def review():
    return render_template("review.html", queue=pairing_views.review_queue(actor()),
                           statuses=STATUS_LABELS)


@bp.get("/pairings/<int:match_id>")
@login_required
def pairing(match_id: int):
    return _pairing_page(match_id)


def _pairing_page(match_id: int, failed: str | None = None, form: ActionForm | None = None,
                  error: str | None = None, status: int = 200):
    page = pairing_views.pairing_page(actor(), match_id)
    city = page_city(page.city)  # the header leads on, and the page speaks, in its city
    # the form that was sent stays, with its problems, even where the step is not open now
    shown = [*page.actions, *([failed] if failed and failed not in page.actions else [])]
    forms = {a: (form if a == failed and form is not None else ActionForm(formdata=None))
             for a in shown}
    for name, f in forms.items():
        f.message.id = f"message-{name}"
        if workflow.ACTIONS[name][2]:
            f.message.label.text = str(REASON_LABELS.get(name) or _(
                "Reason for “%(action)s” (required)", action=ACTION_LABELS[name]))
        else:
            f.message.label.text = _("Message with “%(action)s” (optional)",
                                     action=ACTION_LABELS[name])
    lat, lon = page.place_point
    parts = build_pair_map(page.place_point, page.project_point, page.pairing.place_title,
                           page.pairing.project_title, _static, *_tiles(),
                           outlines=matching.outlines_near(city, lon, lat, 1500))
    return render_template("pairing.html", page=page, p=page.pairing, forms=forms,
                           labels=ACTION_LABELS, statuses=STATUS_LABELS, error=error,
                           map=parts), status


def _act(match_id: int, action: str):
    form = ActionForm(formdata=request.form)
    form.validate_on_submit()  # CSRFProtect has already refused a missing token
    try:
        made = pairings.act(actor(), match_id, action, form.message.data)
    except ValidationError as exc:
        show_problems(form, exc)
        return _pairing_page(match_id, action, form, status=400)
    except Conflict as exc:  # the state does not allow it, or it clashes with a booking
        return _pairing_page(match_id, action, form, error=error_text(exc), status=409)
    flash(f"{STATUS_LABELS.get(made.status, made.status)}: {made.place_title}", "success")
    return redirect(url_for("pairings.pairing", match_id=match_id))


def _action_view(action: str):
    def view(match_id: int):
        return _act(match_id, action)

    view.__name__ = f"act_{action}"
    return login_required(view)


for _action in workflow.ACTIONS:
    bp.add_url_rule(f"/pairings/<int:match_id>/{_action}", f"act_{_action}",
                    _action_view(_action), methods=["POST"])


@bp.get("/decisions")
@login_required
def decisions():
    history.may_read(actor())  # officials (and admins) only, before reading anything
    city = page_city()
    if city is None:
        raise NotFound(N_("No city is loaded yet."))
    wanted = history.parse_filter(request.args, city.slug)
    return render_template("decisions.html", page=history.decision_history(actor(), wanted),
                           statuses=STATUS_LABELS, cities=catalogue.list_cities())


def _why_refused(outcome) -> str:
    """Why a proposal was not sent, in the page's language."""
    error = outcome.error
    if error is None:
        return pick(outcome.problem)
    problems = getattr(error, "problems", None)
    if problems:
        return "; ".join(problem_text(p) for p in problems)
    return error_text(error)
