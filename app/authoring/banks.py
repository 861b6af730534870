"""Whose question is it, in the browser: a lesson's question list, a question's own page, where new questions
go, sharing and moving a question into a class bank. The rules themselves are ``app.course.ownership``."""

import random
from collections import defaultdict

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.authoring import bp
from app.authoring.access import (current_actor, instructor_named, instructor_required, listed_questions, may_question,
                                  question_facts, question_or_abort, taught_classroom_ids)
from app.authoring.forms import TYPE_LABELS, ConfirmForm, MoveForm, UsernameForm
from app.course.ownership import Actor, QuestionFacts, may
from app.course.quiz import choice_order
from app.extensions import db
from app.models import Classroom, Lesson, PublishRequest, Question, QuestionShare, QuestionVersion, User
from app.secrecy import with_answer_form


def taught_classes() -> list[Classroom]:
    """The classes the current user owns or co-teaches, by name."""
    return list(db.session.scalars(sa.select(Classroom).where(
        Classroom.id.in_(taught_classroom_ids(current_user))).order_by(Classroom.name)))


def bank_choices() -> list[SelectChoice]:
    """Where the current user may put a new or imported question: their own bank or a class they teach."""
    return [SelectChoice("mine", "My questions (drafts only I see)")] + [
        SelectChoice(f"class-{classroom.id}", f"Class bank: {classroom.name}") for classroom in taught_classes()]


def chosen_bank(value: str | None) -> tuple[str, int | None] | None:
    """(bank, class id) for a "Save into" value, or None if it names no bank the current user may fill."""
    if value in (None, "", "mine"):
        return "instructor", None
    prefix, _, number = value.partition("-")
    if prefix == "class" and number.isdigit() and int(number) in taught_classroom_ids(current_user):
        return "class", int(number)
    return None


def preview_item(data: dict, html: dict, position: int = 0) -> dict:
    """A question as the quiz templates draw it, for an instructor's preview (nothing is stored)."""
    return with_answer_form({"position": position, "field": f"q{position}", "data": data, "html": html,
                             "order": choice_order(data, random.Random(0))}, "preview")


def bank_label(question: Question, classes: dict[int, str], authors: dict[int, str]) -> str:
    """Where a question lives, in words: shipped file, course bank, my drafts, someone's shared draft, a class."""
    if question.bank == "course":
        return f"course bank (quizzes/{question.lesson.slug}.yaml)" if question.origin == "bank" else "course bank (published)"
    if question.bank == "class":
        return f"class bank: {classes.get(question.classroom_id, 'a class')}"
    if question.author_id == current_user.id:
        return "my drafts"
    return f"shared by {authors.get(question.author_id, 'a former instructor')}"


def current_version(question: Question) -> QuestionVersion:
    """The version a question now stands at."""
    return db.session.scalar(sa.select(QuestionVersion).where(
        QuestionVersion.question_id == question.id, QuestionVersion.version == question.version))


def live_lessons() -> list[Lesson]:
    """The course's lessons in order, retired ones left out."""
    return list(db.session.scalars(sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.position)))


