"""Password hashes and the password rules.

New hashes are argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile). Accounts made
before argon2 hold werkzeug hashes (``scrypt:…``, ``pbkdf2:…``): they still verify, and
``verify`` hands back an argon2 hash to store instead, so each is replaced at its owner's next
sign-in. A hash that cannot match anything (the demo accounts' ``!…``) never verifies.
"""

from __future__ import annotations

import contextlib
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

from ..domain.errors import N_

MIN_LENGTH = 10
MAX_LENGTH = 1024  # long passphrases are welcome; a megabyte "password" is not
_WERKZEUG = ("scrypt:", "pbkdf2:")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

# The most used passwords of ten characters or more (breach lists), and the site's own name:
# a length rule alone lets every one of them through.
_COMMON = frozenset({
    "0123456789", "1234567890", "0987654321", "12345678910", "1234567891", "123456789a",
    "123456789q", "1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx3edc", "qwertyuiop", "qwerty1234",
    "qwerty12345", "qwerty123456", "asdfghjkl1", "password12", "password123", "password1234",
    "password!1", "passw0rd12", "passw0rd123", "iloveyou12", "iloveyou123", "abcdefghij",
    "abcd123456", "abc1234567", "a123456789", "q1w2e3r4t5", "zaq12wsxcde", "letmein123",
    "welcome123", "administrator", "football123", "baseball123", "princess12", "sunshine12",
    "superman12", "trustno1234", "spacematch", "spacematch1", "spacematch12", "spacematch123",
})

_hasher = PasswordHasher()
# Compared against when the e-mail is unknown, so that "no such account" takes as long as
# "wrong password" and the answer time does not tell which e-mails have accounts.
_DUMMY = _hasher.hash("an account that does not exist")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> tuple[bool, str | None]:
    """Whether ``password`` matches the ``stored`` hash, and a new argon2 hash to store in its
    place when ``stored`` is a werkzeug hash or argon2 with older parameters (else ``None``).

    ``stored`` ``None`` (no such account) or unusable spends the time of a real check.
    """
    password = password or ""
    if stored and stored.startswith("$argon2"):
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False, None
        return True, hash_password(password) if _hasher.check_needs_rehash(stored) else None
    if stored and stored.startswith(_WERKZEUG):
        try:
            if check_password_hash(stored, password):
                return True, hash_password(password)
            return False, None
        except ValueError:  # a damaged hash (a bad number, an unknown digest): no match
            pass
    with contextlib.suppress(VerificationError):
        _hasher.verify(_DUMMY, password)
    return False, None


def password_problem(password: str | None, *, email: str = "", name: str = "") -> str | None:
    """Why ``password`` may not be used (in English), or ``None``; ``password_rule`` gives
    the message's text and values, for pages that say it in their own language."""
    found = password_rule(password, email=email, name=name)
    return None if found is None else found[0] % found[1] if found[1] else found[0]


def password_rule(password: str | None, *, email: str = "",
                  name: str = "") -> tuple[str, dict] | None:
    """The rule ``password`` breaks, as a message and its values, or ``None``.

    The rules of NIST SP 800-63B: a minimum length, no common passwords, nothing taken from
    the account itself; no rules about mixing kinds of characters.

    >>> password_problem("correct horse battery") is None
    True
    >>> password_problem("Password123")
    'is one of the most used passwords; choose another'
    >>> password_problem("kim@seoul.go.kr", email="kim@seoul.go.kr")
    'must not be your e-mail address or name'
    """
    password = password or ""
    if CONTROL_CHARACTERS.search(password):  # nobody types them; a form or a paste gone wrong
        return N_("must not contain control characters"), {}
    if len(password) < MIN_LENGTH:
        return N_("must have at least %(limit)s characters"), {"limit": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return N_("must have at most %(limit)s characters"), {"limit": MAX_LENGTH}
    folded = password.casefold()
    if folded in _COMMON:
        return N_("is one of the most used passwords; choose another"), {}
    if len(set(folded)) < 4:
        return N_("uses too few different characters"), {}
    email = (email or "").strip().casefold()
    own = {email, email.partition("@")[0], (name or "").strip().casefold()} - {""}
    if folded in own:
        return N_("must not be your e-mail address or name"), {}
    return None
