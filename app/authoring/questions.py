"""Authoring in the browser: questions of every type, new lessons, YAML export and class overrides.

Every check is the bank files' own (``bank.check_question_data``, ``lessons.parse_lesson_text``),
so a question is refused for the same reasons, in the same words, wherever it comes from.
Every save that changes a question makes a new version; answers keep the version they answered.
"""

import random
import re
from datetime import datetime, timezone

import sqlalchemy as sa
import yaml
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.authoring import bp
from app.authoring.access import (current_actor, instructor_required, listed_questions, question_or_abort,
                                  taught_classroom_ids)
from app.authoring.banks import bank_choices, chosen_bank, current_version, live_lessons
from app.authoring.forms import QUESTION_FORMS, TYPE_LABELS, ConfirmForm, LessonForm
from app.authoring.importing import lesson_question_ids, stray_excludes
from app.course.authoring import data_to_fields, fields_to_data, form_rows, id_from_prompt, row_groups
from app.course.bank import QUESTION_TYPES, check_question_data, dump_bank, render_question
from app.course.lessons import anchors_of, parse_lesson_text
from app.course.limits import Budget, OverBudget
from app.course.plain_errors import PlainError, plain_errors
from app.course.qtypes import rows
from app.course.quiz import choice_order
from app.course_loader import apply_lesson
from app.extensions import db
from app.i18n import course_option, course_text, user_text
from app.media.store import stored_images
from app.models import ClassOverride, Classroom, Lesson, Question, QuestionVersion
from app.search.index import rebuild_index
from app.secrecy import with_answer_form

COMMON = ("id", "prompt", "explanation", "hint", "lesson_anchor", "tags", "difficulty")
ROW_FIELD = re.compile(r"^([a-z_]+)-(\d{1,4})-([a-z_]+)$")


def anchor_choices(lesson: Lesson | None, current: str | None) -> list[SelectChoice]:
    """The lesson's headings to choose the anchor from (sub-headings indented); a stored anchor that is no heading stays."""
    choices = [SelectChoice("", _("Choose a part of the lesson…") if lesson else _("Choose the lesson first"))]
    headings = (lesson.headings or []) if lesson else []
    choices += [SelectChoice(h["anchor"], "\u2003" * max(0, h["level"] - 2) + h["title"], render_kw=course_option())
                for h in headings]
    if current and current.lstrip("#") not in {h["anchor"] for h in headings}:
        choices.append(SelectChoice(current.lstrip("#"), _("%(anchor)s (a paragraph of the lesson)",
                                                           anchor="#" + current.lstrip("#"))))
    return choices


def lesson_anchors() -> dict[int, list[list[str]]]:
    """Every live lesson's headings as (anchor, title) by lesson id: question_editor.js swaps the anchor list with them."""
    return {lesson.id: [[h["anchor"], "\u2003" * max(0, h["level"] - 2) + h["title"]] for h in lesson.headings or []]
            for lesson in live_lessons()}


def posted_fields(qtype: str) -> dict[str, str]:
    """The type's own fields as posted: its single fields, the key, excludes, and every row of its row groups."""
    singles = {row.name for row in form_rows(qtype) if row.widget != "rows"} | {"answer", "excludes"}
    groups = row_groups(qtype)
    return {key: request.form.get(key, "") for key in request.form
            if key in singles or ((match := ROW_FIELD.match(key)) and match.group(1) in groups)}


def tidied_fields(qtype: str, fields: dict[str, str]) -> dict[str, str]:
    """``fields`` with each row group's empty rows dropped, so row n on the page is entry n of the checked data."""
    groups = row_groups(qtype)
    kept = {key: value for key, value in fields.items() if not ((match := ROW_FIELD.match(key)) and match.group(1) in groups)}
    for group, columns in groups.items():
        kept.update(rows.write_rows(group, rows.read_rows(fields, group, columns)))
    return kept


