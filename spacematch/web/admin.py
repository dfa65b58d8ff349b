"""Admins make officials (and other admins): every account, with its role to change."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..domain.errors import Conflict, ValidationError
from ..domain.vocabulary import ROLE_LABELS, ROLES
from ..services import accounts
from .auth import actor
from .i18n import error_text, pick, problem_text

bp = Blueprint("admin", __name__)


@bp.get("/admin/accounts")
@login_required
def account_list():
    query = request.args.get("q", "")
    found = accounts.list_accounts(actor(), query, request.args.get("page", 1, type=int))
    return render_template("admin_accounts.html", found=found, accounts=found.accounts,
                           query=query, roles=ROLES, me=actor().id)


@bp.post("/admin/accounts/<int:user_id>/role")
@login_required
def change_role(user_id: int):
    back = url_for("admin.account_list", q=request.form.get("q") or None,
                   page=request.form.get("page", type=int))
    try:
        done = accounts.set_role(actor(), user_id, request.form.get("role", ""))
    except ValidationError as exc:  # a role that does not exist: said, nothing changed
        flash("; ".join(problem_text(p) for p in exc.problems), "danger")
        return redirect(back)
    except Conflict as exc:  # one's own role
        flash(error_text(exc), "danger")
        return redirect(back)
    flash(_("%(name)s is now: %(role)s", name=done.display_name,
            role=pick(ROLE_LABELS.get(done.role, done.role))), "success")
    return redirect(back)
