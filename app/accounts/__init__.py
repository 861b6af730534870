"""Accounts: register, log in and out, get back in (reset by e-mail, recovery codes), settings, export, delete."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import recovery_routes, routes, settings_routes  # noqa: E402,F401
