"""Stored images: served by the SHA-256 of their bytes, to anyone who has the address."""

from flask import Blueprint

bp = Blueprint("media", __name__)

from app.media import routes  # noqa: E402,F401
