"""Warnings about answer keys that a learner could guess from their place or length, not the content.

Pure module. A bank can be valid and still leak its key: when the author habitually puts the key
first, or writes it as the longest, most careful option, a learner scores above chance without
knowing anything. These checks look at one bank at a time and return warnings (never errors):
``flask course check`` and ``course load`` print them and carry on. The rules are described in
``quizzes/README.md``.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from typing import Callable

import nh3

from app.course import qtypes
from app.course.answers import active_rules, words_of
from app.course.bank import Bank, Question
from app.course.leaks import COMMON_SHARE, STOP_WORDS, noun_forms
from app.course.lessons import Problem
from app.course.markup import render_inline

POSITION_SHARE = 0.4
LENGTH_RANK_SHARE = 0.4
END_BLOCK_SHARE = 0.4
LONGEST_SHARE = 0.4
TRUE_FALSE_SHARE = 0.8


def key_pattern_warnings(bank: Bank) -> list[Problem]:
    """Every warning for one bank, each at the line of the first question it names."""
    warnings = [
        _single_choice_positions(bank),
        _single_choice_length_ranks(bank),
        _multiple_response_ends(bank),
        _longest_keys(bank),
        _true_false_balance(bank),
    ]
    return [warning for warning in warnings if warning is not None] + cue_warnings(bank)


def _warning(bank: Bank, questions: list[Question], total: int, finding: str, kind: str, advice: str) -> Problem:
    """``file:line: warning: <finding> in 5 of 7 <kind> (71 %); <advice> (ids)`` at the first question named."""
    share = _percent(len(questions) / total)
    names = ", ".join(question.id for question in questions)
    return Problem(bank.path, questions[0].line,
                   f"warning: {finding} in {len(questions)} of {total} {kind} ({share}); {advice} ({names})")


def _percent(fraction: float) -> str:
    """A share as the course writes it: ``71 %``."""
    return f"{100 * fraction:.0f} %"


def _crowded(count: int, total: int, share: float, fewest_possible: int) -> bool:
    """Over ``share`` of ``total``, and more than the most even arrangement would still need.

    The second condition keeps a bank with one or two such questions quiet when no order of
    options could avoid the warning.
    """
    return count > share * total and count > fewest_possible


def _most_shared(questions: list[Question], place_of: Callable[[Question], int],
                 share: float) -> tuple[int, list[Question]] | None:
    """The place (0-based) most single-choice keys share, with their questions, if over ``share`` crowd it."""
    if not questions:
        return None
    by_place: dict[int, list[Question]] = {}
    for question in questions:
        by_place.setdefault(place_of(question), []).append(question)
    place, crowd = max(by_place.items(), key=lambda item: len(item[1]))
    # A key's place runs from 0 to (options - 1), so by Hall's theorem the most even spread puts
    # max over k of ceil(questions with at most k options / k) keys in the fullest place.
    sizes = Counter(len(q.data["options"]) for q in questions)
    fewest = max(math.ceil(sum(n for size, n in sizes.items() if size <= k) / k) for k in sizes)
    return (place, crowd) if _crowded(len(crowd), len(questions), share, fewest) else None


def _choices(bank: Bank, one_key: bool | None = None) -> list[Question]:
    """The bank's questions whose key is among shown options (of one key only, or of several, when asked)."""
    return [q for q in bank.questions if qtypes.of(q.data).keyed_options(q.data) is not None
            and (one_key is None or qtypes.of(q.data).one_key == one_key)]


def _keyed(question: Question) -> set[str]:
    return qtypes.of(question.data).keyed_options(question.data)[1]


def _key_position(question: Question) -> int:
    """Where the key sits among the options, from 0."""
    (key,) = _keyed(question)
    return [option["id"] for option in question.data["options"]].index(key)


def _key_length_rank(question: Question) -> int:
    """How many options are longer than the key: 0 for the longest (ties share the better rank)."""
    key = next(option for option in question.data["options"] if option["id"] in _keyed(question))
    key_length = plain_length(key["text"])
    return sum(plain_length(option["text"]) > key_length for option in question.data["options"])


def _single_choice_positions(bank: Bank) -> Problem | None:
    """Over 40 % of the bank's single-choice keys sit in one position."""
    questions = _choices(bank, one_key=True)
    found = _most_shared(questions, _key_position, POSITION_SHARE)
    if found is None:
        return None
    position, crowd = found
    return _warning(bank, crowd, len(questions), f"the key is option {position + 1}", "single-choice questions",
                    f"spread the keys over the positions (at most {_percent(POSITION_SHARE)} in one)")


def _single_choice_length_ranks(bank: Bank) -> Problem | None:
    """Over 40 % of the bank's single-choice keys have the same length rank (longest, second-longest...).

    Lengthening one distractor just past each key only moves the tell from "longest" to
    "second-longest"; this catches that, and keys that are habitually the shortest.
    """
    questions = _choices(bank, one_key=True)
    found = _most_shared(questions, _key_length_rank, LENGTH_RANK_SHARE)
    if found is None:
        return None
    rank, crowd = found
    ordinal = ("", "second-", "third-", "fourth-", "fifth-")[rank] if rank < 5 else f"{rank + 1}th-"
    return _warning(bank, crowd, len(questions), f"the key is the {ordinal}longest option", "single-choice questions",
                    f"vary how long the key is beside its distractors (at most {_percent(LENGTH_RANK_SHARE)} at one rank)")


