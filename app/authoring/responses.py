"""Response analysis: what learners typed that scored less than full, per question and course-wide, and one
click to accept a response as a right or partly right answer (a new version, then the regrade's dry run).

An instructor sees the answers given in the assignments of the classes they teach, named as the class roster
names them; an admin sees every learner's (lesson quizzes, practice and guests too), like the regrade.
"""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from app.authoring import bp
from app.authoring.access import (EDIT_REFUSALS, current_actor, instructor_required, listed_questions, may_question,
                                  question_or_abort, taught_classroom_ids)
from app.authoring.banks import current_version
from app.authoring.forms import TYPE_LABELS
from app.course import qtypes
from app.authoring.questions import save_version
from app.course.bank import check_question_data
from app.course.lessons import anchors_of
from app.course.responses_report import (ANALYSED_TYPES, FULL, PARTIAL_CREDITS, Given, acceptance_refusal, credit_now,
                                         file_snippet, group_responses, marker_key, short_parts, tidy, with_accepted)
from app.course.scoring import score
from app.extensions import db
from app.i18n import user_text
from app.models import Answer, Assignment, Attempt, Lesson, Question, QuestionVersion, User
from app.progress import owner_id

CREDIT_CHOICES = [SelectChoice("1", _l("full credit"))] + [
    SelectChoice(f"{credit:g}", _l("%(credit)s of the mark", credit=format(credit, "g"))) for credit in PARTIAL_CREDITS]


class AcceptForm(FlaskForm):
    """Accept one response (in one blank, for cloze) as a right or partly right answer."""

    response = HiddenField(validators=[DataRequired()])
    blank = HiddenField()
    credit = SelectField(_l("Credit"), choices=CREDIT_CHOICES)


def answers_in_reach(condition: sa.ColumnElement[bool]) -> list[tuple[str, Given]]:
    """(question id, answer) for the answers matching ``condition`` that scored less than full, in the current
    user's reach: attempts of the assignments of the classes they teach; for an admin, every attempt."""
    marked_with = sa.func.coalesce(Answer.regraded_version_id, Answer.question_version_id)
    query = (sa.select(Answer.question_id, Answer.response, Answer.score, Answer.answered_at, marked_with, Attempt.owner_key)
             .join(Attempt, Attempt.id == Answer.attempt_id).join(Question, Question.id == Answer.question_id)
             .where(condition, Question.type.in_(ANALYSED_TYPES), Answer.score < FULL))
    if current_user.role != "admin":
        query = query.join(Assignment, Assignment.id == Attempt.assignment_id).where(
            Assignment.classroom_id.in_(taught_classroom_ids(current_user)))
    rows = db.session.execute(query).all()
    versions = dict(db.session.execute(sa.select(QuestionVersion.id, QuestionVersion.data).where(
        QuestionVersion.id.in_({row[4] for row in rows}))).all()) if rows else {}
    return [(question_id, Given(response, owner, answer_score, answered_at, version_id, versions[version_id]))
            for question_id, response, answer_score, answered_at, version_id, owner in rows]


def learner_labels(owners: list[tuple[str, int]], names: dict[str, str]) -> list[str]:
    """Learners as the class roster names them, most recent first, with how often each gave the response; guests
    (an admin's view of lesson quizzes) are counted, never named: their key is a session secret."""
    labels = [_("%(name)s (×%(times)s)", name=names.get(owner) or _("a deleted account"), times=times) if times > 1
              else names.get(owner) or _("a deleted account")
              for owner, times in owners if not owner.startswith("guest:")]
    guests = sum(1 for owner, _times in owners if owner.startswith("guest:"))
    return labels + ([ngettext("%(num)s guest", "%(num)s guests", guests)] if guests else [])


def usernames(owners: set[str]) -> dict[str, str]:
    """{owner key: username} for the accounts among ``owners``."""
    ids = {owner_id(owner) for owner in owners} - {None}
    return {f"user:{user_id}": name for user_id, name in db.session.execute(
        sa.select(User.id, User.username).where(User.id.in_(ids)))} if ids else {}


