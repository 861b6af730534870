"""Typed answers read as a fair marker reads them: words (short answers, cloze blanks) and numbers.

Pure module. The course-wide tables (filler words, name spellings, scale words, measures,
currencies, eras) live in ``quizzes/rules/answers.yaml``; the rules that use them are written out
in ``quizzes/README.md`` ("How typed answers are checked"), with the cases that must pass and
must fail tested in ``tests/test_answers.py``.

Words: case, accents, punctuation and spacing never matter; ``&`` is "and" and a hyphen a space;
leading filler ("the", "in", "about") is dropped; the last word may be singular or plural; a
word's other common spellings (Gilani/Gillani) count as the same word; both forms of one answer
may be given ("GCO (Green Circle Organisation)"); words of the prompt may be said again around the
answer ("Wagah border crossing point"), never a negation nor a word of a known wrong answer; and,
where the question's spelling rule is lenient, one typo is forgiven in an answer of eight letters
or more, never in a word's first letter or an initial, and never when it lands on a known wrong answer.

Numbers: "in 1999", "1999 AD", "twelve", "1,000", "22 000", "403 mn", "USD 403 million",
"$0.403 billion", "2 lakh", "1 hour 30 minutes"; a bare number is read in the question's unit and
the feedback says so; "not 1999", "1999 BC BC", "< 1999" and money where none is asked are no answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz.distance import OSA

from app.course.lessons import NoAliasLoader, Problem, yaml_problem
from app.course.words import Numeral, _

RULES_FILE = Path("quizzes") / "rules" / "answers.yaml"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
TYPO_MIN_LETTERS = 8


# --- The course-wide tables ----------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    """The tables of ``quizzes/rules/answers.yaml``, ready for lookups."""

    filler: frozenset[str]
    joiners: frozenset[str]
    months: frozenset[str]
    spellings: dict[str, str]  # a word -> the first spelling of its group
    scales: dict[str, float]
    measures: dict[str, tuple[str, float]]  # a unit word -> (its measure, its size)
    currencies: dict[str, str]  # a word or symbol -> the currency's name
    eras: dict[str, int]  # an era word -> +1 (AD, CE) or -1 (BC, BCE)
    negations: frozenset[str] = frozenset()
    by_initial: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first letter -> the spellings of the table


class _RulesError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def _plain(node: yaml.Node, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise _RulesError(node.start_mark.line + 1, f"{what} must be a word")
    return str(node.value).strip().casefold()


def _number(node: yaml.Node, what: str) -> float:
    try:
        value = float(node.value) if isinstance(node, yaml.ScalarNode) else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise _RulesError(node.start_mark.line + 1, f"{what} needs a positive number")
    return value


def _pairs(node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise _RulesError(node.start_mark.line + 1, f"'{what}' must be a mapping")
    return node.value


def _words(node: yaml.Node, what: str) -> list[str]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise _RulesError(node.start_mark.line + 1, f"'{what}' must be a non-empty list")
    return [_plain(item, f"each entry of '{what}'") for item in node.value]


def _eras(node: yaml.Node) -> dict[str, int]:
    eras = {}
    for word, sign in _pairs(node, "eras"):
        if not isinstance(sign, yaml.ScalarNode) or sign.value not in ("1", "-1"):
            raise _RulesError(sign.start_mark.line + 1, f"era '{word.value}' is 1 (after the common era's start) or -1 (before)")
        eras[_plain(word, "an era")] = int(sign.value)
    return eras


def parse_rules(text: str, path: str) -> tuple[Rules | None, list[Problem]]:
    """Parse the rules file's text; return the rules, or None and the problem (file:line)."""
    try:
        root = yaml.compose(text, Loader=NoAliasLoader)
    except yaml.YAMLError as error:
        return None, [yaml_problem(path, error, first_line=1, prefix="not valid YAML")]
    try:
        sections = {_plain(key, "a section name"): value for key, value in _pairs(root, "the rules file")} if root else {}
        known = ("filler", "joiners", "months", "transliterations", "scales", "measures", "currencies", "eras", "negations")
        for key, _ in _pairs(root, "the rules file") if root else []:
            if _plain(key, "a section name") not in known:
                raise _RulesError(key.start_mark.line + 1, f"unknown section '{key.value}' (known: {', '.join(known)})")
        missing = [name for name in known if name not in sections]
        if missing:
            raise _RulesError(1, f"missing section(s): {', '.join(missing)}")
        spellings: dict[str, str] = {}
        groups = sections["transliterations"]
        if not isinstance(groups, yaml.SequenceNode):
            raise _RulesError(groups.start_mark.line + 1, "'transliterations' must be a list of groups")
        for group in groups.value:
            words = _words(group, "a transliteration group")
            for word in words:
                if not word.isalpha():
                    raise _RulesError(group.start_mark.line + 1, f"'{word}': a spelling is one word of letters")
                if word in spellings and spellings[word] != words[0]:
                    raise _RulesError(group.start_mark.line + 1, f"'{word}' is already in another group")
                spellings[word] = words[0]
        scales = {_plain(k, "a scale word"): _number(v, f"scale '{k.value}'") for k, v in _pairs(sections["scales"], "scales")}
        measures: dict[str, tuple[str, float]] = {}
        for name, units in _pairs(sections["measures"], "measures"):
            for unit, size in _pairs(units, f"measure {name.value}"):
                word = _plain(unit, "a unit")
                if word in scales or word in measures:
                    raise _RulesError(unit.start_mark.line + 1, f"'{word}' is already a scale or unit")
                measures[word] = (_plain(name, "a measure"), _number(size, f"unit '{word}'"))
        currencies = {}
        for name, words in _pairs(sections["currencies"], "currencies"):
            _plain(name, "a currency")
            for word in _words(words, f"currency {name.value}"):
                currencies[word] = str(name.value).strip()  # as written, for the feedback
        by_initial: dict[str, tuple[str, ...]] = {}
        for word in spellings:
            by_initial[word[0]] = (*by_initial.get(word[0], ()), word)
        rules = Rules(frozenset(_words(sections["filler"], "filler")), frozenset(_words(sections["joiners"], "joiners")),
                      frozenset(_words(sections["months"], "months")), spellings, scales, measures, currencies,
                      _eras(sections["eras"]), frozenset(_words(sections["negations"], "negations")), by_initial)
    except _RulesError as error:
        return None, [Problem(path, error.line, error.message)]
    return rules, []


