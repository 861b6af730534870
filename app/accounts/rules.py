"""What a username and a password must be, shared by the forms and the ``flask users`` commands.

Plain functions (no Flask, no database), so the web forms and the command line apply one rule.
"""

import math
import re
import secrets
import unicodedata
from collections.abc import Callable

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS
from zxcvbn.matching import L33T_TABLE, enumerate_l33t_subs, relevant_l33t_subtable

from app.course.words import N_


def english(text: str, **values) -> str:
    """The rules' words as written (the command line's): ``%(name)s`` fields filled in, nothing translated.
    The web forms pass their own translator as ``_`` instead."""
    return text % values if values else text


Translate = Callable[..., str]

# ASCII only, so no two names can look alike, and the whole name must match (``$`` would let a
# trailing newline through).
USERNAME = re.compile(r"[A-Za-z0-9_.-]{3,40}")
USERNAME_RULE = N_("Use 3 to 40 characters: letters (a–z), digits, dots, hyphens and underscores.")

MIN_PASSWORD = 10
# The 30,000 most common passwords of Mark Burnett's ten-million-password corpus, as shipped (MIT
# licence) by Dropbox's zxcvbn in its Python port; stored lower-case there, so compared lower-case.
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])
# zxcvbn's score 3 means at least 10^8 guesses ("safely unguessable" for an online attacker, and
# Dropbox's own threshold for new passwords); 0–2 are words, years, keyboard walks and repeats.
MIN_STRENGTH = 3
# zxcvbn refuses inputs over 72 characters. It also reads each l33t character ("4" or "@" as a, "$" as
# s...) every possible way, each reading costing length² dictionary look-ups: with a dozen distinct
# such characters that is hundreds of readings and seconds of CPU at 72 characters. So the judged
# prefix shrinks until readings × length² fits this budget (about 0.2 s of CPU; bench/password_strength.py);
# an ordinary password (a few readings) is judged whole.
STRENGTH_CHECKED = 72
STRENGTH_BUDGET = 300_000
CONTEXT_WORDS = ["backchannel", "pakistan", "india", "kashmir", "peace"]
# zxcvbn's warnings (in English, from zxcvbn.feedback), marked so a form can show them in the reader's language.
STRENGTH_WARNINGS = (
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Recent years are easy to guess."),
    N_("Dates are often easy to guess."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
)

# A hash of a random password with the same (default) scrypt parameters as every stored hash: an
# unknown username is checked against it, so a login costs the same whether or not the name exists.
DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


def normalise_username(raw: str) -> str:
    """The name as typed, NFKC-normalised (full-width letters become plain ones) and stripped."""
    return unicodedata.normalize("NFKC", raw).strip()


def username_problem(name: str, _: Translate = english) -> str | None:
    """Why ``name`` (already normalised) cannot be a username, or None (in words ``_`` translates)."""
    return None if USERNAME.fullmatch(name) else _(USERNAME_RULE)


def password_problem(password: str, username: str = "", _: Translate = english) -> str | None:
    """Why ``password`` is too weak, or None: long enough, not a common one, not the username, varied,
    and hard to guess by zxcvbn's estimate (words, names, years, dates, keyboard walks, repeats).
    In words ``_`` translates (English as written by default: the command line's)."""
    if len(password) < MIN_PASSWORD:
        return _("Use at least %(num)s characters.", num=MIN_PASSWORD)
    if password.lower() in COMMON_PASSWORDS:
        most_used = format(len(COMMON_PASSWORDS), ",")
        return _("That password is too common (one of the %(num)s most used); choose another.", num=most_used)
    if username and username.lower() in password.lower():
        return _("The password must not contain your username.")
    if len(set(password)) < 4:
        return _("Use a password with more varied characters.")
    estimate = zxcvbn(judged_part(password), user_inputs=[word for word in (username, *CONTEXT_WORDS) if word])
    if estimate["score"] < MIN_STRENGTH:
        warning = estimate["feedback"]["warning"]
        why = _(warning) if warning else _("It follows a pattern that is quick to guess.")
        return _("That password is too easy to guess. %(why)s Try a few unrelated words with digits or symbols "
                 "between them.", why=why)
    return None


def judged_part(password: str) -> str:
    """The prefix of ``password`` that zxcvbn judges: whole up to 72 characters, shorter when its many
    l33t characters would make judging it slow (see ``STRENGTH_BUDGET``)."""
    head = password[:STRENGTH_CHECKED]
    readings = len(enumerate_l33t_subs(relevant_l33t_subtable(head, L33T_TABLE))) or 1
    return head[:math.isqrt(STRENGTH_BUDGET // readings)]


def password_matches(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against a stored hash; with no hash (unknown user), against the dummy one."""
    matches = check_password_hash(password_hash or DUMMY_HASH, password)
    return matches and password_hash is not None


# An address as people write one: something, one "@", a domain with a dot, no spaces. Deliverability is
# proved by the confirmation link, not by a longer pattern.
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
MAX_EMAIL = 254
EMAIL_RULE = N_("Enter an e-mail address like name@example.org.")


def normalise_email(raw: str) -> str:
    """An address as stored and compared: stripped and case-folded, so one mailbox holds one account."""
    return unicodedata.normalize("NFKC", raw).strip().casefold()


def email_problem(address: str, _: Translate = english) -> str | None:
    """Why ``address`` (already normalised) is not an e-mail address, or None (in words ``_`` translates)."""
    if len(address) > MAX_EMAIL:
        return _("Use at most %(num)s characters.", num=MAX_EMAIL)
    return None if EMAIL.fullmatch(address) else _(EMAIL_RULE)


# Recovery codes: letters and digits that cannot be mistaken for one another when written down (no 0/o,
# 1/l/i), ten of them (about 50 bits), shown as xxxx-xxxx-xx.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10
CODE_COUNT = 10


def new_recovery_code() -> str:
    """A fresh random code, as shown: ``xxxx-xxxx-xx``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(typed: str) -> str | None:
    """A typed code in its stored form (lower case, without spaces or hyphens), or None if it cannot be one."""
    code = "".join(typed.split()).replace("-", "").lower()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code