def accept_refusal(question: Question) -> str | None:
    """Why the current user may not accept answers into this question, or None if they may (the editor's rules)."""
    if not may_question("edit", question):
        return str(EDIT_REFUSALS["course" if question.bank == "course" else "shared"])
    if question.origin == "bank":
        return _("Shipped questions change in %(file)s, not in the browser.", file="quizzes/" + question.lesson.slug + ".yaml")
    return None


def analysed(question: Question) -> Question:
    """The question, if it is of a type whose responses are typed: 404 otherwise."""
    if question.type not in ANALYSED_TYPES:
        abort(404, description=_("%(id)s is a %(type)s question; response analysis covers short-answer, numeric and cloze "
                                 "questions, whose responses are typed.", id=question.id,
                                 type=str(TYPE_LABELS[question.type]).lower()))
    return question


@bp.route("/responses")
@instructor_required
def responses_overview():
    """Every short-answer, numeric and cloze question I may see with responses that scored less than full, the
    most such answers first."""
    actor = current_actor()
    per_question: dict[str, list[Given]] = {}
    for question_id, given in answers_in_reach(listed_questions(actor)):
        per_question.setdefault(question_id, []).append(given)
    questions = {question.id: (question, title) for question, title in db.session.execute(
        sa.select(Question, Lesson.title).join(Lesson, Lesson.id == Question.lesson_id)
        .where(Question.id.in_(list(per_question))))} if per_question else {}
    rows = []
    for question_id, answers in per_question.items():
        counted = [given for given in answers if short_parts(given.data, given.response)]
        if counted:
            question, lesson_title = questions[question_id]
            rows.append({"question": question, "lesson": lesson_title, "answers": len(counted),
                         "distinct": len(group_responses(counted)), "learners": len({given.owner_key for given in counted}),
                         "latest": max(given.answered_at for given in counted)})
    rows.sort(key=lambda row: (-row["answers"], -row["distinct"], row["question"].id))
    return render_template("authoring/responses_overview.html", rows=rows, types=TYPE_LABELS)


@bp.route("/questions/<question_id>/responses")
@instructor_required
def question_responses(question_id: str):
    """One question's distinct responses that scored less than full, newest first: how often, who, the mark and the
    feedback they got, what the current version gives them, and buttons to accept one."""
    question = analysed(question_or_abort(question_id, "view"))
    current = current_version(question)
    groups = group_responses([given for _, given in answers_in_reach(Answer.question_id == question.id)])
    names = usernames({given.owner_key for group in groups for given in group.answers})
    html = dict(db.session.execute(sa.select(QuestionVersion.id, QuestionVersion.html).where(
        QuestionVersion.id.in_({group.newest.version_id for group in groups}))).all()) if groups else {}
    refusal = accept_refusal(question)
    rows = []
    for group in groups:
        now = credit_now(current.data, group.text, group.blank)
        # A response the bank checks would refuse (a known wrong answer, a range for a number) gets the reason, not a button.
        blocked = None if refusal or now >= FULL else acceptance_refusal(current.data, group.text, group.blank)
        # A shipped question changes in its bank file: an admin is shown exactly what to add there.
        snippet = (file_snippet(current.data, group.text, group.blank)
                   if question.origin == "bank" and current_user.role == "admin" and now < FULL else None)
        rows.append({"group": group, "learners": learner_labels(group.learners, names), "now": now, "blocked": blocked,
                     "snippet": snippet,
                     "outcome": score(group.newest.data, group.newest.response), "html": html[group.newest.version_id],
                     "credits": [] if refusal or blocked else [choice for choice in CREDIT_CHOICES
                                                               if float(choice.value) > now + 1e-9 and (group.blank is None or choice.value == "1")]})
    blanks = qtypes.of(current.data).typed_parts(current.data)
    sections = [(blank, [row for row in rows if row["group"].blank == blank]) for blank in blanks]
    return render_template("authoring/responses.html", question=question, current=current, sections=sections,
                           refusal=refusal, types=TYPE_LABELS, form=AcceptForm(),
                           total=len({id(given) for row in rows for given in row["group"].answers}))  # a cloze answer once, however many blanks


