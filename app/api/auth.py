"""Personal access tokens: made with ``secrets``, stored as SHA-256, sent as ``Authorization: Bearer``.

Each token expires (30, 90 or 365 days after it is made) and has a scope: "read" (progress,
reviews, class results) or "read submit" (also submitting attempts).
"""

import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from functools import wraps

import sqlalchemy as sa
from flask import abort, g, request
from flask_babel import gettext as _

from app.course.scheduling import aware
from app.extensions import db
from app.models import ApiToken, User

TOKEN_PREFIX = "bc_"
LIFETIMES = (30, 90, 365)  # days


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(user: User, name: str, days: int = 90, scope: str = "read") -> str:
    """Create a token for ``user`` that lasts ``days`` and may do ``scope``; return it (the only time it is ever visible)."""
    if days not in LIFETIMES or scope not in ApiToken.SCOPES:
        raise ValueError(f"a token lasts one of {LIFETIMES} days and has a scope of {ApiToken.SCOPES}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, name=name, token_hash=hash_token(token), prefix=token[:10], scope=scope,
                            expires_at=datetime.now(timezone.utc) + timedelta(days=days)))
    return token


def bearer_token() -> ApiToken | None:
    """The unrevoked token the request carries, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip()),
                                                       ApiToken.revoked_at.is_(None)))


def token_required(view):
    """401 with the reason (and a WWW-Authenticate header) unless a valid, unexpired token came with the request."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        row, now = bearer_token(), datetime.now(timezone.utc)
        if row is None:
            abort(401, description=_("Send a valid personal access token as %(header)s (create one on your account page).",
                                     header="'Authorization: Bearer <token>'"))
        if aware(row.expires_at) <= now:
            abort(401, description=_("This token expired on %(when)s; create a new one on your account page.",
                                     when=aware(row.expires_at).strftime("%d %b %Y")))
        row.last_used_at = now
        db.session.commit()
        g.api_user, g.api_token = row.user, row
        return view(*args, **kwargs)
    return wrapped


def scope_required(scope: str):
    """After ``token_required``: 403 with the reason unless the token's scope includes ``scope``."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if scope not in g.api_token.scope.split():
                abort(403, description=_("This token may not %(scope)s: its scope is '%(scopes)s'. Create a token "
                                         "that may also %(scope)s on your account page.", scope=scope,
                                         scopes=g.api_token.scope))
            return view(*args, **kwargs)
        return wrapped
    return decorator
