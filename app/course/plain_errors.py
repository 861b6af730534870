"""The bank checker's messages said in plain words, each with the form field it is about. Pure.

``bank.check_question_data`` stays the one judge and speaks the bank files' language ("question
'x', option 2: 'feedback' must not be empty"). The question editor shows each message next to its
field ("Option 2 needs feedback"); a message this module does not know keeps the checker's words
(without the "question 'x'" prefix) in the summary at the top, so nothing is ever lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.course.qtypes.rows import row_name
from app.course.words import _, N_


@dataclass(frozen=True)
class PlainError:
    """One problem: the field it belongs to (an element id in the form, or "" for the whole form) and plain words."""

    field: str
    text: str


_WHERE = re.compile(r"^question(?: '[^']*')?(?P<rest>.*)$", re.S)
# ", option 2: 'feedback' must not be empty", ", criterion 1, level 2 is missing 'points'", ", blank 3: ..."
_ROW = re.compile(r"^, (?P<noun>option|item|pair|distractor|answer|wrong answer|other answer|criterion|blank)"
                  r" (?P<n>\d+)(?:, (?P<sub>level|option|answer|accepted answer) (?P<m>\d+))?(?P<rest>.*)$", re.S)
_GROUP = {"option": "options", "item": "items", "pair": "pairs", "distractor": "distractors", "answer": "answers",
          "wrong answer": "wrong_answers", "other answer": "other_answers", "criterion": "rubric", "blank": "blanks"}
# Each row's name as the editor shows it ("Option 2"); each part of a row ("Blank 2, accepted answer 3").
_NOUN = {"option": N_("Option %(number)s"), "item": N_("Item %(number)s"), "pair": N_("Pair %(number)s"),
         "distractor": N_("Extra answer %(number)s"), "answer": N_("Answer %(number)s"),
         "wrong answer": N_("Wrong answer %(number)s"), "other answer": N_("Other answer %(number)s"),
         "criterion": N_("Criterion %(number)s"), "blank": N_("Blank %(number)s")}
_SUB = {"level": N_("%(row)s, level %(number)s"), "option": N_("%(row)s, option %(number)s"),
        "answer": N_("%(row)s, answer %(number)s"), "accepted answer": N_("%(row)s, accepted answer %(number)s")}
_EMPTY = {"prompt": N_("Write the question itself."), "explanation": N_("Explain why the right answer is right."),
          "lesson_anchor": N_("Choose the part of the lesson this question is about."),
          "difficulty": N_("Choose how hard the question is."), "answer": N_("Give the answer."),
          "model_answer": N_("Write a model answer: learners read it after they submit."),
          "text": N_("Write the passage, with a [[name]] where each blank goes.")}
_NAMES = {"prompt": N_("The prompt"), "explanation": N_("The explanation"), "model_answer": N_("The model answer"),
          "text": N_("The passage"), "other_feedback": N_("The feedback for any other answer"),
          "passage_quote": N_("The quoted passage")}
_LIST = {"options": N_("Give at least %(num)s options."), "items": N_("Give at least %(num)s items to put in order."),
         "pairs": N_("Give at least %(num)s pairs to match."), "answers": N_("Give at least one accepted answer."),
         "rubric": N_("Give the rubric at least one criterion, with its levels."), "blanks": N_("Give each blank a row below."),
         "distractors": N_("Give at least one extra answer, or leave them all empty.")}
_REST = "{rest}"  # say the checker's own words
# Each rest-of-message pattern (after the "question 'x'" prefix) and what to say: (field, words); the words are a
# message (marked with N_, translated when said) whose %(name)s fields are the pattern's named groups.
_PATTERNS: tuple[tuple[re.Pattern, str, str], ...] = tuple((re.compile(pattern, re.S), field, words) for pattern, field, words in (
    (r"^: id '(.*)' must use lowercase letters, digits and hyphens$", "id",
     N_("Use only lowercase letters, digits and hyphens in the id (like trade-mfn-year), or leave it empty to make one from the prompt.")),
    (r"^: id '(?P<ident>.*)' is already used .*$", "id",
     N_("Another question already has the id “%(ident)s”: choose another, or leave it empty to make one from the prompt.")),
    (r"^: answer '' is not among the options .*$|^: 'answer' must not be empty$|^ is missing 'answer'$", "answer",
     N_("Mark the right option: choose its “Right answer” button.")),
    (r"^: answer '(.*)' is not among the options .*$", "answer", N_("Mark the right option: choose its “Right answer” button.")),
    (r"^: 'answer' must be a list of option ids$", "answer", N_("Mark at least one option as correct.")),
    (r"^: every option is correct; add at least one wrong option$", "options",
     N_("Every option is marked correct: add a wrong one, or untick one.")),
    (r"^: 'answer' lists an option twice$", "options", N_("An option is marked correct twice.")),
    (r"^: 'answer' must be true or false$", "answer", N_("Choose whether the statement is true or false.")),
    (r"^: 'answer' must be a number$", "answer", N_("The answer must be a number, like 1999 or 2.5.")),
    (r"^: 'tolerance' must be a number$", "tolerance", N_("The tolerance must be a number, like 0.5, or left empty.")),
    (r"^: 'tolerance' must not be negative$", "tolerance", N_("The tolerance cannot be below 0.")),
    (r"^: lesson_anchor '#(?P<anchor>.*)' is not a heading or paragraph anchor of the lesson$", "lesson_anchor",
     N_("Choose a part of this lesson: “%(anchor)s” is not one of its headings.")),
    (r"^ is missing 'tags'$|^: 'tags' must be a list of words$", "tags", N_("Give at least one tag, like trade or 1990s.")),
    (r"^: tag (?P<problem>.*)$", "tags", N_("Tag %(problem)s.")),
    (r"^: difficulty must be one of .*$", "difficulty", N_("Choose easy, medium or hard.")),
    (r"^: 'hint' is (?P<length>[\d,]+) characters; a hint holds at most (?P<most>\d+)$", "hint",
     N_("The hint is %(length)s characters long; keep it to %(most)s, a nudge rather than a second explanation.")),
    (r"^: option '(.*)' is the answer, so it earns full credit: .*$", "options",
     N_("The right option always earns full marks: leave its part marks empty.")),
    (r"^: option '(.*)' has credit 1, but only the answer .*$", "options",
     N_("Only the right option earns full marks: give the others part marks below 1, or mark that one as right.")),
    (r"^: option '(.*)' has a 'credit', which only 'scoring: weights' uses$", "options",
     N_("Weights count only with “Weights” scoring: choose it, or empty the weights.")),
    (r"^: with 'scoring: weights' every option needs a 'credit' .*$", "options",
     N_("With “Weights” scoring every option needs a weight (0 for a wrong one that costs nothing).")),
    (r"^: the right options' credits add up to (?P<total>.*), not 1$", "options",
     N_("The right options' weights add up to %(total)s; they must add up to 1.")),
    (r"^: with 'scoring: weights', 'answer' lists exactly .*$", "options",
     N_("With “Weights” scoring, tick exactly the options with a weight above 0.")),
    (r"^: distractor id .*$", "distractors", N_("An extra answer has the same id as a pair: remove it and add it again.")),
    (r"^: distractor '(?P<given>.*)' is also a right-hand answer$", "distractors",
     N_("“%(given)s” is already a pair's right-hand side: an extra answer must match nothing.")),
    (r"^: the text has \[\[(?P<name>.*)\]\] but no blank with that id$", "text",
     N_("The passage has [[%(name)s]] but no blank row is named “%(name)s”: add one below, or correct the name.")),
    (r"^: a blank appears twice in the text$", "text", N_("A blank appears twice in the passage: each [[name]] goes in once.")),
    (r"^: blank \[\[(?P<name>.*)\]\] is (?P<where>.*); write it in plain text$", "text",
     N_("Blank [[%(name)s]] is %(where)s: write it in the passage's plain text.")),
    (r"^: 'min_words' must be .*$", "min_words", N_("Fewest words must be a whole number from 1 to 2,000, or left empty.")),
    (r"^: 'max_words' must be .*$", "max_words", N_("Most words must be a whole number from 1 to 2,000, or left empty.")),
    (r"^: 'max_words' \((?P<most>\d+)\) is below 'min_words' \((?P<fewest>\d+)\)$", "max_words",
     N_("Most words (%(most)s) is below fewest words (%(fewest)s).")),
    (r"^: a rubric has at most (?P<most>\d+) criteria .*$", "rubric", N_("A rubric has at most %(most)s criteria.")),
    (r"^: at least one answer must earn full credit$", "answers",
     N_("At least one accepted answer must earn full marks (leave its part marks empty).")),
    (r"^: wrong answer '(?P<wrong>.*)' reads the same as the accepted '(?P<accepted>.*)'$", "wrong_answers",
     N_("“%(wrong)s” is listed as wrong but reads the same as the accepted “%(accepted)s”.")),
    (r"^: 'spelling' is .*$", "spelling", N_("Choose a spelling rule.")),
    (r"^: unit '(?P<unit>.*)' needs a positive multiplier$", "units", N_("Unit “%(unit)s” needs a number above 0 for what it is worth.")),
    (r"^: '(?P<given>.*)' in 'wrong_answers': (?P<problem>.*)$", "wrong_answers", N_("“%(given)s” in the wrong answers: %(problem)s.")),
    (r"^: '(?P<given>.*)' in 'other_answers' is the answer itself$", "other_answers",
     N_("“%(given)s” is the answer itself: remove it here.")),
    (r"^: '(?P<given>.*)' in 'other_answers': (?P<problem>.*)$", "other_answers", N_("“%(given)s” in the other answers: %(problem)s.")),
    (r"^: '(?P<given>.*)' is both a known wrong answer and an other answer$", "other_answers",
     N_("“%(given)s” is both a wrong answer and an answer with part marks: keep one.")),
    (r"^: passage .*$|^: a passage quotes .*$", "passage_lines", _REST),
    (r"^: excludes '(?P<ident>.*)', which is not a question of this lesson you can see$", "excludes",
     N_("“%(ident)s” is not a question of this lesson that you can see: check its id, or take it out.")),
    (r"^: 'excludes' .*$|^: a question cannot exclude itself$", "excludes", _REST),
))
# The same for a message about one row; besides the named groups, %(what)s names the row ("Option 2"), %(column)s the
# row's field ("feedback") and %(range)s the part marks it takes.
_ROW_PATTERNS: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(pattern, re.S), words) for pattern, words in (
    (r"^(?:: '(\w+)' must not be empty| is missing '(\w+)')$", N_("%(what)s is empty: fill in its %(column)s.")),
    (r"^: id '(?P<name>.*)' is already used .*$", N_("%(what)s: the name “%(name)s” is used twice; give each its own.")),
    (r"^: id '(?P<name>.*)' must use lowercase letters, digits and hyphens$",
     N_("%(what)s: use only lowercase letters, digits and hyphens in its name (not “%(name)s”).")),
    (r"^: 'credit' must be .*$", N_("%(what)s: part marks must be a number %(range)s.")),
    (r"^: 'points' must be a number from 0 to 100$", N_("%(what)s: points must be a number from 0 to 100.")),
    (r"^: points must rise from level to level .*$", N_("%(what)s: points must rise from level to level (lowest first).")),
    (r"^: at most (?P<most>\d+) levels .*$", N_("%(what)s has more than %(most)s levels.")),
    (r"^: 'levels' must be a list of at least (?P<least>\d+)$", N_("%(what)s needs at least %(least)s levels (rows with its name).")),
    (r"^: the top level must be worth some points$", N_("%(what)s: its top level must be worth some points.")),
    (r"^: '(\w+)' (?:is|holds) .*characters.*$", N_("%(what)s: the %(column)s is too long.")),
))
_COLUMN = {"text": N_("text"), "feedback": N_("feedback"), "left": N_("left-hand text"), "right": N_("right-hand text"),
           "title": N_("name"), "description": N_("description"), "points": N_("points"), "id": N_("name"),
           "accept": N_("answers"), "answers": N_("answers"), "options": N_("answers"), "value": N_("number")}
_ROW_COLUMN = {"title": "criterion", "id": "id", "accept": "answers", "options": "answers", "value": "answers"}


def plain_errors(messages: list[str], data: dict) -> list[PlainError]:
    """Each checker message about the question ``data`` (the plain data the form gave) as a :class:`PlainError`."""
    return [plain_error(message, data) for message in messages]


def plain_error(message: str, data: dict) -> PlainError:
    """One checker message in plain words, with the field it belongs to ("" when it is about no one field)."""
    match = _WHERE.match(message)
    rest = match.group("rest") if match else message
    row = _ROW.match(rest)
    if row:
        return _row_error(row, data)
    for pattern, field, words in _PATTERNS:
        if found := pattern.match(rest):
            return PlainError(field, _sentence(rest) if words == _REST else _(words, **found.groupdict()))
    found = re.match(r"^(?:: '(\w+)' must not be empty| is missing '(\w+)')$", rest)
    if found:
        key = found.group(1) or found.group(2)
        return PlainError(key, _(_EMPTY[key]) if key in _EMPTY else _("Fill in %(field)s.",
                                                                      field=key.replace('_', ' ')))
    found = re.match(r"^: '(\w+)' is ([\d,]+) characters; the most it may hold is ([\d,]+)$", rest)
    if found:
        name = _(_NAMES[found.group(1)]) if found.group(1) in _NAMES else found.group(1).replace("_", " ")
        return PlainError(found.group(1), _("%(name)s is %(length)s characters long; the most it may hold is %(most)s.",
                                           name=name, length=found.group(2), most=found.group(3)))
    found = re.match(r"^: '(\w+)' holds ([\d,]+) entries; the most it may hold is (\d+)$", rest)
    if found:
        return PlainError(found.group(1), _("There are %(count)s rows here; a question may have at most %(most)s.",
                                           count=found.group(2), most=found.group(3)))
    found = re.match(r"^: '(\w+)' must be a list of at least (\d+)$", rest)
    if found:
        return PlainError(found.group(1), _(_LIST.get(found.group(1), N_("Give at least %(num)s.")), num=found.group(2)))
    return PlainError("", _sentence(rest))


def _row_error(row: re.Match, data: dict) -> PlainError:
    """A message about one row (option 2, criterion 1 level 2, blank 3): the row's field and plain words."""
    noun, number, rest = row.group("noun"), int(row.group("n")), row.group("rest")
    group, index, what = _GROUP[noun], number - 1, _(_NOUN[noun], number=number)
    if noun == "criterion":
        criteria = data.get("rubric") or []
        level = int(row.group("m")) - 1 if row.group("sub") == "level" else 0
        index = sum(len(c.get("levels") or []) for c in criteria[:number - 1] if isinstance(c, dict)) + level
        if row.group("sub") == "level":
            what = _(_SUB["level"], row=what, number=level + 1)
    elif row.group("sub"):
        what = _(_SUB[row.group("sub")], row=what, number=row.group("m"))
    key = re.search(r"'(\w+)'", rest)
    column = _ROW_COLUMN.get(key.group(1), key.group(1)) if key else ""
    field = row_name(group, index, column if column in _COLUMN else "text")
    if noun == "blank":
        field = row_name(group, index, "id" if column == "id" else "answers")
    elif noun == "criterion":  # a rubric row is one level: its criterion's name, points and description
        field = row_name(group, index, next((name for name in ("points", "description") if name in rest), "criterion"))
    for pattern, words in _ROW_PATTERNS:
        if found := pattern.match(rest):
            return PlainError(field, _(words, what=what, column=_(_COLUMN.get(key.group(1), "text") if key else "text"),
                                       range=_("from -1 to 1") if noun == "option" else _("above 0 and at most 1"),
                                       **found.groupdict()))
    return PlainError(field, _sentence(f"{what}: {rest.lstrip(': ')}" if rest.startswith(":") else f"{what}{rest}"))


def _sentence(text: str) -> str:
    """The checker's own words as a sentence: no leading colon, a capital first letter, a full stop."""
    text = text.lstrip(": ").strip()
    if not text:
        return _("Something is wrong with this question.")
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")