def question_form(qtype: str, lesson: Lesson | None, data: dict | None = None):
    """The form of a question type, filled from ``data`` on GET, from the request on POST.

    The type's rows are not WTForms fields: ``form.type_fields`` holds them (and the type's other fields) as plain
    strings, which the template shows and :func:`submitted_data` reads.
    """
    form_class = QUESTION_FORMS[qtype]
    if request.method == "POST" or data is None:
        form = form_class()
        form.type_fields = posted_fields(qtype) if request.method == "POST" else {}
    else:
        common, fields = data_to_fields(data)
        form = form_class(data={**common, **fields, "lesson": lesson.id if lesson else None})
        form.type_fields = fields
    form.lesson.choices = [SelectChoice(item.id, item.title, render_kw=course_option()) for item in live_lessons()]
    form.bank.choices = bank_choices()
    if request.method == "GET" and lesson is not None:
        form.lesson.data = lesson.id
    elif request.method == "GET" and not isinstance(form.lesson.data, int) and form.lesson.choices:
        # The select shows its first lesson as chosen; the anchor list offers that lesson's headings to match, since
        # choosing the lesson already shown fires no change for question_editor.js to follow.
        form.lesson.data = form.lesson.choices[0].value
    chosen = db.session.get(Lesson, form.lesson.data) if isinstance(form.lesson.data, int) else lesson
    form.lesson_anchor.choices = anchor_choices(chosen, form.lesson_anchor.data)
    form.problems, form.field_errors, form.focus = [], {}, None
    return form


def editor_page(form, qtype: str, existing: Question | None, preview: dict | None = None, status: int = 200, **extra):
    """The question editor page: the form with its rows, each problem next to its field, and the preview."""
    # Empty rows give a new question room to type; after a row button the rows are exactly what the author made them.
    chosen = {row.name: rows.shown_rows(form.type_fields, row.name, row.columns, 0 if form.focus else row.at_least)
              for row in form_rows(qtype) if row.widget == "rows"}
    for row in form_rows(qtype):
        if row.key == "one":  # the radio's value is the row's id: a row added without JavaScript needs one now
            taken = {found["id"] for found in chosen[row.name] if found["id"]}
            chosen[row.name] = [found if found["id"] else {**found, "id": rows.fresh_id(taken)} for found in chosen[row.name]]
    return render_template("authoring/question_form.html", form=form, qtype=qtype, types=TYPE_LABELS, existing=existing,
                           preview=preview, type_rows=form_rows(qtype), row_values=chosen, anchors=lesson_anchors(),
                           **extra), status


def submitted_data(form, qtype: str, fixed_id: str | None) -> dict:
    """The question's plain data from the posted form (``fixed_id``: an existing question keeps its id)."""
    common = {name: getattr(form, name).data or "" for name in COMMON}
    if fixed_id is not None:
        common["id"] = fixed_id
    return fields_to_data(qtype, common, form.type_fields)


def with_problems(form, qtype: str, data: dict, messages: list[str], view_messages: list[PlainError] = ()) -> None:
    """Put the checker's messages (in plain words) and the view's own on the form: by field, and all in order.

    The key of a choice question is marked on its option rows, so a problem with it belongs to the options.
    """
    keyed_rows = next((row.name for row in form_rows(qtype) if row.key or any(c.widget == "check" for c in row.columns)), None)
    form.problems = [PlainError(keyed_rows, problem.text) if problem.field == "answer" and keyed_rows else problem
                     for problem in plain_errors(messages, data) + list(view_messages)]
    for problem in form.problems:
        form.field_errors.setdefault(problem.field, []).append(problem.text)
        if problem.field in form._fields:  # a WTForms field: the shared field() macro shows it under the field
            form[problem.field].errors = [*form[problem.field].errors, problem.text]


def row_action(form, qtype: str):
    """A row button pressed without JavaScript (add, remove, move): the form again with the change; nothing checked or saved."""
    changed = rows.apply_action(form.type_fields, request.form.get("row_action", ""), row_groups(qtype))
    if changed is None:
        abort(400, description=_("That row button does not belong to this form; reload the page and try again."))
    form.type_fields = changed
    verb, _colon, rest = request.form["row_action"].partition(":")
    group, _colon, place = rest.partition(":")
    count = len(rows.shown_rows(changed, group, row_groups(qtype)[group], 0))
    index = count - 1 if verb == "add" else min(int(place) + {"up": -1, "down": 1}.get(verb, 0), count - 1)
    form.focus = f"{group}-{max(index, 0)}" if count else group
    return form


