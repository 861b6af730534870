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
_NOUN = {"option": "Option", "item": "Item", "pair": "Pair", "distractor": "Extra answer", "answer": "Answer",
         "wrong answer": "Wrong answer", "other answer": "Other answer", "criterion": "Criterion", "blank": "Blank"}
_EMPTY = {"prompt": "Write the question itself.", "explanation": "Explain why the right answer is right.",
          "lesson_anchor": "Choose the part of the lesson this question is about.",
          "difficulty": "Choose how hard the question is.", "answer": "Give the answer.",
          "model_answer": "Write a model answer: learners read it after they submit.",
          "text": "Write the passage, with a [[name]] where each blank goes."}
_NAMES = {"prompt": "The prompt", "explanation": "The explanation", "model_answer": "The model answer", "text": "The passage",
          "other_feedback": "The feedback for any other answer", "passage_quote": "The quoted passage"}
_LIST = {"options": "Give at least {n} options.", "items": "Give at least {n} items to put in order.",
         "pairs": "Give at least {n} pairs to match.", "answers": "Give at least one accepted answer.",
         "rubric": "Give the rubric at least one criterion, with its levels.", "blanks": "Give each blank a row below.",
         "distractors": "Give at least one extra answer, or leave them all empty."}
# Each rest-of-message pattern (after the "question 'x'" prefix) and what to say: (field, words); {0}, {1}… are the groups.
_PATTERNS: tuple[tuple[re.Pattern, str, str], ...] = tuple((re.compile(pattern, re.S), field, words) for pattern, field, words in (
    (r"^: id '(.*)' must use lowercase letters, digits and hyphens$", "id",
     "Use only lowercase letters, digits and hyphens in the id (like trade-mfn-year), or leave it empty to make one from the prompt."),
    (r"^: id '(.*)' is already used .*$", "id",
     "Another question already has the id “{0}”: choose another, or leave it empty to make one from the prompt."),
    (r"^: answer '' is not among the options .*$|^: 'answer' must not be empty$|^ is missing 'answer'$", "answer",
     "Mark the right option: choose its “Right answer” button."),
    (r"^: answer '(.*)' is not among the options .*$", "answer", "Mark the right option: choose its “Right answer” button."),
    (r"^: 'answer' must be a list of option ids$", "answer", "Mark at least one option as correct."),
    (r"^: every option is correct; add at least one wrong option$", "options",
     "Every option is marked correct: add a wrong one, or untick one."),
    (r"^: 'answer' lists an option twice$", "options", "An option is marked correct twice."),
    (r"^: 'answer' must be true or false$", "answer", "Choose whether the statement is true or false."),
    (r"^: 'answer' must be a number$", "answer", "The answer must be a number, like 1999 or 2.5."),
    (r"^: 'tolerance' must be a number$", "tolerance", "The tolerance must be a number, like 0.5, or left empty."),
    (r"^: 'tolerance' must not be negative$", "tolerance", "The tolerance cannot be below 0."),
    (r"^: lesson_anchor '#(.*)' is not a heading or paragraph anchor of the lesson$", "lesson_anchor",
     "Choose a part of this lesson: “{0}” is not one of its headings."),
    (r"^ is missing 'tags'$|^: 'tags' must be a list of words$", "tags", "Give at least one tag, like trade or 1990s."),
    (r"^: tag (.*)$", "tags", "Tag {0}."),
    (r"^: difficulty must be one of .*$", "difficulty", "Choose easy, medium or hard."),
    (r"^: 'hint' is ([\d,]+) characters; a hint holds at most (\d+)$", "hint",
     "The hint is {0} characters long; keep it to {1}, a nudge rather than a second explanation."),
    (r"^: option '(.*)' is the answer, so it earns full credit: .*$", "options",
     "The right option always earns full marks: leave its part marks empty."),
    (r"^: option '(.*)' has credit 1, but only the answer .*$", "options",
     "Only the right option earns full marks: give the others part marks below 1, or mark that one as right."),
    (r"^: option '(.*)' has a 'credit', which only 'scoring: weights' uses$", "options",
     "Weights count only with “Weights” scoring: choose it, or empty the weights."),
    (r"^: with 'scoring: weights' every option needs a 'credit' .*$", "options",
     "With “Weights” scoring every option needs a weight (0 for a wrong one that costs nothing)."),
    (r"^: the right options' credits add up to (.*), not 1$", "options",
     "The right options' weights add up to {0}; they must add up to 1."),
    (r"^: with 'scoring: weights', 'answer' lists exactly .*$", "options",
     "With “Weights” scoring, tick exactly the options with a weight above 0."),
    (r"^: distractor id .*$", "distractors", "An extra answer has the same id as a pair: remove it and add it again."),
    (r"^: distractor '(.*)' is also a right-hand answer$", "distractors",
     "“{0}” is already a pair's right-hand side: an extra answer must match nothing."),
    (r"^: the text has \[\[(.*)\]\] but no blank with that id$", "text",
     "The passage has [[{0}]] but no blank row is named “{0}”: add one below, or correct the name."),
    (r"^: a blank appears twice in the text$", "text", "A blank appears twice in the passage: each [[name]] goes in once."),
    (r"^: blank \[\[(.*)\]\] is (.*); write it in plain text$", "text",
     "Blank [[{0}]] is {1}: write it in the passage's plain text."),
    (r"^: 'min_words' must be .*$", "min_words", "Fewest words must be a whole number from 1 to 2,000, or left empty."),
    (r"^: 'max_words' must be .*$", "max_words", "Most words must be a whole number from 1 to 2,000, or left empty."),
    (r"^: 'max_words' \((\d+)\) is below 'min_words' \((\d+)\)$", "max_words",
     "Most words ({0}) is below fewest words ({1})."),
    (r"^: a rubric has at most (\d+) criteria .*$", "rubric", "A rubric has at most {0} criteria."),
    (r"^: at least one answer must earn full credit$", "answers", "At least one accepted answer must earn full marks (leave its part marks empty)."),
    (r"^: wrong answer '(.*)' reads the same as the accepted '(.*)'$", "wrong_answers",
     "“{0}” is listed as wrong but reads the same as the accepted “{1}”."),
    (r"^: 'spelling' is .*$", "spelling", "Choose a spelling rule."),
    (r"^: unit '(.*)' needs a positive multiplier$", "units", "Unit “{0}” needs a number above 0 for what it is worth."),
    (r"^: '(.*)' in 'wrong_answers': (.*)$", "wrong_answers", "“{0}” in the wrong answers: {1}."),
    (r"^: '(.*)' in 'other_answers' is the answer itself$", "other_answers", "“{0}” is the answer itself: remove it here."),
    (r"^: '(.*)' in 'other_answers': (.*)$", "other_answers", "“{0}” in the other answers: {1}."),
    (r"^: '(.*)' is both a known wrong answer and an other answer$", "other_answers",
     "“{0}” is both a wrong answer and an answer with part marks: keep one."),
    (r"^: passage .*$|^: a passage quotes .*$", "passage_lines", "{rest}"),
    (r"^: excludes '(.*)', which is not a question of this lesson you can see$", "excludes",
     "“{0}” is not a question of this lesson that you can see: check its id, or take it out."),
    (r"^: 'excludes' .*$|^: a question cannot exclude itself$", "excludes", "{rest}"),
))
_ROW_PATTERNS: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(pattern, re.S), words) for pattern, words in (
    (r"^(?:: '(\w+)' must not be empty| is missing '(\w+)')$", "{what} is empty: fill in its {column}."),
    (r"^: id '(.*)' is already used .*$", "{what}: the name “{0}” is used twice; give each its own."),
    (r"^: id '(.*)' must use lowercase letters, digits and hyphens$",
     "{what}: use only lowercase letters, digits and hyphens in its name (not “{0}”)."),
    (r"^: 'credit' must be .*$", "{what}: part marks must be a number {range}."),
    (r"^: 'points' must be a number from 0 to 100$", "{what}: points must be a number from 0 to 100."),
    (r"^: points must rise from level to level .*$", "{what}: points must rise from level to level (lowest first)."),
    (r"^: at most (\d+) levels .*$", "{what} has more than {0} levels."),
    (r"^: 'levels' must be a list of at least (\d+)$", "{what} needs at least {0} levels (rows with its name)."),
    (r"^: the top level must be worth some points$", "{what}: its top level must be worth some points."),
    (r"^: '(\w+)' (?:is|holds) .*characters.*$", "{what}: the {column} is too long."),
))
_COLUMN = {"text": "text", "feedback": "feedback", "left": "left-hand text", "right": "right-hand text", "title": "name",
           "description": "description", "points": "points", "id": "name", "accept": "answers", "answers": "answers",
           "options": "answers", "value": "number"}
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
            return PlainError(field, _sentence(rest) if words == "{rest}" else words.format(*found.groups()))
    found = re.match(r"^(?:: '(\w+)' must not be empty| is missing '(\w+)')$", rest)
    if found:
        key = found.group(1) or found.group(2)
        return PlainError(key, _EMPTY.get(key, f"Fill in {key.replace('_', ' ')}."))
    found = re.match(r"^: '(\w+)' is ([\d,]+) characters; the most it may hold is ([\d,]+)$", rest)
    if found:
        name = _NAMES.get(found.group(1), found.group(1).replace("_", " "))
        return PlainError(found.group(1), f"{name} is {found.group(2)} characters long; the most it may hold is {found.group(3)}.")
    found = re.match(r"^: '(\w+)' holds ([\d,]+) entries; the most it may hold is (\d+)$", rest)
    if found:
        return PlainError(found.group(1), f"There are {found.group(2)} rows here; a question may have at most {found.group(3)}.")
    found = re.match(r"^: '(\w+)' must be a list of at least (\d+)$", rest)
    if found:
        return PlainError(found.group(1), _LIST.get(found.group(1), "Give at least {n}.").format(n=found.group(2)))
    return PlainError("", _sentence(rest))