def read_rules(folder: Path) -> tuple[Rules | None, list[Problem]]:
    """The rules of a course folder (its ``quizzes/rules/answers.yaml``, else the project's own)."""
    path = folder / RULES_FILE
    if not path.is_file():
        path = PROJECT_ROOT / RULES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(str(path), 1, f"cannot read the answer rules: {error}")]
    return parse_rules(text, str(path))


@lru_cache(maxsize=1)
def project_rules() -> Rules:
    """The rules shipped with the project, which every scorer uses unless told otherwise."""
    rules, problems = read_rules(PROJECT_ROOT)
    if rules is None:
        raise ValueError("; ".join(f"{p.path}:{p.line}: {p.message}" for p in problems))
    return rules


_active: Rules | None = None


def use_rules(rules: Rules | None) -> None:
    """Make ``rules`` the tables every later reading uses (None: the project's own)."""
    global _active
    _active = rules


def active_rules() -> Rules:
    return _active or project_rules()


# --- Words ---------------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_SEPARATORS = re.compile(r"[\W_]+")
# "GCO (Green Circle Organisation)": one bracketed part, the rest outside it.
_BRACKETED = re.compile(r"^(?P<before>[^()\[\]]*)[(\[](?P<inside>[^()\[\]]+)[)\]](?P<after>[^()\[\]]*)$")
_PLACE_WORDS = frozenset({"in", "at", "of", "from", "near"})  # before a name the prompt gives: "Jama Masjid in Delhi"
_MOST_ECHOED = 6  # words said again on either side of an answer; more is a sentence, not an answer
_NEGATION_SIGNS = str.maketrans({"≠": " not ", "¬": " not "})  # "≠ Wagah" says no more than "not Wagah"