def save_version(question: Question, data: dict) -> bool:
    """Point ``question`` at the version of ``data``, creating that version if new; True if it changed."""
    version = check_question_data(data, None)[0].version
    changed = version != question.version
    exists = db.session.scalar(sa.select(QuestionVersion.id).where(
        QuestionVersion.question_id == question.id, QuestionVersion.version == version))
    if exists is None:
        db.session.add(QuestionVersion(question_id=question.id, version=version, data=data,
                                       html=render_question(data, media=stored_images(data))))
    question.version = version
    return changed


def preview_of(data: dict, messages: list[str]) -> dict | None:
    """A checked question rendered as learners see it, within the preview time budget.

    Past the budget there is no preview and a message in ``messages``, so nothing is saved either.
    """
    try:
        html = render_question(data, Budget(current_app.config["PREVIEW_TIME_BUDGET"]), stored_images(data))
    except OverBudget as over:
        messages.append(_("The preview stopped: %(reason)s. Nothing was saved; shorten the question's texts.", reason=over))
        return None
    return with_answer_form({"position": 0, "field": "q0", "data": data, "html": html,
                             "order": choice_order(data, random.Random(0))}, "preview")


def checked_submission(qtype: str, form, existing: Question | None, fixed_id: str | None = None):
    """The posted question checked by ``bank.check_question_data``: (data, checked question or None, messages, lesson).

    A new question with no id typed gets one made from its prompt (unique in the course), which the page then shows.
    """
    form.type_fields = tidied_fields(qtype, form.type_fields)
    lesson = db.session.get(Lesson, form.lesson.data) if isinstance(form.lesson.data, int) else None
    taken = set(db.session.scalars(sa.select(Question.id))) - ({existing.id} if existing else set())
    if existing is None and fixed_id is None and not (form.id.data or "").strip():
        form.id.data = id_from_prompt(form.prompt.data or "", lesson.slug if lesson else "", taken)
    data = submitted_data(form, qtype, fixed_id or (existing.id if existing else None))
    anchors = anchors_of(lesson.body_html) if lesson else set()
    checked, messages = check_question_data(data, anchors, taken, media=stored_images(data))
    if checked is not None and lesson is not None:
        messages += stray_excludes(checked.data, f"question '{checked.id}'", lesson_question_ids(lesson, listed_questions(current_actor())))
    return data, checked, messages, lesson


def handle_question_form(qtype: str, form, existing: Question | None, copied_from: str | None = None):
    """Preview or save a question from its form; refuse with the checker's messages, each by its field in plain words.

    A new question is a draft in the author's own bank or in a class bank they chose.
    """
    if request.form.get("row_action"):
        return editor_page(row_action(form, qtype), qtype, existing)
    data, checked, messages, lesson = checked_submission(qtype, form, existing)
    ours = []
    if lesson is None:
        ours.append(PlainError("lesson", _("Choose the lesson this question belongs to.")))
    bank = chosen_bank(form.bank.data) if existing is None else None
    if existing is None and bank is None:
        ours.append(PlainError("bank", _("Choose where to save the question: your own questions or the bank of a class you teach.")))
    preview = preview_of(checked.data, messages) if checked is not None else None
    if messages or ours or form.preview.data:
        with_problems(form, qtype, data, messages, ours)
        return editor_page(form, qtype, existing, preview, 400 if form.problems else 200)
    if existing is None:
        position = (db.session.scalar(sa.select(sa.func.max(Question.position)).where(Question.lesson_id == lesson.id)) or 0) + 1
        existing = Question(id=checked.id, lesson_id=lesson.id, position=position, type=qtype, version="",
                            origin="authored", author_id=current_user.id, bank=bank[0], classroom_id=bank[1],
                            copied_from_id=copied_from)
        db.session.add(existing)
        db.session.flush()
    existing.lesson_id = lesson.id
    changed = save_version(existing, checked.data)
    db.session.commit()
    flash(_("Saved %(id)s as a new version.", id=user_text(existing.id)) if changed else
          _("Saved %(id)s (nothing changed).", id=user_text(existing.id)), "success")
    return redirect(url_for("authoring.question_page", question_id=existing.id))


