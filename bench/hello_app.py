"""The app plus a bare "hello" view, served by the same gunicorn setup as the baseline of bench/load.py."""

from app import create_app

app = create_app()


@app.route("/hello")
def hello():
    """The cheapest response Flask can give: no template, no database."""
    return "hello"