def _fills_an_end(question: Question) -> bool:
    """Whether the keys are exactly the first k or the last k options (k = number of keys)."""
    ids = [option["id"] for option in question.data["options"]]
    places = sorted(ids.index(answer) for answer in _keyed(question))
    keys = len(places)
    return places in (list(range(keys)), list(range(len(ids) - keys, len(ids))))


def _multiple_response_ends(bank: Bank) -> Problem | None:
    """Over 40 % of the bank's multiple-response questions have their keys as a block at one end.

    Two-option questions are left out: any key of theirs is at an end.
    """
    questions = [q for q in _choices(bank, one_key=False) if len(q.data["options"]) > 2]
    at_an_end = [q for q in questions if _fills_an_end(q)]
    if not _crowded(len(at_an_end), len(questions), END_BLOCK_SHARE, 0):
        return None
    return _warning(bank, at_an_end, len(questions), "the keys are the first or the last options",
                    "multiple-response questions", f"mix them among the distractors (at most {_percent(END_BLOCK_SHARE)})")


def plain_text(text: str) -> str:
    """An option or prompt as the learner reads it: rendered Markdown without tags or entities."""
    return html.unescape(nh3.clean(render_inline(text), tags=set())).strip()


def plain_length(text: str) -> int:
    """Length of an option as the learner reads it."""
    return len(plain_text(text))


def key_is_longest(question: Question) -> bool:
    """Whether every key is strictly longer than every distractor (single choice or multiple response)."""
    keys = _keyed(question)
    lengths = {option["id"]: plain_length(option["text"]) for option in question.data["options"]}
    return min(lengths[key] for key in keys) > max(n for ident, n in lengths.items() if ident not in keys)


def _longest_keys(bank: Bank) -> Problem | None:
    """In over 40 % of the bank's choice questions the key is the longest option."""
    questions = _choices(bank)
    longest = [q for q in questions if key_is_longest(q)]
    if not _crowded(len(longest), len(questions), LONGEST_SHARE, 0):
        return None
    return _warning(bank, longest, len(questions), "the key is longer than every distractor", "choice questions",
                    f"write distractors as full as the key (at most {_percent(LONGEST_SHARE)})")


def _true_false_balance(bank: Bank) -> Problem | None:
    """Over 80 % of the bank's true/false questions have the same answer."""
    questions = [q for q in bank.questions if qtypes.of(q.data).yes_or_no(q.data) is not None]
    for value in (True, False):
        same = [q for q in questions if qtypes.of(q.data).yes_or_no(q.data) is value]
        if _crowded(len(same), len(questions), TRUE_FALSE_SHARE, math.ceil(len(questions) / 2)):
            return _warning(bank, same, len(questions), f"the answer is {str(value).lower()}", "true/false questions",
                            f"balance true and false (at most {_percent(TRUE_FALSE_SHARE)} one way)")
    return None


# --- Cues: the wording of a question pointing at its key ----------------------------------------

_LABEL = r"(?:[a-e]|[1-5]|i{1,3}|iv|v)"
# An option that is only a reference to other options: "all of the above", "none of these",
# "both A and B", "options 1 and 3", "neither (a) nor (b)". Read on the option's folded words.
_REFERS_TO_OPTIONS = re.compile(
    rf"^(?:(?:all|none|any|both|neither|either)(?: of)?(?: the)? (?:above|below|these|those|them|options|answers|preceding)"
    rf"|(?:(?:only|both|either|neither|options?|answers?) )?{_LABEL}(?: {_LABEL})*(?: (?:and|or|nor) {_LABEL})"
    rf"|.* of the above|.* of the options)$")
_PLURAL_STEM = re.compile(r"\b(?:(?:which|what|name) (?:two|three|four|five|both|pair)|(?:who|what|which)(?: \w+){0,3} (?:were|are))\b")
_CONSONANT_SOUNDING = ("uni", "use", "usa", "usu", "uti", "ure", "eu", "ewe", "one", "once")
_VOWEL_SOUNDING = ("hour", "honest", "honour", "honor", "heir")


def cue_warnings(bank: Bank) -> list[Problem]:
    """Warnings for choice questions whose wording points at the key (one per question, at its line).

    - an option that only refers to other options ("all of the above", "both A and B"): options
      are shuffled, so "above" means nothing, and spotting two right options gives the third away;
    - a stem ending in "a" or "an" that only the key follows grammatically;
    - a stem asking for several ("Which two...", "Who were...") where only the key names several;
    - the key repeating a distinctive word of the prompt while no distractor repeats any.
    """
    common = _common_prompt_words(bank)
    found = []
    for question in _choices(bank):
        cue = _option_reference(question) or _article_cue(question) or _plural_cue(question) or _echo_cue(question, common)
        if cue:
            found.append(Problem(bank.path, question.line, f"warning: question '{question.id}': {cue}"))
    return found


