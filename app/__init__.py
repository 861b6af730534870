"""Backchannel: a course on the informal peace process between Pakistan and India."""

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from app import i18n, ops, ratelimits, static_files, timezones, versions
from app.course import qtypes
from app.config import Config, create_private_sqlite_file, default_database_uri, instance_secret_key
from app.extensions import csrf, db, limiter, login, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_class: type = Config, instance_path: str | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages and commands.

    ``instance_path`` overrides Flask's default ``instance/`` folder beside the package (tests
    give each app its own).
    """
    app = Flask(__name__, instance_path=instance_path)
    app.config.from_object(config_class)
    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)  # the key and the database: owner only
    if instance.stat().st_mode & 0o077:
        instance.chmod(0o700)  # a clone made it with the umask (its README is tracked), so mkdir's mode never applied
    if not app.config.get("SECRET_KEY"):
        if app.config["PRODUCTION"]:
            raise RuntimeError("SECRET_KEY must be set in production (BACKCHANNEL_ENV=production): every server "
                               "behind a load balancer needs the same key. Generate one with: "
                               "python -c 'import secrets; print(secrets.token_hex(32))'")
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = default_database_uri(app.instance_path)
    create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["PRODUCTION"] and app.config.get("MAIL_SERVER") and not app.config.get("TRUSTED_HOSTS"):
        # Reset links are built from the request's Host: without this list, anyone could have a victim's link
        # point to their own server ("Forgot your password?" with a forged Host header) and take the account.
        raise RuntimeError("TRUSTED_HOSTS must be set in production when MAIL_SERVER is: e-mailed password-reset "
                           "links would otherwise follow a forged Host header. Set TRUSTED_HOSTS=your.host.name.")
    if app.config["PRODUCTION"] and not app.config.get("TRUSTED_HOSTS"):
        app.logger.warning("TRUSTED_HOSTS is not set: absolute links (the API, OpenAPI servers, class join links) "
                           "follow whatever Host header a request carries. Set TRUSTED_HOSTS=your.host.name.")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Never wait forever on a database that is restarting: fail in 5 s, answer 503, retry next time.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_timeout": 10,
                                                   "connect_args": {"connect_timeout": 5, **options.get("connect_args", {})}}
        if app.config.get("DATABASE_POOLER") == "pgbouncer":
            app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["prepare_threshold"] = None  # never prepare on the server

    versions.init_app(app)  # before anything commits: a commit to a watched table moves a signal on
    register_extensions(app)
    i18n.init_app(app)
    register_question_templates(app)
    app.url_map.converters["int"] = ops.RowIdConverter  # before any route is added
    register_blueprints(app)
    register_commands(app)
    ops.init_app(app)
    timezones.init_app(app)
    static_files.init_app(app)
    ratelimits.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to this application."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _configure_sqlite)


def register_question_templates(app: Flask) -> None:
    """Each question type's partial lives in its package, ``app/course/qtypes/<type>/question.html``:
    templates find it as ``qtypes/<type>/question.html``."""
    qtypes_dir = Path(__file__).resolve().parent / "course" / "qtypes"
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PrefixLoader({"qtypes": FileSystemLoader(qtypes_dir)})])
    app.jinja_env.globals["qtype"] = qtypes.get  # what a type can do, for a page that offers it (response analysis)

    def qtype_macros(kind: str):
        """A type's question.html as a module of macros, made once (``{% import %}`` of a name built at run time
        makes the module again on every call: a millisecond a page of ten questions)."""
        return app.jinja_env.get_template(f"qtypes/{kind}/question.html").module
    app.jinja_env.globals["qtype_macros"] = qtype_macros


def _configure_sqlite(connection: sqlite3.Connection, _record: object) -> None:
    """WAL lets readers work while a writer commits; SQLite leaves foreign keys off unless asked."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    """Attach one blueprint per audience; imported here so the factory controls the order."""
    from app.accounts import bp as accounts_bp
    from app.api import bp as api_bp
    from app.authoring import bp as authoring_bp
    from app.errors import bp as errors_bp
    from app.learning import bp as learning_bp
    from app.media import bp as media_bp
    from app.search import bp as search_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(accounts_bp, url_prefix="/account")
    app.register_blueprint(authoring_bp, url_prefix="/teach")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(media_bp)
    app.register_blueprint(search_bp)
    csrf.exempt(api_bp)  # the API authenticates each request with a bearer token, never with cookies


def register_commands(app: Flask) -> None:
    """Command-line groups: ``flask course``, ``users``, ``bank``, ``review`` (``flask db`` is Flask-Migrate's)."""
    from app import course_loader, review_cli
    from app.accounts import cli as users_cli
    from app.authoring import cli as bank_cli

    course_loader.init_app(app)
    users_cli.init_app(app)
    bank_cli.init_app(app)
    review_cli.init_app(app)