@bp.route("/questions/<question_id>/responses/accept", methods=["POST"])
@instructor_required
def accept_response(question_id: str):
    """Accept a response learners gave as a right (or partly right) answer: a new version made by the editor's own
    checks and save, then the regrade's dry run. A response the current version already credits changes nothing,
    so a double click or a second tab adds it once."""
    question = analysed(question_or_abort(question_id, "edit"))
    refusal = accept_refusal(question)
    if refusal:
        abort(403, description=refusal)
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400, description=_("The request was incomplete; reload the page and try again. Nothing changed."))
    current = current_version(question)
    blank = form.blank.data or None
    parts = qtypes.of(current.data).typed_parts(current.data)
    if blank not in parts:
        abort(404, description=_("%(id)s has no blank “%(blank)s” to type into.", id=question.id, blank=blank) if blank else
              _("Say which blank the response fills."))
    credit, text = float(form.credit.data), tidy(form.response.data)
    if blank is not None and credit < FULL:
        abort(400, description=_("A cloze blank is right or wrong: accept the response as right, or leave it. Nothing changed."))
    back = redirect(url_for("authoring.question_responses", question_id=question.id))
    now = credit_now(current.data, text, blank)
    if now >= credit - 1e-9:
        flash(_("“%(text)s” already earns %(credit)s of the mark on the current version (%(version)s). Nothing changed.",
                text=user_text(text), credit=format(now, "g"), version=current.version), "info")
        return back
    given = {(group.blank, group.key) for group in group_responses(
        [given for _, given in answers_in_reach(Answer.question_id == question.id)])}
    if (blank, marker_key(text)) not in given:
        abort(404, description=_("No learner you teach gave “%(text)s” with less than full marks. Nothing changed.", text=text))
    checked, messages = check_question_data(with_accepted(current.data, text, credit, blank), anchors_of(question.lesson.body_html))
    if messages:
        abort(400, description=_("%(problems)s Nothing changed.", problems=" ".join(messages)))
    after = credit_now(checked.data, text, blank)
    if after < credit - 1e-9:
        abort(400, description=_("Even with “%(text)s” added, the question's other rules give it %(credit)s of the mark "
                                 "(it may be listed as a known wrong answer); edit the question instead. Nothing changed.",
                                 text=text, credit=format(after, "g")))
    # The editor's save, claimed on the version this request read: of two clicks or tabs racing, one adds the answer.
    claimed = db.session.execute(sa.update(Question).where(Question.id == question.id, Question.version == current.version)
                                 .values(version=current.version).execution_options(synchronize_session=False)).rowcount == 1
    if not claimed:
        db.session.rollback()
        flash(_("%(id)s changed while you were accepting “%(text)s”; look again. Nothing changed.", id=user_text(question.id), text=user_text(text)),
              "warning")
        return back
    save_version(question, checked.data)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        flash(_("%(id)s changed while you were accepting “%(text)s”; look again. Nothing changed.", id=user_text(question.id), text=user_text(text)),
              "warning")
        return back
    flash(_("“%(text)s” now earns %(credit)s of the mark in blank %(blank)s (version %(version)s). Below is the regrade's "
            "dry run: nothing changes in anyone's marks until you apply it.", text=user_text(text), credit=format(credit, "g"), blank=blank,
            version=question.version) if blank else
          _("“%(text)s” now earns %(credit)s of the mark (version %(version)s). Below is the regrade's dry run: nothing "
            "changes in anyone's marks until you apply it.", text=user_text(text), credit=format(credit, "g"), version=question.version),
          "success")
    return redirect(url_for("authoring.regrade", question_id=question.id))
