"""``flask users ...``: account administration from the command line."""

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from app.accounts.forms import USERNAME_TAKEN, look_alike_taken
from app.accounts.rules import normalise_username, password_problem, username_problem
from app.accounts.sessions import end_every_session
from app.extensions import db
from app.models import User, username_key

users_cli = AppGroup("users", help="Manage accounts.")


def find_user(username: str) -> User | None:
    """The account of that name, as names compare (NFKC, case-folded)."""
    return db.session.scalar(sa.select(User).where(User.username_key == username_key(username)))


@users_cli.command("create-admin")
@click.argument("username")
@click.password_option(help="Prompted for (twice) when not given; or set BACKCHANNEL_ADMIN_PASSWORD.",
                       envvar="BACKCHANNEL_ADMIN_PASSWORD")
def create_admin(username: str, password: str) -> None:
    """Create an admin account, or make an existing account admin and reset its password (which ends
    every session it had)."""
    username = normalise_username(username)
    user = find_user(username)
    created = user is None
    if created and username_problem(username):
        raise click.BadParameter(username_problem(username), param_hint="username")
    if created and look_alike_taken(username):
        raise click.BadParameter(USERNAME_TAKEN, param_hint="username")
    problem = password_problem(password, username)
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    if created:
        user = User(username=username)
        db.session.add(user)
    user.role = "admin"
    user.set_password(password)
    if not created:
        end_every_session(user)
    db.session.commit()
    click.echo(f"{'created' if created else 'updated'} admin '{user.username}'")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(User.ROLES))
def set_role(username: str, role: str) -> None:
    """Give an account the student, instructor or admin role."""
    user = find_user(normalise_username(username))
    if user is None:
        raise click.ClickException(f"no account called '{username}'")
    user.role = role
    db.session.commit()
    click.echo(f"'{user.username}' is now {role}")


def init_app(app: Flask) -> None:
    """Register the ``flask users`` commands."""
    app.cli.add_command(users_cli)