@bp.route("/questions/new/<qtype>", methods=["GET", "POST"])
@instructor_required
def new_question(qtype: str):
    """Write a new question of one type (optionally starting from a copy of another)."""
    if qtype not in QUESTION_TYPES:
        abort(404, description=_("There is no question type “%(type)s”.", type=qtype))
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == request.args.get("lesson", "")))
    source = request.args.get("copy")
    data = None
    if source:
        original = current_version(question_or_abort(source, "use")).data
        data = {**original, "id": f"{original['id']}-copy"}
    form = question_form(qtype, lesson, data)
    if request.method == "POST":
        return handle_question_form(qtype, form, None, source or None)
    return editor_page(form, qtype, None)


@bp.route("/questions/preview/<qtype>", methods=["POST"])
@instructor_required
def preview_question(qtype: str):
    """The live preview question_editor.js asks for as the author types: the rendered question and what to fix, saving nothing."""
    if qtype not in QUESTION_TYPES:
        abort(404, description=_("There is no question type “%(type)s”.", type=qtype))
    question_id = request.args.get("question")
    existing = question_or_abort(question_id, "use") if question_id else None
    if existing is not None and existing.type != qtype:
        abort(400, description=_("That question is of another type."))
    form = question_form(qtype, None)  # CSRFProtect has checked the token, as for every POST
    data, checked, messages, lesson = checked_submission(qtype, form, existing, existing.id if existing else None)
    preview = preview_of(checked.data, messages) if checked is not None else None
    with_problems(form, qtype, data, messages,
                  [] if lesson else [PlainError("lesson", _("Choose the lesson this question belongs to."))])
    return render_template("authoring/_question_preview.html", preview=preview, problems=form.problems)


def editable_or_abort(question_id: str) -> Question:
    """A question the current user may change in the browser (shipped ones change in their files only)."""
    question = question_or_abort(question_id, "edit")
    if question.origin == "bank":
        abort(403, description=_("Shipped questions change in %(files)s, not in the browser. Copy it to make your own.",
                                 files="quizzes/*.yaml"))
    return question


@bp.route("/questions/<question_id>/edit", methods=["GET", "POST"])
@instructor_required
def edit_question(question_id: str):
    """Edit a question written in the browser; each saved change is a new version."""
    question = editable_or_abort(question_id)
    form = question_form(question.type, question.lesson, current_version(question).data)
    if request.method == "POST":
        return handle_question_form(question.type, form, question)
    return editor_page(form, question.type, question)


@bp.route("/questions/<question_id>/retire", methods=["POST"])
@instructor_required
def retire_question(question_id: str):
    """Take an authored question out of quizzes (or put it back); its answers stay."""
    question = editable_or_abort(question_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description=_("The request was incomplete; reload the page and try again."))
    question.retired = not question.retired
    db.session.commit()
    flash(_("%(id)s is retired.", id=user_text(question.id)) if question.retired else _("%(id)s is back in use.", id=user_text(question.id)),
          "success")
    return redirect(url_for("authoring.questions", lesson=question.lesson.slug))


@bp.route("/lessons/<slug>/bank.yaml")
@instructor_required
def export_bank(slug: str):
    """The lesson's live questions (shipped and authored) as a bank file: it loads back to the same data."""
    from app.authoring.interop_routes import lesson_questions

    lesson, questions = lesson_questions(slug)
    text = dump_bank(questions, lesson.quiz_size)
    return Response(text, mimetype="application/x-yaml",
                    headers={"Content-Disposition": f'attachment; filename="{slug}.yaml"'})


