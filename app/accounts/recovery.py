"""Getting back into an account: one-time recovery codes, reset links and e-mail confirmation links.

**Recovery codes** are stored hashed (scrypt, like passwords, at an eighth of the passwords' cost, so that
registering, which makes ten, stays cheap). A code's first four characters are kept in clear beside its
hash (``<selector>$<hash>``) so a typed code is checked against one hash, not ten: one scrypt per try,
whatever the account. That leaves about 30 random bits of each code behind scrypt, which an offline
attacker must still guess one memory-hard hash at a time (months of CPU per code).

**Reset links** are itsdangerous tokens signed with the secret key *and the account's current password
hash*: setting a new password (through the link, a code or the account page) changes the hash, so every
link issued before stops working, the one just used included. They also expire after an hour.

**Confirmation links** prove that whoever adds an address can read its mail before it is stored, so
nobody can claim someone else's address, and the page never has to say whether an address is in use.
"""

import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.rules import CODE_COUNT, CODE_LENGTH, new_recovery_code, normalise_code
from app.extensions import db
from app.models import RecoveryCode, User, utcnow

RESET_LIFETIME = 60 * 60  # seconds a reset link works
CONFIRM_LIFETIME = 2 * 24 * 60 * 60  # seconds an address-confirmation link works
SELECTOR = 4
CODE_HASH = "scrypt:4096:8:1"
# Checked when no code matches, so a wrong code costs the same as a right one.
DUMMY_CODE_HASH = generate_password_hash(secrets.token_urlsafe(8), method=CODE_HASH)


def issue_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes (used or not) with ten new ones; returns them as shown, once.
    The caller commits."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes: list[str] = []
    while len(codes) < CODE_COUNT:
        code = new_recovery_code()
        if any(code[:SELECTOR] == other[:SELECTOR] for other in codes):
            continue  # each code of an account is found by its selector, so those must differ
        codes.append(code)
    now = utcnow()
    for code in codes:
        plain = normalise_code(code)
        db.session.add(RecoveryCode(user_id=user.id, created_at=now,
                                    code_hash=f"{plain[:SELECTOR]}${generate_password_hash(plain, method=CODE_HASH)}"))
    return codes


def codes_left(user: User) -> int:
    """How many of ``user``'s recovery codes are still unused."""
    return db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def use_code(user: User | None, typed: str) -> bool:
    """Use up one of ``user``'s unused codes if ``typed`` is one; False (after the same one hash check) for a
    wrong code, a used one or no user. Two tries of one code at once: only one of them succeeds."""
    plain = normalise_code(typed) or ""
    row = None
    if user is not None and len(plain) == CODE_LENGTH:
        row = db.session.scalar(sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
            RecoveryCode.code_hash.startswith(plain[:SELECTOR] + "$", autoescape=True)))
    stored = row.code_hash.split("$", 1)[1] if row is not None else DUMMY_CODE_HASH
    if not (check_password_hash(stored, plain) and row is not None):
        return False
    taken = db.session.execute(sa.update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                               .values(used_at=utcnow()))
    return taken.rowcount == 1


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"backchannel-{purpose}")


def _seal(purpose: str, user: User, state: str, claim: dict) -> str:
    """A token for ``user`` signed with ``state`` folded in: it dies as soon as that state changes."""
    return _serializer(f"{purpose}:{state}").dumps({"user": user.id, **claim})


def _open(purpose: str, state_of, token: str, max_age: int) -> tuple[User, dict] | None:
    """(account, claim) of a genuine token younger than ``max_age`` whose account's state is unchanged."""
    _, claim = _serializer(purpose).loads_unsafe(token)  # unverified: only to find whose state to check with
    user_id = claim.get("user") if isinstance(claim, dict) else None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = db.session.get(User, user_id)
    if user is None:
        return None
    try:
        claim = _serializer(f"{purpose}:{state_of(user)}").loads(token, max_age=max_age)
    except BadSignature:
        return None
    return user, claim


def reset_token(user: User) -> str:
    """A reset link's token for ``user``; it dies when the password changes (so once used) or after an hour."""
    return _seal("password-reset", user, user.password_hash, {})


def user_for_reset(token: str) -> User | None:
    """The account a reset token was made for, if it is genuine, less than an hour old and the password has
    not changed since; None otherwise (expired, used, forged: the page says the same)."""
    opened = _open("password-reset", lambda user: user.password_hash, token, RESET_LIFETIME)
    return opened[0] if opened else None


def confirm_token(user: User, address: str) -> str:
    """An address-confirmation link's token: this account, this address; it dies once the account's address
    changes (confirming it included)."""
    return _seal("confirm-email", user, user.email or "", {"email": address})


def confirmed_address(token: str) -> tuple[User, str] | None:
    """(account, address) from a genuine, unexpired, unused confirmation token; None otherwise."""
    opened = _open("confirm-email", lambda user: user.email or "", token, CONFIRM_LIFETIME)
    if opened is None or not isinstance(opened[1].get("email"), str):
        return None
    return opened[0], opened[1]["email"]
