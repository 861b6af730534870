"""The home page: what the course is, and for a learner what to do next and where each lesson stands."""

from datetime import datetime, timezone

from flask import render_template
from flask_login import current_user

from app.learning import bp
from app.learning.routes import cached_for_visitors
from app.next_steps import day_progress, learner_record, standings, up_next
from app.progress import owner_key
from app.timezones import learner_zone


@bp.route("/")
@cached_for_visitors
def index():
    """The course map; a learner's has "Up next", a mastery bar per lesson and (if they asked) goal and streak."""
    owner = owner_key(create=False)
    record = learner_record(owner) if owner is not None else None
    lessons = standings(owner, record=record)
    learner = owner is not None and any(standing.started for standing in lessons)
    today = None
    if current_user.is_authenticated:
        today = day_progress(current_user, learner_zone(), datetime.now(timezone.utc), record)
    return render_template(
        "learning/index.html", lessons=lessons, learner=learner, steps=up_next(owner, lessons, record) if learner else [],
        total_minutes=sum(standing.lesson.reading_minutes for standing in lessons),
        question_total=sum(standing.bank_size for standing in lessons) if learner else None, today=today,
    )