def _row_error(row: re.Match, data: dict) -> PlainError:
    """A message about one row (option 2, criterion 1 level 2, blank 3): the row's field and plain words."""
    noun, number, rest = row.group("noun"), int(row.group("n")), row.group("rest")
    group, index, what = _GROUP[noun], number - 1, f"{_NOUN[noun]} {number}"
    if noun == "criterion":
        criteria = data.get("rubric") or []
        level = int(row.group("m")) - 1 if row.group("sub") == "level" else 0
        index = sum(len(c.get("levels") or []) for c in criteria[:number - 1] if isinstance(c, dict)) + level
        what = f"Criterion {number}" + (f", level {level + 1}" if row.group("sub") == "level" else "")
    elif row.group("sub"):
        what += f", {row.group('sub')} {row.group('m')}"
    key = re.search(r"'(\w+)'", rest)
    column = _ROW_COLUMN.get(key.group(1), key.group(1)) if key else ""
    field = row_name(group, index, column if column in _COLUMN else "text")
    if noun == "blank":
        field = row_name(group, index, "id" if column == "id" else "answers")
    elif noun == "criterion":  # a rubric row is one level: its criterion's name, points and description
        field = row_name(group, index, next((name for name in ("points", "description") if name in rest), "criterion"))
    for pattern, words in _ROW_PATTERNS:
        if found := pattern.match(rest):
            return PlainError(field, words.format(*found.groups(), what=what, column=_COLUMN.get(key.group(1), "text") if key else "text",
                                                  range="from -1 to 1" if noun == "option" else "above 0 and at most 1"))
    return PlainError(field, _sentence(f"{what}: {rest.lstrip(': ')}" if rest.startswith(":") else f"{what}{rest}"))


def _sentence(text: str) -> str:
    """The checker's own words as a sentence: no leading colon, a capital first letter, a full stop."""
    text = text.lstrip(": ").strip()
    if not text:
        return "Something is wrong with this question."
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")
