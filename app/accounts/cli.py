"""``flask users ...``: account administration from the command line."""

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.models import User

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-admin")
@click.argument("username")
@click.password_option(help="Prompted for (twice) when not given; or set BACKCHANNEL_ADMIN_PASSWORD.",
                       envvar="BACKCHANNEL_ADMIN_PASSWORD")
def create_admin(username: str, password: str) -> None:
    """Create an admin account, or make an existing account admin and reset its password."""
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="password")
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower()))
    created = user is None
    if created:
        user = User(username=username)
        db.session.add(user)
    user.role = "admin"
    user.set_password(password)
    db.session.commit()
    click.echo(f"{'created' if created else 'updated'} admin '{user.username}'")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(User.ROLES))
def set_role(username: str, role: str) -> None:
    """Give an account the student, instructor or admin role."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"no account called '{username}'")
    user.role = role
    db.session.commit()
    click.echo(f"'{user.username}' is now {role}")


def init_app(app: Flask) -> None:
    """Register the ``flask users`` commands."""
    app.cli.add_command(users_cli)