def _raw_words(text: str) -> list[str]:
    """The words of ``text``, unaccented and in their own case: what a marker's eye splits them at."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_NEGATION_SIGNS))  # NFKD makes "≠" a bare "="
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _APOSTROPHES.sub("", plain.replace("&", " and "))
    return [word for word in _SEPARATORS.split(plain) if word]


def _spelled(word: str, rules: Rules) -> str:
    """A word folded and in its transliteration group's first spelling."""
    folded = word.casefold()
    return rules.spellings.get(folded, folded)


def words_of(text: str, rules: Rules) -> list[str]:
    """The words of ``text`` as a marker compares them: folded, unaccented, each in its group's spelling."""
    return [_spelled(word, rules) for word in _raw_words(text)]


def _without_filler(words: list[str], rules: Rules) -> list[str]:
    """Leading filler dropped; "a" counts only before a word of two or more letters (not an initial)."""
    start = 0
    while start < len(words) - 1 and words[start] in rules.filler and (words[start] != "a" or len(words[start + 1]) > 1):
        start += 1
    return words[start:]


def _last_word_forms(word: str) -> set[str]:
    """A last word and its plausible singulars: 'measures' -> {measures, measure, measur}."""
    forms = {word}
    if word.isalpha() and len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
        if word.endswith("es"):
            forms.add(word[:-2])
        if word.endswith("ies"):
            forms.add(word[:-3] + "y")
    return forms


@dataclass(frozen=True)
class TextForm:
    """Every form under which a typed text counts as the same answer."""

    keys: frozenset[str]
    main: str  # filler dropped, words joined: what typo distance is measured on
    words: tuple[str, ...] = ()  # the words ``main`` joins: where a typo falls

    def same(self, other: TextForm) -> bool:
        return not self.keys.isdisjoint(other.keys)


def _form(words: list[str], rules: Rules) -> TextForm:
    """The forms of a text already split into marker's words."""
    if len(words) > 2:  # "Jammu and Kashmir" = "Jammu-Kashmir"; a two-word answer keeps its joiner
        words = [word for word in words if word not in rules.joiners] or words
    keys = set()
    for variant in (words, _without_filler(words, rules)):
        if variant:
            keys.update("".join(variant[:-1]) + last for last in _last_word_forms(variant[-1]))
    core = _without_filler(words, rules)
    return TextForm(frozenset(keys), "".join(core), tuple(core))


def text_form(text: str, rules: Rules | None = None) -> TextForm:
    rules = rules or active_rules()
    return _form(words_of(text, rules), rules)


@dataclass(frozen=True)
class Seen:
    """The words a learner reads around the answer box (prompt, cloze text): saying them again is no error."""

    common: frozenset[str] = frozenset()  # found in lower case somewhere: "border", "city", "other", "side"
    names: frozenset[str] = frozenset()  # found only capitalised: "Delhi", "Vajpayee"


def seen_words(text: str, rules: Rules | None = None) -> Seen:
    """The words of what the learner reads with the question, split into common words and names."""
    rules = rules or active_rules()
    raw = _raw_words(re.sub(r"\]\([^)]*\)", "]", text))  # a link's address is not read by the learner
    common = {_spelled(word, rules) for word in raw if word[0].islower()}
    return Seen(frozenset(common), frozenset(_spelled(word, rules) for word in raw) - common)


