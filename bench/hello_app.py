"""The app plus a bare "hello" view, served by the same gunicorn setup as the baseline of bench/load.py."""

import os

from app import create_app

# BENCH_INSTANCE: the benchmark's own instance folder (its version signals), never the checkout's shared one.
app = create_app(instance_path=os.environ.get("BENCH_INSTANCE"))


@app.route("/hello")
def hello():
    """The cheapest response Flask can give: no template, no database."""
    return "hello"