def _folded(text: str) -> str:
    """A text's words as answers are read (folded, no punctuation), joined by spaces."""
    return " ".join(words_of(plain_text(text), active_rules()))


def _option_reference(question: Question) -> str | None:
    """An option that only points at other options ("all of the above", "both A and B")."""
    for option in question.data["options"]:
        if _REFERS_TO_OPTIONS.match(_folded(option["text"])):
            return (f"option '{option['id']}' (“{plain_text(option['text'])}”) only refers to other options; options are "
                    "shown shuffled, and a learner who spots two right ones needs nothing else: write an option that stands alone")
    return None


def _keys_and_distractors(question: Question) -> tuple[list[dict], list[dict]]:
    """A choice question's keyed options and its distractors, in the bank's order."""
    options, keys = qtypes.of(question.data).keyed_options(question.data)
    return [o for o in options if o["id"] in keys], [o for o in options if o["id"] not in keys]


def _vowel_sound(text: str) -> bool | None:
    """Whether an option starts with a vowel sound ("an"), a consonant sound ("a"), or None when unsure
    (an abbreviation or a number, which may be read either way)."""
    first = plain_text(text).split()[:1]
    word = first[0].strip("\"“‘'(") if first else ""
    if not word or not word[0].isalpha() or (len(word) > 1 and word.isupper()):
        return None
    lower = word.casefold()
    if lower.startswith(_VOWEL_SOUNDING):
        return True
    if lower.startswith(_CONSONANT_SOUNDING):
        return False
    return lower[0] in "aeiou"


def _article_cue(question: Question) -> str | None:
    """The stem ends in "a"/"an" and only the key's first sound agrees with it."""
    words = words_of(plain_text(question.data["prompt"]), active_rules())
    if not qtypes.of(question.data).one_key or not words or words[-1] not in ("a", "an"):
        return None
    wants_vowel = words[-1] == "an"
    (key,), distractors = _keys_and_distractors(question)
    sounds = [_vowel_sound(option["text"]) for option in distractors]
    if _vowel_sound(key["text"]) is wants_vowel and all(sound is (not wants_vowel) for sound in sounds):
        return (f"the stem ends in “{words[-1]}”, which only the key follows; end the stem before the article "
                "or give each option its own")
    return None


def _names_several(text: str) -> bool:
    """Whether an option names more than one thing: "X and Y", or a plural last word in lower case ("talks")."""
    plain = re.sub(r"['’]s\b", "", plain_text(text))
    words = words_of(plain, active_rules())
    if not words:
        return False
    if "and" in words[1:-1]:
        return True
    last, shown = words[-1], plain.rstrip(" .").split()[-1]
    return len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is")) and shown[:1].islower()


def _plural_cue(question: Question) -> str | None:
    """The stem asks for several things and only the key names several."""
    if not qtypes.of(question.data).one_key or not _PLURAL_STEM.search(_folded(question.data["prompt"])):
        return None
    (key,), distractors = _keys_and_distractors(question)
    if _names_several(key["text"]) and not any(_names_several(option["text"]) for option in distractors):
        return "the stem asks for several and only the key names several; make the distractors plural too"
    return None


def _common_prompt_words(bank: Bank) -> set[str]:
    """Words in more than half the bank's prompts, and in three at least (its subject: "Pakistan",
    "cricket"): never a tell. A word of one prompt in a bank of one is still that prompt's own."""
    rules = active_rules()
    counts = Counter(word for question in bank.questions for word in set(words_of(plain_text(question.data["prompt"]), rules)))
    return {word for word, count in counts.items() if count > COMMON_SHARE * len(bank.questions) and count >= 3}


def _distinctive(text: str, common: set[str]) -> set[str]:
    """A text's content words: three letters or more, no function word, not the bank's subject."""
    return {word for word in words_of(plain_text(text), active_rules())
            if len(word) >= 3 and word.isalpha() and word not in STOP_WORDS and word not in common}


def _echoes(prompt: set[str], option: set[str]) -> list[str]:
    """The prompt's words an option repeats, also as a plural or a longer form (India: Indian, meet: meetings)."""
    def same(first: str, second: str) -> bool:
        short, long = sorted((first, second), key=len)
        return not noun_forms(first).isdisjoint(noun_forms(second)) or (len(short) >= 4 and long.startswith(short))
    return sorted(word for word in prompt if any(same(word, other) for other in option))


def _echo_cue(question: Question, common: set[str]) -> str | None:
    """The key repeats a distinctive word of the prompt, and no distractor repeats any."""
    prompt = _distinctive(question.data["prompt"], common)
    keys, distractors = _keys_and_distractors(question)
    echoes = [_echoes(prompt, _distinctive(option["text"], common)) for option in keys]
    if all(echoes) and not any(_echoes(prompt, _distinctive(option["text"], common)) for option in distractors):
        return (f"the key repeats “{echoes[0][0]}” from the prompt and no distractor repeats a word of it; "
                "reword the key or let distractors echo the prompt too")
    return None