def question_rows(lesson: Lesson) -> list[dict]:
    """The lesson's questions the current instructor sees (course bank, own, shared, their classes'), each with
    where it lives, whether they may edit it, and its latest request to publish."""
    actor = current_actor()
    found = db.session.execute(
        sa.select(Question, QuestionVersion).join(QuestionVersion, sa.and_(
            QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.lesson_id == lesson.id, listed_questions(actor)).order_by(Question.retired, Question.position)).all()
    ids = [question.id for question, _ in found]
    shares = defaultdict(set)
    for question_id, user_id in db.session.execute(sa.select(QuestionShare.question_id, QuestionShare.user_id)
                                                   .where(QuestionShare.question_id.in_(ids))):
        shares[question_id].add(user_id)
    latest = {asked.question_id: asked for asked in db.session.scalars(
        sa.select(PublishRequest).where(PublishRequest.question_id.in_(ids)).order_by(PublishRequest.id))}
    classes = dict(db.session.execute(sa.select(Classroom.id, Classroom.name).where(Classroom.id.in_(actor.taught_classes))).all())
    authors = dict(db.session.execute(sa.select(User.id, User.username).where(
        User.id.in_({question.author_id for question, _ in found if question.author_id is not None}))).all())
    return [{"question": question, "version": version, "where": bank_label(question, classes, authors),
             "editable": may("edit", QuestionFacts(question.bank, question.author_id, question.classroom_id,
                                                   frozenset(shares[question.id])), actor),
             "request": latest.get(question.id)}
            for question, version in found]


@bp.route("/questions")
@instructor_required
def questions():
    """A lesson's questions: the course bank and the drafts and class questions this instructor may see."""
    lessons = live_lessons()
    slug = request.args.get("lesson") or (lessons[0].slug if lessons else None)
    lesson = next((item for item in lessons if item.slug == slug), None)
    if lesson is None:
        abort(404, description=f"There is no lesson “{slug}”.")
    return render_template("authoring/questions.html", lessons=lessons, lesson=lesson, rows=question_rows(lesson),
                           types=TYPE_LABELS, confirm=ConfirmForm())


@bp.route("/questions/<question_id>")
@instructor_required
def question_page(question_id: str):
    """One question: rendered with its key, where it lives, who it is shared with, and its publish requests."""
    question = question_or_abort(question_id, "view")
    version = current_version(question)
    editable = may_question("edit", question)
    shares = db.session.execute(sa.select(QuestionShare, User).join(User, User.id == QuestionShare.user_id)
                                .where(QuestionShare.question_id == question.id).order_by(User.username)).all()
    requests = db.session.scalars(sa.select(PublishRequest).where(PublishRequest.question_id == question.id)
                                  .order_by(PublishRequest.requested_at.desc(), PublishRequest.id.desc())).all()
    classes = taught_classes()
    move_form = MoveForm()
    move_form.classroom.choices = [SelectChoice(c.id, c.name) for c in classes if c.id != question.classroom_id]
    names = dict(db.session.execute(sa.select(Classroom.id, Classroom.name).where(Classroom.id == question.classroom_id)).all())
    authors = dict(db.session.execute(sa.select(User.id, User.username).where(User.id == question.author_id)).all())
    return render_template("authoring/question.html", question=question, version=version, editable=editable,
                           item=preview_item(version.data, version.html), where=bank_label(question, names, authors),
                           shares=shares if editable else [], requests=requests if editable else [], types=TYPE_LABELS,
                           share_form=UsernameForm(), move_form=move_form, confirm=ConfirmForm())


def back_to(question: Question):
    """Back to the question's own page."""
    return redirect(url_for("authoring.question_page", question_id=question.id))


def shareable(question: Question) -> Question:
    """Sharing and moving are for questions outside the course bank, which every instructor already sees."""
    if question.bank == "course":
        abort(400, description="This question is in the course bank: every instructor can already see and use it.")
    return question


@bp.route("/questions/<question_id>/shares", methods=["POST"])
@instructor_required
def share_question(question_id: str):
    """Share a question with another instructor, by username: they may preview, use and copy it, not edit it."""
    question = shareable(question_or_abort(question_id, "edit"))
    form = UsernameForm()
    user = instructor_named(form.username.data if form.validate_on_submit() else None, "to share with",
                            "questions are shared with instructors only.")
    if may("edit", question_facts(question), Actor(user.id, user.role, taught_classroom_ids(user))):
        abort(400, description=f"{user.username} can already edit {question.id}. Nothing changed.")
    exists = db.session.scalar(sa.select(QuestionShare.id).where(
        QuestionShare.question_id == question.id, QuestionShare.user_id == user.id))
    if exists is None:
        db.session.add(QuestionShare(question_id=question.id, user_id=user.id))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()  # the same share posted twice at once: one row is enough
    flash(f"{question.id} is shared with {user.username}: they can preview, use and copy it, not edit it.", "success")
    return back_to(question)


@bp.route("/questions/<question_id>/shares/<int:user_id>/revoke", methods=["POST"])
@instructor_required
def revoke_share(question_id: str, user_id: int):
    """Stop sharing a question with one instructor (assignments that already use it keep it)."""
    question = question_or_abort(question_id, "edit")
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The request was incomplete; reload the page and try again.")
    share = db.session.scalar(sa.select(QuestionShare).where(
        QuestionShare.question_id == question.id, QuestionShare.user_id == user_id)) if user_id < 2**31 else None
    if share is None:
        abort(404, description=f"{question.id} is not shared with that instructor.")
    db.session.delete(share)
    db.session.commit()
    flash(f"{question.id} is no longer shared with that instructor; their assignments that use it keep it.", "success")
    return back_to(question)


@bp.route("/questions/<question_id>/move", methods=["POST"])
@instructor_required
def move_question(question_id: str):
    """Move a question into the bank of a class I teach: its instructors may then use and edit it."""
    question = shareable(question_or_abort(question_id, "edit"))
    form = MoveForm()
    classes = {c.id: c for c in taught_classes()}
    form.classroom.choices = [SelectChoice(ident, c.name) for ident, c in classes.items()]
    if not form.validate_on_submit():
        abort(400, description="Choose one of the classes you teach. Nothing changed.")
    target = classes[form.classroom.data]
    question.bank, question.classroom_id = "class", target.id
    db.session.commit()
    flash(f"{question.id} is now in the bank of {target.name}: its instructors can use and edit it.", "success")
    return back_to(question)