def _echo_cuts(words: list[str], seen: Seen, kept: set[str], rules: Rules) -> list[list[str]]:
    """The response without words of the prompt said again before or after the answer ("Wagah border
    crossing point", "the city of Dhaka", "Jama Masjid in Delhi"), the smallest cut first.

    Never cut: a negation ("not"), a word of a known wrong answer (``kept``: "dynamic, informal" is a
    hedge), and a name of the prompt unless a place word comes before it ("Sharif, Vajpayee" is two names).
    """
    def common(word: str) -> bool:
        return word not in rules.negations and word not in kept and (
            word in seen.common or word in rules.filler or word in rules.joiners)

    count = len(words)
    lead = 0
    while lead < min(count - 1, _MOST_ECHOED) and common(words[lead]):
        lead += 1
    trail = 0
    while trail < min(count - 1, _MOST_ECHOED):
        word, before = words[count - 1 - trail], words[count - 2 - trail]
        placed = word in seen.names and word not in kept and word not in rules.negations and before in _PLACE_WORDS
        if not (common(word) or word in _PLACE_WORDS or placed):
            break
        trail += 1
    cuts = sorted(((first, last) for first in range(lead + 1) for last in range(trail + 1)
                   if (first or last) and first + last < count), key=sum)
    return [words[first:count - last] for first, last in cuts]


@dataclass(frozen=True)
class Answer:
    """An accepted (credit > 0) or known wrong (credit 0) answer, with its feedback."""

    text: str
    credit: float
    feedback: str | None = None


@dataclass(frozen=True)
class Match:
    """How a typed text was marked: the credit, the answer it matched (for its feedback), a note."""

    credit: float
    matched: str | None = None
    note: str = ""


def _plain_number(text: str, rules: Rules) -> float | None:
    """The number a text is, read with no unit in mind ("twelve", "12th", "2,000"), or None."""
    reading = read_number(text, NumberFrame(), rules)
    return reading.values[0][0] if reading.values and len(reading.values) == 1 else None


def _typo_apart(first: str, second: str) -> bool:
    return abs(len(first) - len(second)) <= 1 and OSA.distance(first, second, score_cutoff=1) <= 1


def _letters(key: str) -> int:
    return sum(ch.isalpha() for ch in key)


def _reading(form: TextForm, forms: list[tuple[Answer, TextForm]]) -> Match | None:
    """The known wrong answer a form reads as, else the best accepted one, else None."""
    if not form.keys:
        return None
    wrong = next((answer for answer, other in forms if answer.credit == 0 and form.same(other)), None)
    if wrong:
        return Match(0.0, wrong.text)
    best = max(((answer.credit, answer.text) for answer, other in forms if answer.credit > 0 and form.same(other)), default=None)
    return Match(best[0], best[1]) if best else None


def _respellings(form: TextForm, rules: Rules) -> list[tuple[TextForm, int]]:
    """The form with one word read as a slip for a spelling of the table ("Organizaton" for organization):
    a typo in a name's other spelling is still one typo. Each comes with how many letters longer that
    spelling is than the group's first, for the eight-letter minimum ("Vajpa" is a slip of the short Vajpai)."""
    found = []
    for index, word in enumerate(form.words):
        if word in rules.spellings or len(word) < 3 or not word.isalpha():
            continue
        for other in rules.by_initial.get(word[0], ()):
            if _typo_apart(word, other):
                respelt = _form([*form.words[:index], rules.spellings[other], *form.words[index + 1:]], rules)
                found.append((respelt, len(other) - len(rules.spellings[other])))
    return found


def _forgiven(given: TextForm, answer: TextForm) -> bool:
    """One typo a marker forgives: never in a word's first letter ("Sind" for Hind, "rehumanising"), never in
    an initial or a faction's letter ("J. K. Mishra", "JUI (S)"): those name someone or something else."""
    if not given.main or given.main[0] != answer.main[0] or not _typo_apart(given.main, answer.main):
        return False
    if [word for word in given.words if len(word) == 1] != [word for word in answer.words if len(word) == 1]:
        return False
    changed = [(mine, theirs) for mine, theirs in zip(given.words, answer.words) if mine != theirs]
    return len(given.words) != len(answer.words) or all(mine[0] == theirs[0] for mine, theirs in changed)


