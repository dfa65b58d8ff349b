"""Accounts in the browser: sign up, sign in, sign out, change password.

Flask-Login keeps who is signed in, in the signed session cookie; Flask-WTF checks the CSRF
token of every form (CSRFProtect, for the whole app); Flask-Limiter counts sign-in attempts
per address, and failed ones per account. The rules themselves live in ``services/users.py``.
The forms take web forms only, and read their fields only (``request.form``): a JSON body is
refused (415), a file where text belongs is no input.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import Unauthorized, UnsupportedMediaType
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from ..domain.errors import ValidationError
from ..extensions import limiter, login_manager
from ..services import users
from ..services.passwords import MAX_LENGTH, MIN_LENGTH
from .errors import wants_json
from .i18n import problem_text
from .links import safe_next

bp = Blueprint("auth", __name__)

# Per address, every POST: one person (or one office behind one address) trying several
# accounts. The account limits count failed sign-ins only, so the right password is never what
# keeps an owner out. Per account and address: a guesser at one address gets 5 tries a minute
# at an account, and closes only that address to it, never the owner's. Per account, from any
# address: a guesser with many addresses gets 20 a minute (under 30,000 a day, against a
# password of 10+ characters that is not a common one); to keep the owner out for a minute
# they must fail 20 times in it, from at least 4 addresses.
SIGN_IN_PER_ADDRESS = "10 per minute"
FAILED_SIGN_INS_PER_ACCOUNT_AND_ADDRESS = "5 per minute"
FAILED_SIGN_INS_PER_ACCOUNT = "20 per minute"
SIGN_UP_PER_ADDRESS = "10 per minute"
PASSWORD_CHANGES_PER_ACCOUNT = "5 per minute"

login_manager.login_view = "auth.sign_in"
# A session is tied to the browser's user agent and address as Flask-Login sees them; it reads
# the address from X-Forwarded-For, which any client sets, so this stops no copied cookie.
# What ends copies is a password change (the session token, users.session_user).
login_manager.session_protection = "strong"

REQUIRED = _l("is required")
ROLE_CHOICES = [SelectChoice("group", _l("Community group")),
                SelectChoice("owner", _l("Space owner"))]


class SignedInUser:
    """Flask-Login's user: the account as the services hand it out (``view``).

    Its session id names the account's session token too, so a session made before a
    password change no longer loads (``users.session_user``).
    """

    is_authenticated = True
    is_anonymous = False

    def __init__(self, view: users.UserView):
        self.view = view

    def __getattr__(self, name: str):  # id, email, role, display_name, is_active …
        if name == "view":  # not set yet (a copy being made): no endless recursion
            raise AttributeError(name)
        return getattr(self.view, name)

    def get_id(self) -> str:
        return f"{self.view.id}:{self.view.session_token}"


@login_manager.user_loader
def _load_user(session_id: str) -> SignedInUser | None:
    user_id, _sep, token = session_id.partition(":")
    view = users.session_user(int(user_id), token) if user_id.isdigit() else None
    return SignedInUser(view) if view else None


@login_manager.unauthorized_handler
def _unauthorized():
    if wants_json():
        raise Unauthorized("Please sign in first.")
    flash(_("Please sign in first"), "info")
    # only a page can be gone back to: after signing in, a browser GETs ``next``
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.sign_in", next=back))


def actor() -> users.UserView | None:
    """Who is signed in, for the services' ``actor`` arguments."""
    return current_user.view if current_user.is_authenticated else None


@bp.app_context_processor
def _account_links():
    """The header's "Sign in" link brings a person back to the page they were reading."""
    if request.blueprint == "auth":
        back = safe_next(request.values.get("next"))
    else:
        back = request.full_path.rstrip("?") if request.method == "GET" else None
    return {"sign_in_url": url_for("auth.sign_in", next=back),
            "sign_up_url": url_for("auth.sign_up", next=back)}


# --- forms ----------------------------------------------------------------------------------

class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"),
                             validators=[InputRequired(REQUIRED), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


# The sign-up and password forms check only what is theirs (the password typed twice); the
# services judge the rest, and the views show both sets of problems at once.

class SignUpForm(FlaskForm):
    role = RadioField(_l("I am"), choices=ROLE_CHOICES, validate_choice=False)
    display_name = StringField(_l("Name shown to others"),
                               render_kw={"autocomplete": "name"})
    organisation = StringField(_l("Group, agency or company (optional)"),
                               render_kw={"autocomplete": "organization"})
    email = EmailField(_l("E-mail"), render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "new-password"})
    password_again = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", _l("must match the password"))],
        render_kw={"autocomplete": "new-password"})
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"),
                                 render_kw={"autocomplete": "new-password"})
    new_password_again = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new_password", _l("must match the new password"))],
        render_kw={"autocomplete": "new-password"})


PASSWORD_HINT = _l("At least %(min)d characters; a few words make a good one", min=MIN_LENGTH)


