"""Accounts: register, log in and out, change password, settings, export and delete one's data."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import routes  # noqa: E402,F401