def match_text(response: str, answers: list[Answer], spelling: str = "lenient", rules: Rules | None = None,
               seen: Seen | None = None) -> Match:
    """Mark a typed text against the accepted and known wrong answers (see the module docstring);
    ``seen`` holds the words the learner read with the question, which may be said again."""
    rules = rules or active_rules()
    words = words_of(response, rules)
    given = _form(words, rules)
    if not given.keys:
        return Match(0.0)
    forms = [(answer, text_form(answer.text, rules)) for answer in answers]
    found = _reading(given, forms)  # known wrong answers first: leniency never reaches them
    if found:
        return found
    parts = _BRACKETED.match(response.strip())
    if parts and f"{parts['before']}{parts['after']}".strip():  # both forms of one answer: "SRK (Shah Rukh Khan)"
        readings = [_reading(text_form(part, rules), forms) for part in (f"{parts['before']} {parts['after']}", parts["inside"])]
        wrong = next((reading for reading in readings if reading and reading.credit == 0), None)
        if wrong:
            return wrong
        if all(readings):
            return min(readings, key=lambda reading: reading.credit)
    kept = {word for answer, form in forms if answer.credit == 0 for word in form.words} - rules.filler - rules.joiners
    cuts = [_form(cut, rules) for cut in _echo_cuts(words, seen or Seen(), kept, rules)]
    for form in cuts:
        found = _reading(form, forms)
        if found:
            return found
    number = _plain_number(response, rules)
    if number is not None:  # "twelve" for "12", "2,000" for "2000"
        for answer in sorted(answers, key=lambda a: a.credit == 0, reverse=True):
            if _plain_number(answer.text, rules) == number:
                return Match(answer.credit, answer.text)
    if any(ch.isdigit() for ch in given.main):
        return Match(0.0)
    readings = [(form, _respellings(form, rules)) for form in (given, *cuts)]

    def slipped(form: TextForm) -> bool:  # one typo in an answer of eight letters or more, in any of its spellings
        letters = _letters(form.main)
        return not any(ch.isdigit() for ch in form.main) and any(
            (letters >= TYPO_MIN_LETTERS and _forgiven(mine, form))
            or any(other.same(form) and letters + longer >= TYPO_MIN_LETTERS for other, longer in respelt)
            for mine, respelt in readings)

    near = [(answer, form) for answer, form in forms if answer.credit > 0 and slipped(form)]
    if not near or any(answer.credit == 0 and any(_typo_apart(mine.main, form.main) or any(other.same(form) for other, _ in respelt)
                                                  for mine, respelt in readings) for answer, form in forms):
        return Match(0.0)
    credits = {answer.credit for answer, _ in near}
    answer = max((a for a, _ in near), key=lambda a: a.credit)
    # No answer named when no credit is given: in practice the learner tries again, and the hint would be the key.
    if len(credits) > 1:
        return Match(0.0, None, _("Check the spelling: this is one letter away from more than one answer."))
    if spelling == "strict":
        return Match(0.0, None, _("Check the spelling: this is close to an accepted answer, but this question marks "
                                  "spelling strictly."))
    return Match(answer.credit, answer.text, _("Check the spelling: did you mean “%(answer)s”?", answer=answer.text))


# --- Numbers -------------------------------------------------------------------------------

