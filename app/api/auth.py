"""Personal access tokens: made with ``secrets``, stored as SHA-256, sent as ``Authorization: Bearer``."""

import hashlib
import secrets
from datetime import datetime, timezone
from functools import wraps

import sqlalchemy as sa
from flask import abort, g, request

from app.extensions import db
from app.models import ApiToken, User

TOKEN_PREFIX = "bc_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(user: User, name: str) -> str:
    """Create a token for ``user``; return it (the only time it is ever visible)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, name=name, token_hash=hash_token(token), prefix=token[:10]))
    return token


def bearer_user() -> User | None:
    """The user of a valid, unrevoked bearer token, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip()),
                                                      ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    row.last_used_at = datetime.now(timezone.utc)
    db.session.commit()
    return row.user


def token_required(view):
    """401 with the reason (and a WWW-Authenticate header) unless a valid token came with the request."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        user = bearer_user()
        if user is None:
            abort(401, description="Send a valid personal access token as 'Authorization: Bearer <token>' "
                                   "(create one on your account page).")
        g.api_user = user
        return view(*args, **kwargs)
    return wrapped
