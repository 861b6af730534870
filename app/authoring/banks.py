"""Whose question is it, in the browser: the question list and its filters, a question's own page, where new questions
go, sharing and moving a question into a class bank. The rules themselves are ``app.course.ownership``."""

import random
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from app.authoring import bp
from app.authoring.access import (current_actor, instructor_named, instructor_required, listed_questions, may_question,
                                  question_facts, question_or_abort, taught_classroom_ids)
from app.authoring.forms import TYPE_LABELS, ConfirmForm, MoveForm, UsernameForm
from app.authoring.question_list_forms import STATUSES, QuestionListForm
from app.course.catalogue import plain_text
from app.course.limits import MAX_TAG_CHARS
from app.course.ownership import Actor, QuestionFacts, may
from app.course.quiz import choice_order
from app.extensions import db
from app.i18n import course_option, person_option, user_text
from app.models import Classroom, Lesson, PublishRequest, Question, QuestionShare, QuestionVersion, User
from app.secrecy import with_answer_form

FILTERS = ("lesson", "type", "tag", "status", "owner")
NOT_A_CHOICE = "Not a valid choice."  # WTForms' own words (in the reader's language when WTForms has their catalogue)
PAGE_SIZE = 40  # a page of rows stays well under the 100 KB page budget; the filters narrow the rest


def taught_classes() -> list[Classroom]:
    """The classes the current user owns or co-teaches, by name."""
    return list(db.session.scalars(sa.select(Classroom).where(
        Classroom.id.in_(taught_classroom_ids(current_user))).order_by(Classroom.name)))


def bank_choices() -> list[SelectChoice]:
    """Where the current user may put a new or imported question: their own bank or a class they teach."""
    return [SelectChoice("mine", _("My questions (drafts only I see)"))] + [
        SelectChoice(f"class-{classroom.id}", _("Class bank: %(name)s", name=classroom.name)) for classroom in taught_classes()
        if classroom.archived_at is None]  # an archived class is read-only, its bank included


def chosen_bank(value: str | None) -> tuple[str, int | None] | None:
    """(bank, class id) for a "Save into" value, or None if it names no bank the current user may fill."""
    if value in (None, "", "mine"):
        return "instructor", None
    prefix, _, number = value.partition("-")
    if prefix == "class" and number.isdigit() and int(number) in taught_classroom_ids(current_user) and \
            db.session.scalar(sa.select(Classroom.archived_at).where(Classroom.id == int(number))) is None:
        return "class", int(number)
    return None


def preview_item(data: dict, html: dict, position: int = 0) -> dict:
    """A question as the quiz templates draw it, for an instructor's preview (nothing is stored)."""
    return with_answer_form({"position": position, "field": f"q{position}", "data": data, "html": html,
                             "order": choice_order(data, random.Random(0))}, "preview")


def bank_label(question: Question, classes: dict[int, str], authors: dict[int, str]) -> Markup:
    """Where a question lives, in words: shipped file, course bank, my drafts, someone's shared draft, a class. A file's,
    a class's or a person's name is kept as written (``user_text``; the message then comes back as Markup)."""
    if question.bank == "course":
        return (_("course bank (%(file)s)", file=user_text("quizzes/" + question.lesson.slug + ".yaml"))
                if question.origin == "bank" else escape(_("course bank (published)")))
    if question.bank == "class":
        name = classes.get(question.classroom_id)
        return _("class bank: %(name)s", name=user_text(name)) if name else escape(_("class bank: %(name)s", name=_("a class")))
    if question.author_id == current_user.id:
        return escape(_("my drafts"))
    name = authors.get(question.author_id)
    return _("shared by %(name)s", name=user_text(name)) if name else escape(_("shared by %(name)s", name=_("a former instructor")))


def current_version(question: Question) -> QuestionVersion:
    """The version a question now stands at."""
    return db.session.scalar(sa.select(QuestionVersion).where(
        QuestionVersion.question_id == question.id, QuestionVersion.version == question.version))


def live_lessons() -> list[Lesson]:
    """The course's lessons in order, retired ones left out."""
    return list(db.session.scalars(sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.position)))


def question_status(question: Question) -> str:
    """Where a question stands: "retired", "published" (in the course bank, so learners get it) or "draft"."""
    if question.retired:
        return "retired"
    return "published" if question.bank == "course" else "draft"


def question_owner(question: Question, actor: Actor) -> str:
    """Whose it is, as the list's filter names it: "course", "mine", "class-<id>" or "shared" (with me)."""
    if question.bank == "course":
        return "course"
    if question.bank == "class" and question.classroom_id in actor.taught_classes:
        return f"class-{question.classroom_id}"
    return "mine" if question.bank == "instructor" and question.author_id == actor.user_id else "shared"


