"""What a username and a password must be, shared by the forms and the ``flask users`` commands.

Plain functions (no Flask, no database), so the web forms and the command line apply one rule.
"""

import math
import re
import secrets
import unicodedata

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS
from zxcvbn.matching import L33T_TABLE, enumerate_l33t_subs, relevant_l33t_subtable

# ASCII only, so no two names can look alike, and the whole name must match (``$`` would let a
# trailing newline through).
USERNAME = re.compile(r"[A-Za-z0-9_.-]{3,40}")
USERNAME_RULE = "Use 3 to 40 characters: letters (a–z), digits, dots, hyphens and underscores."

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

# A hash of a random password with the same (default) scrypt parameters as every stored hash: an
# unknown username is checked against it, so a login costs the same whether or not the name exists.
DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


def normalise_username(raw: str) -> str:
    """The name as typed, NFKC-normalised (full-width letters become plain ones) and stripped."""
    return unicodedata.normalize("NFKC", raw).strip()


def username_problem(name: str) -> str | None:
    """Why ``name`` (already normalised) cannot be a username, or None."""
    return None if USERNAME.fullmatch(name) else USERNAME_RULE


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is too weak, or None: long enough, not a common one, not the username, varied,
    and hard to guess by zxcvbn's estimate (words, names, years, dates, keyboard walks, repeats)."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if password.lower() in COMMON_PASSWORDS:
        return f"That password is too common (one of the {len(COMMON_PASSWORDS):,} most used); choose another."
    if username and username.lower() in password.lower():
        return "The password must not contain your username."
    if len(set(password)) < 4:
        return "Use a password with more varied characters."
    estimate = zxcvbn(judged_part(password), user_inputs=[word for word in (username, *CONTEXT_WORDS) if word])
    if estimate["score"] < MIN_STRENGTH:
        why = estimate["feedback"]["warning"] or "It follows a pattern that is quick to guess."
        return f"That password is too easy to guess. {why} Try a few unrelated words with digits or symbols between them."
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
EMAIL_RULE = "Enter an e-mail address like name@example.org."


def normalise_email(raw: str) -> str:
    """An address as stored and compared: stripped and case-folded, so one mailbox holds one account."""
    return unicodedata.normalize("NFKC", raw).strip().casefold()


def email_problem(address: str) -> str | None:
    """Why ``address`` (already normalised) is not an e-mail address, or None."""
    if len(address) > MAX_EMAIL:
        return f"Use at most {MAX_EMAIL} characters."
    return None if EMAIL.fullmatch(address) else EMAIL_RULE


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