@bp.route("/lessons/new", methods=["GET", "POST"])
@instructor_required
def new_lesson():
    """Write a lesson in Markdown; it is checked and rendered exactly like a file in lessons/. Admins only:
    a lesson is public the moment it is saved, so it is the course's, not one instructor's."""
    if current_user.role != "admin":
        abort(403, description=_("Only an administrator adds lessons to the course: a new lesson is public at once. "
                                 "Write your questions into an existing lesson, or ask an administrator for a new one."))
    form = LessonForm()
    messages, preview = [], None
    if form.validate_on_submit():
        objectives = [line.strip() for line in form.objectives.data.splitlines() if line.strip()]
        order = (db.session.scalar(sa.select(sa.func.max(Lesson.position))) or 0) + 1
        front = yaml.safe_dump({
            "slug": form.slug.data, "title": form.title.data, "order": order, "summary": form.summary.data,
            "objectives": objectives, "source_lines": [1, 1]}, sort_keys=False, allow_unicode=True)
        doc, problems = parse_lesson_text(f"---\n{front}---\n{form.body.data}", form.slug.data, "lesson")
        messages = [problem.message for problem in problems]
        if db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == form.slug.data)) is not None:
            messages.append(_("A lesson called “%(slug)s” already exists.", slug=form.slug.data))
        if doc is not None and not messages and form.save.data:
            lesson = Lesson(slug=doc.slug, quiz_size=10, origin="authored", author_id=current_user.id,
                            loaded_at=datetime.now(timezone.utc))
            apply_lesson(lesson, doc)
            db.session.add(lesson)
            rebuild_index()
            db.session.commit()
            flash(_("Lesson “%(title)s” published. Add its questions below.", title=course_text(doc.title)), "success")
            return redirect(url_for("authoring.questions", lesson=doc.slug))
        preview = doc
    status = 400 if messages or form.errors else 200
    return render_template("authoring/lesson_form.html", form=form, messages=messages, preview=preview), status


@bp.route("/questions/<question_id>/override", methods=["GET", "POST"])
@instructor_required
def override_question(question_id: str):
    """Give one of the classes I teach its own version of a course-bank question, without touching the bank file."""
    question = question_or_abort(question_id, "use")
    if question.bank != "course":
        abort(400, description=_("Class overrides are for course-bank questions. Edit your own question, or copy it, instead."))
    mine = db.session.scalars(sa.select(Classroom).where(Classroom.id.in_(taught_classroom_ids(current_user)))
                              .order_by(Classroom.name)).all()
    if not mine:
        abort(400, description=_("Create a class first: an override applies to one of your classes."))
    classroom_id = request.values.get("classroom", type=int) or mine[0].id
    classroom = next((c for c in mine if c.id == classroom_id), None)
    if classroom is None:
        abort(403, description=_("You can only override questions for your own classes."))
    existing = db.session.scalar(sa.select(ClassOverride).where(
        ClassOverride.classroom_id == classroom.id, ClassOverride.question_id == question.id))
    start = db.session.get(QuestionVersion, existing.question_version_id) if existing else current_version(question)
    form = question_form(question.type, question.lesson, start.data)
    extra = {"classes": mine, "classroom": classroom, "override": existing}
    if request.method == "GET":
        return editor_page(form, question.type, question, **extra)
    if classroom.archived_at is not None:
        abort(409, description=_("%(name)s is archived; unarchive it to change its questions. Nothing was saved.",
                                 name=classroom.name))
    if request.form.get("row_action"):
        return editor_page(row_action(form, question.type), question.type, question, **extra)
    form.lesson.data = question.lesson_id  # an override stays in the question's lesson
    data, checked, messages, _lesson = checked_submission(question.type, form, question, question.id)
    if checked is not None and not messages and form.save.data:
        version = db.session.scalar(sa.select(QuestionVersion).where(
            QuestionVersion.question_id == question.id, QuestionVersion.version == checked.version))
        if version is None:
            version = QuestionVersion(question_id=question.id, version=checked.version, data=checked.data,
                                      html=render_question(checked.data, media=stored_images(checked.data)))
            db.session.add(version)
            db.session.flush()
        if existing is None:
            existing = ClassOverride(classroom_id=classroom.id, question_id=question.id, question_version_id=version.id)
            db.session.add(existing)
        existing.question_version_id = version.id
        db.session.commit()
        flash(_("%(name)s now uses its own version of %(id)s in new attempts.", name=user_text(classroom.name), id=user_text(question.id)),
              "success")
        return redirect(url_for("authoring.questions", lesson=question.lesson.slug))
    preview = preview_of(checked.data, messages) if checked is not None else None
    with_problems(form, question.type, data, messages)
    return editor_page(form, question.type, question, preview, 400 if form.problems else 200, **extra)