_SMALL = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {word: 10 * (index + 2) for index, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_NUMBER_WORDS = set(_SMALL) | set(_TENS) | {"hundred", "dozen", "and"}
_DASHES = ("-", "–", "—", "−")
_HALF = re.compile(r"\b(\d+(?:\.\d+)?|" + "|".join(_SMALL) + r")\s+and\s+a\s+half\b")
_OR_SO = re.compile(r"\s+or\s+(?:so|thereabouts)\W*$")  # "22,000 or so": an approximation, as "about" is
_UNIT_AND_A_HALF = re.compile(r"\ban? ([^\W\d_]+) and a half\b")  # "an hour and a half"
_ORDINAL = ("st", "nd", "rd", "th")


def _without_dates(tokens: list[str], rules: Rules) -> list[str]:
    """Month names and parts of a year dropped, with a day number beside a month, when a year remains:
    "14 February 2019" -> 2019, "mid-1999" -> 1999."""
    if not any(token in rules.months for token in tokens):
        return tokens
    kept = list(tokens)
    has_year = sum(tok.isdigit() and len(tok) >= 3 for tok in tokens) == 1
    for index, token in enumerate(tokens):
        if token not in rules.months or not has_year:
            continue
        for near in (index - 1, index - 2, index + 1):
            if 0 <= near < len(tokens) and tokens[near].isdigit() and len(tokens[near]) <= 2 and int(tokens[near]) <= 31:
                kept[near] = ""
                if near + 1 < len(tokens) and tokens[near + 1] in _ORDINAL:
                    kept[near + 1] = ""
                break
        kept[index] = ""
        if index + 1 < len(tokens) and tokens[index + 1] in _DASHES:  # "mid-1999" is no minus sign
            kept[index + 1] = ""
    return [token for token in kept if token]


def _durations_added(tokens: list[str], rules: Rules) -> list[str]:
    """A larger and a smaller unit of one measure added up: "1 hour 30 minutes" -> "90 minutes"."""
    for index in range(len(tokens) - 3):
        first, bigger = tokens[index], tokens[index + 1]
        at = index + 3 if tokens[index + 2] == "and" else index + 2
        if at + 1 >= len(tokens) or bigger not in rules.measures or tokens[at + 1] not in rules.measures:
            continue
        second, smaller = tokens[at], tokens[at + 1]
        (measure, size), (other_measure, other_size) = rules.measures[bigger], rules.measures[smaller]
        if _NUMERAL.fullmatch(first) and _NUMERAL.fullmatch(second) and measure == other_measure and size > other_size:
            return [*tokens[:index], f"{float(first) * size / other_size + float(second):.12g}", smaller, *tokens[at + 2:]]
    return tokens


_NUMERAL = re.compile(r"\d+(?:\.\d+)?|\.\d+")
# Every currency sign, and the signs that change what a number means ("‰", "< 1972"), is a word of its own,
# so that one the tables lack ("€403 million") is named in the feedback, not dropped.
_SIGNS = "%‰‱°<>≤≥" + "".join(chr(code) for code in range(0x10000) if unicodedata.category(chr(code)) == "Sc")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|\.\d+|[^\W\d_]+|[" + re.escape(_SIGNS) + r"]|[-–—−/+]")
_PERCENT_UNITS = ("percent", "per cent", "%")


@dataclass(frozen=True)
class NumberFrame:
    """What a numeric question tells the reader: its unit, extra units, and its prompt's words."""

    unit: str = ""
    units: dict[str, float] = field(default_factory=dict)
    prompt: str = ""


@dataclass(frozen=True)
class Reading:
    """A typed number read in the question's unit: candidate values, each with the unit it was
    assumed to be in (empty when the learner wrote one), or a problem to tell the learner."""

    values: tuple[tuple[float, str], ...] = ()
    problem: str = ""


def _words_number(words: list[str], rules: Rules) -> float | None:
    """'twenty two thousand' -> 22000; 'a dozen' -> 12; None when the words are not a number."""
    total, current, seen = 0.0, 0.0, False
    for index, word in enumerate(words):
        value = _SMALL.get(word, _TENS.get(word))
        if value is not None and value >= 10 and 10 <= current < 100:
            current = current * 100 + value  # a year said in pairs: "nineteen eighty-five", "twenty nineteen"
        elif value is not None:
            current += value
        elif word == "hundred":
            current = (current or 1.0) * 100
        elif word == "dozen":
            current = (current or 1.0) * 12
        elif word in rules.scales and len(word) > 2 and seen:
            total += current * rules.scales[word]
            current = 0
        elif word == "and" and seen:
            continue
        elif word in ("a", "an") and index == 0:  # "a dozen", "a decade": one of what follows
            current = 1.0
            seen = True
            continue
        else:
            return None
        seen = True
    # "hundred hundred hundred…" grows past any float: no number a learner means.
    return total + current if seen and math.isfinite(total + current) else None


def _question_currency(frame: NumberFrame, rules: Rules) -> str | None:
    text = f"{frame.unit} {frame.prompt}".casefold().replace("$", " $ ")
    words = re.findall(r"[^\W\d_]+|[$₹]", text)
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:])]
    return next((rules.currencies[w] for w in pairs + words if w in rules.currencies), None)