def question_rows(lessons: list[Lesson]) -> list[dict]:
    """The questions of ``lessons`` the current instructor sees (course bank, own, shared, their classes'), in
    course order, each with its plain prompt, where it lives, its status and owner, whether they may edit it,
    and its latest request to publish."""
    actor = current_actor()
    by_id = {lesson.id: lesson for lesson in lessons}
    found = db.session.execute(
        sa.select(Question, QuestionVersion).join(QuestionVersion, sa.and_(
            QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .join(Lesson, Lesson.id == Question.lesson_id)
        .where(Question.lesson_id.in_(list(by_id)), listed_questions(actor))
        .order_by(Question.retired, Lesson.position, Question.position)).all()
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
    rows = []
    for question, version in found:
        prompt = plain_text(version.html.get("prompt", ""))
        tags = [str(tag) for tag in version.data.get("tags") or []]
        rows.append({"question": question, "version": version, "lesson": by_id[question.lesson_id], "prompt": prompt,
                     "tags": tags, "where": bank_label(question, classes, authors), "status": question_status(question),
                     "owner": question_owner(question, actor), "search": " ".join([prompt, question.id, *tags]).casefold(),
                     "editable": may("edit", QuestionFacts(question.bank, question.author_id, question.classroom_id,
                                                           frozenset(shares[question.id])), actor),
                     "request": latest.get(question.id)})
    return rows


def row_facets(row: dict) -> dict[str, set[str]]:
    """The values a row answers to in each filter (a question has several tags; "In use" and "All" are statuses too)."""
    status = {row["status"], "all"} | ({""} if row["status"] != "retired" else set())
    return {"lesson": {"", row["lesson"].slug}, "type": {"", row["question"].type}, "tag": {"", *row["tags"]},
            "status": status, "owner": {"", row["owner"]}}


def filtered(rows: list[dict], chosen: dict[str, str], words: str, skip: str | None = None) -> list[dict]:
    """The rows that pass every chosen filter but ``skip`` (so a filter's counts say what each choice would show)."""
    needles = words.casefold().split()
    return [row for row in rows
            if all(value in row_facets(row)[name] for name, value in chosen.items() if name != skip)
            and all(needle in row["search"] for needle in needles)]


def counted(rows: list[dict], chosen: dict[str, str], words: str, name: str) -> Counter:
    """How many questions each choice of one filter would show, the other filters as they are."""
    counts: Counter = Counter()
    for row in filtered(rows, chosen, words, skip=name):
        counts.update(row_facets(row)[name])
    return counts


def fill_choices(form: QuestionListForm, rows: list[dict], lessons: list[Lesson], classes: dict[int, str]) -> None:
    """Each filter's choices, with how many questions each would show."""
    chosen = {name: getattr(form, name).data or "" for name in FILTERS}
    words = form.words.data or ""
    counted_by = {name: counted(rows, chosen, words, name) for name in FILTERS}

    def label(name: str, value: str, text: str, render_kw: dict | None = None) -> SelectChoice:
        """A choice that says how many questions it would show."""
        return SelectChoice(value, _("%(label)s (%(count)s)", label=text, count=counted_by[name][value]), render_kw=render_kw)

    form.lesson.choices = [label("lesson", "", _("All lessons"))] + [label("lesson", lesson.slug, lesson.title, course_option()) for lesson in lessons]
    form.type.choices = [label("type", "", _("Any type"))] + [label("type", key, text) for key, text in TYPE_LABELS.items()]
    # A tag no question now has (a bookmark from before) stays a choice, showing none, rather than an error.
    kept = {chosen["tag"]} if 0 < len(chosen["tag"]) <= MAX_TAG_CHARS else set()
    tags = sorted({tag for tag in counted_by["tag"] if tag} | kept, key=str.casefold)
    form.tag.choices = [label("tag", "", _("Any tag"))] + [label("tag", tag, tag) for tag in tags]
    form.status.choices = [label("status", key, text) for key, text in STATUSES.items()]
    form.owner.choices = [label("owner", "", _("Anyone's")), label("owner", "mine", _("My own bank")),
                          label("owner", "shared", _("Shared with me")), label("owner", "course", _("Course bank"))] + [
        label("owner", f"class-{ident}", _("Class bank: %(name)s", name=name))
        for ident, name in sorted(classes.items(), key=lambda c: c[1])]


def refusal(form: QuestionListForm) -> str:
    """Why a filter was refused, in plain words (only a hand-made address gets here: the page offers valid choices)."""
    problems = []
    for field in form:
        for error in field.errors:
            problems.append(_("%(field)s: “%(value)s” is not one of its choices.", field=field.label.text, value=field.data)
                            if error in (NOT_A_CHOICE, field.gettext(NOT_A_CHOICE)) else
                            _("%(field)s: %(error)s", field=field.label.text or _("Page"), error=error))
    return _("%(problems)s Nothing was filtered; go back to the list and choose again.", problems=" ".join(problems))


@bp.route("/questions")
@instructor_required
def questions():
    """The questions this instructor may see (course bank, own, shared, their classes'), filtered by lesson, type,
    tag, status and whose they are, and by words: a GET form, each choice saying how many questions it shows."""
    lessons = live_lessons()
    form = QuestionListForm(request.args)
    slug = request.args.get("lesson", "")
    if slug and slug not in {lesson.slug for lesson in lessons}:
        abort(404, description=_("There is no lesson “%(slug)s”.", slug=slug))
    rows = question_rows(lessons)
    actor = current_actor()
    classes = dict(db.session.execute(sa.select(Classroom.id, Classroom.name).where(Classroom.id.in_(actor.taught_classes))).all())
    fill_choices(form, rows, lessons, classes)
    if not form.validate():
        abort(400, description=refusal(form))
    chosen = {name: getattr(form, name).data or "" for name in FILTERS}
    shown = filtered(rows, chosen, form.words.data or "")
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = form.page.data or 1
    if page > pages:
        abort(404, description=_("There is no page %(page)s: these questions fill %(pages)s.", page=page, pages=pages))
    lesson = next((item for item in lessons if item.slug == slug), None)
    filtering = any(chosen.values()) or bool(form.words.data)
    return render_template("authoring/questions.html", form=form, lesson=lesson, total=len(rows), count=len(shown),
                           rows=shown[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], first=(page - 1) * PAGE_SIZE + 1,
                           page=page, pages=pages, filtering=filtering, types=TYPE_LABELS, confirm=ConfirmForm(),
                           page_args={key: value for key, value in request.args.items() if key != "page"})


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
    move_form.classroom.choices = [SelectChoice(c.id, c.name, render_kw=person_option()) for c in classes
                                   if c.id != question.classroom_id]
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
        abort(400, description=_("This question is in the course bank: every instructor can already see and use it."))
    return question


@bp.route("/questions/<question_id>/shares", methods=["POST"])
@instructor_required
def share_question(question_id: str):
    """Share a question with another instructor, by username: they may preview, use and copy it, not edit it."""
    question = shareable(question_or_abort(question_id, "edit"))
    form = UsernameForm()
    user = instructor_named(form.username.data if form.validate_on_submit() else None, "share")
    if may("edit", question_facts(question), Actor(user.id, user.role, taught_classroom_ids(user))):
        abort(400, description=_("%(user)s can already edit %(id)s. Nothing changed.", user=user.username, id=question.id))
    exists = db.session.scalar(sa.select(QuestionShare.id).where(
        QuestionShare.question_id == question.id, QuestionShare.user_id == user.id))
    if exists is None:
        db.session.add(QuestionShare(question_id=question.id, user_id=user.id))
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()  # the same share posted twice at once: one row is enough
    flash(_("%(id)s is shared with %(user)s: they can preview, use and copy it, not edit it.", id=user_text(question.id),
            user=user_text(user.username)), "success")
    return back_to(question)


@bp.route("/questions/<question_id>/shares/<int:user_id>/revoke", methods=["POST"])
@instructor_required
def revoke_share(question_id: str, user_id: int):
    """Stop sharing a question with one instructor (assignments that already use it keep it)."""
    question = question_or_abort(question_id, "edit")
    if not ConfirmForm().validate_on_submit():
        abort(400, description=_("The request was incomplete; reload the page and try again."))
    share = db.session.scalar(sa.select(QuestionShare).where(
        QuestionShare.question_id == question.id, QuestionShare.user_id == user_id)) if user_id < 2**31 else None
    if share is None:
        abort(404, description=_("%(id)s is not shared with that instructor.", id=question.id))
    db.session.delete(share)
    db.session.commit()
    flash(_("%(id)s is no longer shared with that instructor; their assignments that use it keep it.", id=user_text(question.id)),
          "success")
    return back_to(question)


@bp.route("/questions/<question_id>/move", methods=["POST"])
@instructor_required
def move_question(question_id: str):
    """Move a question into the bank of a class I teach: its instructors may then use and edit it."""
    question = shareable(question_or_abort(question_id, "edit"))
    form = MoveForm()
    classes = {c.id: c for c in taught_classes()}
    form.classroom.choices = [SelectChoice(ident, c.name, render_kw=person_option()) for ident, c in classes.items()]
    if not form.validate_on_submit():
        abort(400, description=_("Choose one of the classes you teach. Nothing changed."))
    target = classes[form.classroom.data]
    if target.archived_at is not None:
        abort(409, description=_("%(name)s is archived; unarchive it to add to its bank. Nothing changed.", name=target.name))
    question.bank, question.classroom_id = "class", target.id
    db.session.commit()
    flash(_("%(id)s is now in the bank of %(name)s: its instructors can use and edit it.", id=user_text(question.id), name=user_text(target.name)),
          "success")
    return back_to(question)
