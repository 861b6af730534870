"""Server-side login sessions: each signed-in browser holds a random token, never the user's row id.

Flask-Login stores ``User.get_id()`` in the session cookie (``_user_id``) and in the remember-me
cookie; that is the token of a ``LoginSession`` row, of which only the SHA-256 is stored. Deleting
the row (logout, "log out everywhere", a password change, deleting the account) kills every copy of
the cookie ("log out everywhere" and a password change revoke the API tokens too), and a row past ``expires_at`` loads nobody: remembered logins last
``REMEMBER_COOKIE_DURATION`` (30 days), others ``LOGIN_SESSION_LIFETIME`` (12 hours).
"""

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app, g, request
from flask_login import current_user, login_user, logout_user

from app import i18n
from app.extensions import db, login, rollback_quietly
from app.models import ApiToken, LoginSession, User, utcnow


# ``login.login_message`` is lazy (translated when shown): flash the request's words, a plain string the session can hold.
login.localize_callback = str


def hash_session_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@login.user_loader
def load_user(token: str) -> User | None:
    """The user whose unexpired session holds ``token`` (one query); None (anonymous) for anything
    else, and while the database is unreachable, so the 503 page that says so can still be drawn."""
    if g.get("database_down"):
        return None
    try:
        user = db.session.scalar(sa.select(User).join(LoginSession, LoginSession.user_id == User.id).where(
            LoginSession.token_hash == hash_session_token(token), LoginSession.expires_at > utcnow()))
    except sa.exc.SQLAlchemyError:
        rollback_quietly()
        return None
    if user is not None:
        user.session_token = token
        i18n.remember_settings(user)  # in step with the account, if another browser changed its language
    return user


def start_session(user: User, remember: bool = False) -> None:
    """Open a new session for ``user`` in this browser (a new row, committed) and log it in."""
    now = utcnow()
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION" if remember else "LOGIN_SESSION_LIFETIME"]
    token = secrets.token_urlsafe(32)
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now))
    browser = "".join(char for char in request.user_agent.string if char.isprintable())[:200]  # shown on the account page
    db.session.add(LoginSession(user_id=user.id, token_hash=hash_session_token(token), remember=remember, created_at=now,
                                expires_at=now + lifetime, user_agent=browser or None))
    db.session.commit()
    user.session_token = token
    login_user(user, remember=remember)
    i18n.remember_settings(user)  # pages in the account's language even where the account itself is not loaded


def current_session() -> LoginSession | None:
    """This browser's session row."""
    token = getattr(current_user, "session_token", None)
    if token is None:
        return None
    return db.session.scalar(sa.select(LoginSession).where(LoginSession.token_hash == hash_session_token(token)))


def end_session() -> None:
    """Log this browser out and delete its session, so no copy of its cookies works again."""
    token = getattr(current_user, "session_token", None)
    if token is not None:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.token_hash == hash_session_token(token)))
        db.session.commit()
    logout_user()


def end_every_session(user: User) -> None:
    """Delete all of ``user``'s sessions (every browser, remembered or not) and revoke their API tokens,
    which a thief holding a session could have made; the caller commits."""
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


def active_sessions(user: User) -> list[LoginSession]:
    """``user``'s unexpired sessions, newest first."""
    return list(db.session.scalars(sa.select(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.expires_at > utcnow()).order_by(LoginSession.created_at.desc())))