def read_number(text: str, frame: NumberFrame, rules: Rules | None = None) -> Reading:
    """Read a typed number in the question's unit (see the module docstring); a Reading."""
    rules = rules or active_rules()
    plain = unicodedata.normalize("NFKC", (text or "").translate(_NEGATION_SIGNS)).casefold()
    plain = re.sub(r"(?<=\d)[,\u00a0\u202f'](?=\d)", "", plain)  # 1,000 / 2,00,000 / 1 000
    plain = re.sub(r"(?<![\d.])\d{1,3}(?: \d{3})+(?![\d.])", lambda m: m.group(0).replace(" ", ""), plain)  # 22 000
    plain = re.sub(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)", " ", plain)  # 403mn, rs5
    plain = _OR_SO.sub("", plain)
    plain = _UNIT_AND_A_HALF.sub(r"1.5 \1", plain)
    plain = _HALF.sub(lambda m: str(float(m.group(1)) + 0.5) if m.group(1)[0].isdigit() else f"{_SMALL[m.group(1)] + 0.5}", plain)
    tokens = _TOKEN.findall(plain)
    # Multi-word currency names and units ("us dollars", "per cent") count as one word.
    joined: list[str] = []
    for token in tokens:
        if joined and (f"{joined[-1]} {token}" in rules.currencies or f"{joined[-1]} {token}" in frame.units
                       or f"{joined[-1]} {token}" in (frame.unit.strip().casefold(), *_PERCENT_UNITS)):
            joined[-1] = f"{joined[-1]} {token}"
        elif joined and joined[-1] == "us" and token == "$":
            joined[-1] = "us$"
        else:
            joined.append(token)
    tokens = _durations_added(_without_dates(joined, rules), rules)
    while len(tokens) > 1 and tokens[0] in rules.filler and tokens[0] not in ("a", "an"):
        tokens = tokens[1:]
    digit_at = [i for i, tok in enumerate(tokens) if tok[0].isdigit() or tok[0] == "."]
    if len(digit_at) > 1:
        between = tokens[digit_at[0] + 1:digit_at[1]]
        return Reading(problem=_("Give one number, not a range or a list.") if set(between) & {*_DASHES, "/", "to", "or", "and"}
                       else _("Give one number."))
    if digit_at:
        index = digit_at[0]
        value = float(tokens[index])
        sign = -1 if index == 1 and tokens[0] in _DASHES else 1
        rest = tokens[:index - (sign < 0)] + tokens[index + 1:]
        after = tokens[index + 1:]
        if after and after[0] == "s":  # "1990s"
            return Reading(problem=_("Give one number: “%(decade)s” names a range.", decade=tokens[index] + "s"))
        value *= sign
    else:
        start = next((i for i, tok in enumerate(tokens) if tok in _NUMBER_WORDS or (tok in ("a", "an") and i + 1 < len(tokens))), None)
        if start is None:
            return Reading(problem=_("That is not a number."))
        end = start
        while end < len(tokens) and (tokens[end] in _NUMBER_WORDS or tokens[end] in _DASHES or (tokens[end] in ("a", "an") and end == start)
                                     or (tokens[end] in rules.scales and len(tokens[end]) > 2)):
            end += 1
        found = _words_number([tok for tok in tokens[start:end] if tok not in _DASHES], rules)
        if found is None:
            return Reading(problem=_("That is not a number."))
        value, rest, after = found, tokens[:start] + tokens[end:], tokens[end:]
    scale = 1.0
    scale_word = ""
    if after and after[0] in rules.scales and not frame.units.get(after[0]):
        scale_word = after[0]
        scale = rules.scales[scale_word]
        rest.remove(scale_word)
    value *= scale
    unit = frame.unit.strip().casefold()
    question_scale = rules.scales.get(unit)
    question_measure = rules.measures.get(unit)
    wanted_currency = _question_currency(frame, rules)
    prompt_words = set(words_of(frame.prompt, rules)) | set(words_of(frame.unit, rules))
    prompt_words |= {form for word in list(prompt_words) for form in _last_word_forms(word)}
    converted = None
    eras = [word for word in rest if word in rules.eras]
    if len(eras) > 1:  # "1972 BC BC" is no year
        return Reading(problem=_("Give one era (AD, CE, BC or BCE), once."))
    for word in rest:
        if word in rules.negations:
            return Reading(problem=_("“%(word)s”: give the number itself, not what it is not.", word=word))
        if word in rules.eras:
            value *= rules.eras[word]
            continue
        if word in (*_DASHES, "/", "+") or word in rules.filler or word == "and":
            continue
        if word in frame.units:
            converted = frame.units[word]
            continue
        if word in _PERCENT_UNITS and unit in _PERCENT_UNITS:  # "80%", "80 per cent" for a question in percent
            continue
        if word in rules.currencies:
            if not wanted_currency and not question_scale:  # money in a year, a count, a percentage
                return Reading(problem=_("The question does not ask for an amount of money; this answer is in "
                                         "%(currency)s.",
                                                 currency=rules.currencies[word]))
            if wanted_currency and rules.currencies[word] != wanted_currency:
                return Reading(problem=_("The question asks in %(wanted)s; this answer is in %(currency)s.",
                                         wanted=wanted_currency,
                                                 currency=rules.currencies[word]))
            continue
        if word in rules.measures:
            measure, size = rules.measures[word]
            if question_measure and question_measure[0] == measure:
                converted = size / question_measure[1]
                continue
            if word == unit or word in prompt_words:
                continue
            return Reading(problem=_("The question does not ask for a %(measure)s.", measure=measure))
        if word == unit or word in prompt_words or _last_word_forms(word) & prompt_words or any(
                word.startswith(stem) for stem in prompt_words if len(stem) >= 4 and stem.isalpha()):
            continue  # the thing counted, said again from the prompt or the unit: "22,000 people", "12 meetings" (meet)
        return Reading(problem=_("“%(word)s” is not a unit this question reads.", word=word))
    if converted is not None:
        return Reading(((value * converted, ""),))
    if scale_word:
        return Reading(((value / question_scale if question_scale else value, ""),))
    if question_scale:  # a bare number: in the question's unit first, then as it stands
        return Reading(((value, unit), (value / question_scale, "")))
    if question_measure:
        return Reading(((value, unit),))
    return Reading(((value, ""),))


def shown_number(value: float) -> Numeral:
    """A number as the feedback writes it: 403, 1.96, 22,000."""
    return Numeral(f"{value:,.10g}" if abs(value) >= 10000 else f"{value:.10g}")


def same_number(value: float, target: float, tolerance: float) -> bool:
    """Within the tolerance, with room for floating point ("0.403 bn" in millions)."""
    return abs(value - target) <= tolerance + 1e-9 * max(1.0, abs(target))