FORM_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _form_data():
    """What the forms read: the fields of a web form (never a JSON body, never a file)."""
    return request.form if request.method == "POST" else None


def _typed_account() -> str:
    """The account a sign-in attempt names, as the per-account rate-limit key (hashed: the
    limiter's storage need not hold e-mail addresses). Read from the form's own data, and
    normalised as ``users.authenticate`` does, so every spelling of one account counts once."""
    email = (request.form.get("email") or "").strip().lower()
    return "sign-in:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()


def _typed_account_here() -> str:
    return f"{_typed_account()}:{get_remote_address()}"


def _sign_in_failed(response) -> bool:
    """Whether this request checked a password and it was wrong (``sign_in`` says so)."""
    return g.get("sign_in_failed", False)


def _signed_in_account() -> str:
    return f"account:{current_user.get_id()}" if current_user.is_authenticated else "anonymous"


def _show_problems(form: FlaskForm, error: ValidationError) -> None:
    """Each problem under its field; one with no field of the form above the form."""
    for problem in error.problems:
        field = form._fields.get(problem.field)
        if field is not None and problem.field not in ("csrf_token", "next"):
            field.errors = [*field.errors, problem_text(problem)]
        else:
            form.form_errors.append(f"{problem.field}: {problem_text(problem)}")


def _start_session(view: users.UserView) -> None:
    # nothing from before signing in is carried over, and the CSRF token is a new one
    session.clear()
    login_user(SignedInUser(view))


def _back(form_next: str | None = None):
    return redirect(safe_next(form_next) or safe_next(request.args.get("next"))
                    or url_for("web.home"))


# --- views ------------------------------------------------------------------------------------

FORM_VIEWS = ("auth.sign_in", "auth.sign_up", "auth.change_password")


@bp.before_request
def _web_forms_only():
    if (request.method == "POST" and request.endpoint in FORM_VIEWS
            and request.mimetype not in FORM_BODIES):
        raise UnsupportedMediaType("Send this as a web form (application/x-www-form-urlencoded "
                                   "or multipart/form-data), as the page's form does.")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_PER_ADDRESS, methods=["POST"])
@limiter.limit(FAILED_SIGN_INS_PER_ACCOUNT_AND_ADDRESS, key_func=_typed_account_here,
               methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(FAILED_SIGN_INS_PER_ACCOUNT, key_func=_typed_account, methods=["POST"],
               deduct_when=_sign_in_failed)
def sign_in():
    if current_user.is_authenticated:  # nothing to do: go where they were going
        return _back()
    form = SignInForm(formdata=_form_data(), next=safe_next(request.args.get("next")))
    if form.validate_on_submit():
        view = users.authenticate(form.email.data, form.password.data)
        if view is not None:
            _start_session(view)
            flash(_("Signed in as %(name)s", name=view.display_name), "success")
            return _back(form.next.data)
        g.sign_in_failed = True
        form.password.errors = [*form.password.errors, _("e-mail or password is not right")]
    status = 400 if request.method == "POST" else 200
    return render_template("sign_in.html", form=form), status


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(SIGN_UP_PER_ADDRESS, methods=["POST"])
def sign_up():
    if current_user.is_authenticated:
        return _back()
    form = SignUpForm(formdata=_form_data(), next=safe_next(request.args.get("next")))
    if form.is_submitted():
        fields = {"email": form.email.data, "password": form.password.data,
                  "role": form.role.data, "display_name": form.display_name.data,
                  "organisation": form.organisation.data}
        try:
            if not form.validate():
                users.check_sign_up(**fields)  # the services' problems, shown beside the form's
            else:
                view = users.sign_up(**fields)
                _start_session(view)
                flash(_("Welcome, %(name)s", name=view.display_name), "success")
                return _back(form.next.data)
        except ValidationError as error:
            _show_problems(form, error)
    status = 400 if request.method == "POST" else 200
    return render_template("sign_up.html", form=form, password_hint=PASSWORD_HINT), status


@bp.post("/sign-out")
@login_required
def sign_out():
    logout_user()
    session.clear()
    flash(_("Signed out"), "success")
    return redirect(url_for("web.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(PASSWORD_CHANGES_PER_ACCOUNT, key_func=_signed_in_account, methods=["POST"],
               exempt_when=lambda: not current_user.is_authenticated)
def change_password():
    form = ChangePasswordForm(formdata=_form_data())
    if form.is_submitted():
        change = (actor(), form.current_password.data, form.new_password.data)
        try:
            if not form.validate():
                users.check_password_change(*change)
            else:
                view = users.change_password(*change)
                # this session carries on with the new token; every other one has ended
                _start_session(view)
                flash(_("Password changed; other browsers signed in as you are signed out"),
                      "success")
                return redirect(url_for("auth.change_password"))
        except ValidationError as error:
            _show_problems(form, error)
    status = 400 if request.method == "POST" else 200
    return render_template("change_password.html", form=form,
                           password_hint=PASSWORD_HINT), status
