"""Questions that give away another question's answer, and a test draw that keeps them apart.

Pure module. In a bank, question A *leaks* into question B when A's key can be read in what B
shows before it is answered: B's prompt, passage, cloze text, ordering items, options and matching
texts (never its explanation or feedback, which come after). A test holding both hands the
learner A's mark for reading B. :func:`leak_graph` finds these pairs for one bank, adds the pairs
a human wrote as ``excludes:``, and :func:`leak_free_sample` draws a test with no such pair in it.
The rules are written out in ``quizzes/README.md`` ("Questions that answer each other").

Texts are compared as the course's answer checking reads them (:func:`app.course.answers.words_of`):
whole words, folded, each name in its group's spelling, leading filler dropped from the key and
its last word singular or plural; numbers by value, however written ("2,000", "2000", "two
thousand", "403 mn").
"""

from __future__ import annotations

import random
import re
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from app.course import qtypes
from app.course.answers import NumberFrame, Rules, active_rules, read_number, same_number, words_of
from app.course.bank import Bank, version_of
from app.course.lessons import Problem
from app.course.qtypes.base import CANDIDATE, STATEMENT

COMMON_SHARE = 0.5  # a key shown by more than half of the bank's other questions tells nothing
SEARCH_BUDGET = 50_000  # steps of the exact search; far above what a bank of a few hundred needs
# English function words: a key made only of these ("like", an accepted synonym of a cloze blank)
# names nothing, and seen elsewhere it is the word's everyday use.
STOP_WORDS = frozenset("""
a an the and or but nor of in on at to for with by from as into onto over under about after before during since until
is are was were be been being am do does did has have had will would shall should can could may might must
it its this that these those he him his she her they them their we us our you your i me my who whom whose which what
when where why how not no yes so if then than there here all any both each few more most other some such only own same
too very just also again once like up down out off per via
""".split())

_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^<>]*>")  # Markdown link addresses and HTML tags are not read
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen)")
_DIGITS = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{2,3})+|\d+)(\.\d+)?(?:(\s*)([^\W\d_]+))?")
_NOT_A_COUNT = {"st", "nd", "rd", "th", "s"}  # "12th", "1990s", written onto the digits: an ordinal or a decade
_WORD_NUMBER = re.compile(rf"\b{_NUMBER_WORD}(?:[\s-]+(?:and\s+)?{_NUMBER_WORD})*(?:\s+([^\W\d_]+))?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Leak:
    """Question ``source``'s key, written ``key``, can be read in question ``target``'s ``place``."""

    source: str
    target: str
    key: str
    place: str


@dataclass(frozen=True)
class LeakGraph:
    """One bank's leaks (directed, found) and excluded pairs (written by a human)."""

    leaks: tuple[Leak, ...] = ()
    excluded: frozenset[frozenset[str]] = frozenset()

    @property
    def pairs(self) -> frozenset[frozenset[str]]:
        """Every pair of question ids never drawn into one test, either way round."""
        return frozenset({frozenset((leak.source, leak.target)) for leak in self.leaks} | self.excluded)


# --- What a question's key is, and what a question shows ----------------------------------------

@dataclass(frozen=True)
class _Key:
    """One way a key can be seen: a phrase of words, a number, or a matching pair's two sides."""

    text: str
    words: tuple[str, ...] = ()
    number: tuple[float, ...] = ()  # the values it may be written as (in the question's unit, in units)
    tolerance: float = 0.0
    pair: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    among_candidates: bool = True  # typed keys leak through another question's options too


@dataclass(frozen=True)
class _Piece:
    """One text a question shows before answering, read once: its words and its numbers."""

    place: str
    kind: str
    words: tuple[str, ...]
    numbers: tuple[float, ...]
    forms: frozenset[str]  # every word and its singulars, to pass over most texts at a glance


def _plain(text: str) -> str:
    return _LINK_TARGET.sub(" ", str(text))


def _key_words(text: str, rules: Rules) -> tuple[str, ...]:
    """A key's words with leading filler dropped ("the Wagah border" -> wagah border); "a" stays before an initial."""
    words = words_of(_plain(text), rules)
    while len(words) > 1 and words[0] in rules.filler and (words[0] != "a" or len(words[1]) > 1):
        words = words[1:]
    return tuple(words)


def _numbers_in(text: str, rules: Rules) -> tuple[float, ...]:
    """Every number the text states, each as written and, after a scale word, scaled: "403 mn" -> 403, 403000000."""
    found: list[float] = []
    plain = _plain(text)
    for match in _DIGITS.finditer(plain):
        after = (match.group(4) or "").casefold()
        if after in _NOT_A_COUNT and not match.group(3):
            continue
        value = float(match.group(1).replace(",", "") + (match.group(2) or ""))
        found.append(value)
        if after in rules.scales:
            found.append(value * rules.scales[after])
    for match in _WORD_NUMBER.finditer(plain):
        reading = read_number(match.group(0), NumberFrame(), rules)
        if not reading.problem:
            found.append(reading.values[0][0])
        elif match.group(1):  # "ten years": the number without the word after it
            reading = read_number(match.group(0)[:match.start(1) - match.start(0)], NumberFrame(), rules)
            found.extend(value for value, _ in reading.values[:1] if not reading.problem)
    return tuple(found)


def _text_keys(text: str, rules: Rules, among_candidates: bool) -> list[_Key]:
    """A key text as a number (when it reads as one) or as phrases: the text, and each part in parentheses alone."""
    if any(ch.isdigit() for ch in text):
        reading = read_number(_plain(text), NumberFrame(), rules)
        if not reading.problem:
            return [_Key(text, number=(reading.values[0][0],), among_candidates=among_candidates)]
    variants = [_PARENTHESIS.sub(" ", text), *_PARENTHESIS.findall(text)]
    phrases = {words for variant in variants if (words := _key_words(variant, rules)) and not set(words) <= STOP_WORDS}
    return [_Key(text, words=words, among_candidates=among_candidates) for words in sorted(phrases)]


def _numeric_key(data: Mapping, rules: Rules) -> _Key:
    """A numeric answer, as the question asks for it and, when its unit is a scale word, in full (403 -> 403000000)."""
    answer, tolerance = float(data["answer"]), float(data.get("tolerance") or 0.0)
    unit = str(data.get("unit") or "").strip().casefold()
    values = (answer, answer * rules.scales[unit]) if unit in rules.scales else (answer,)
    return _Key(f"{answer:g}" + (f" {unit}" if unit else ""), number=values, tolerance=tolerance)


class KeyMaker:
    """What a question type builds its keys with (``QuestionType.leak_keys``): phrases, numbers and pairs."""

    def __init__(self, rules: Rules):
        self.rules = rules

    def text(self, text: str, among_candidates: bool) -> list[_Key]:
        return _text_keys(text, self.rules, among_candidates)

    def numeric(self, data: Mapping) -> _Key:
        return _numeric_key(data, self.rules)

    def pair(self, left_text: str, right_text: str) -> list[_Key]:
        """A matching pair's two sides, unless either is only function words."""
        left, right = _key_words(left_text, self.rules), _key_words(right_text, self.rules)
        if set(left) <= STOP_WORDS or set(right) <= STOP_WORDS:
            return []
        return [_Key(f"{left_text} = {right_text}", pair=(left, right))]


def keys_of(data: Mapping, rules: Rules | None = None) -> list[_Key]:
    """The forms in which one question's key could be read elsewhere (none for true/false and ordering).

    A true/false statement is no key to another question, and an order is no phrase: the dates of
    an ordering question's events are keys where a question asks for them (a year question).
    """
    return qtypes.of(data).leak_keys(data, KeyMaker(rules or active_rules()))


def shown_pieces(data: Mapping, rules: Rules | None = None) -> list[_Piece]:
    """Every text a question shows before it is answered, each read into words and numbers.

    Statements (prompt, passage, cloze text, ordering items) say something; candidates (options,
    matching texts) are offered to choose from.
    """
    rules = rules or active_rules()
    texts: list[tuple[str, str, str]] = [("prompt", STATEMENT, data["prompt"])]
    if "passage" in data:
        texts.append(("passage", STATEMENT, data["passage"]["quote"]))
    texts += qtypes.of(data).shown_texts(data)
    return [_piece(place, kind, text, rules) for place, kind, text in texts]


def _piece(place: str, kind: str, text: str, rules: Rules) -> _Piece:
    """One shown text read into words and numbers."""
    words = tuple(words_of(_plain(text), rules))
    return _Piece(place, kind, words, _numbers_in(text, rules), frozenset(f for w in words for f in noun_forms(w)))


# --- Matching ---------------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def noun_forms(word: str) -> frozenset[str]:
    """A word and the singulars it may be the plural of (talks: talk; measures: measure, measur; parties: party).

    Two words are the same noun when either is among the other's forms; the singular keeps three
    letters, so "us" is never "uses".
    """
    forms = {word}
    if word.isalpha() and word.endswith("s"):
        forms |= {stem for stem in (word[:-1], word[:-2] if word.endswith("es") else "",
                                    word[:-3] + "y" if word.endswith("ies") else "") if len(stem) >= 3}
    return frozenset(forms)


def _same_noun(shown: str, key: str) -> bool:
    """The same word, or one the other's plural (measure/measures, talk/talks)."""
    return shown == key or shown in noun_forms(key) or key in noun_forms(shown)


def _has_phrase(words: tuple[str, ...], forms: frozenset[str], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` occurs in ``words`` as whole words, its last word singular or plural."""
    size = len(phrase)
    head, last = phrase[:-1], phrase[-1]
    if not set(head) <= forms or forms.isdisjoint(noun_forms(last)):
        return False
    return any(words[start:start + size - 1] == head and _same_noun(words[start + size - 1], last)
               for start in range(len(words) - size + 1))


def _shows(piece: _Piece, key: _Key) -> bool:
    """Whether one shown text gives this key away."""
    if piece.kind == CANDIDATE and not key.among_candidates:
        return False
    if key.pair is not None:
        # "Together": both sides in one statement, not offered in two columns to match.
        return piece.kind == STATEMENT and all(_has_phrase(piece.words, piece.forms, side) for side in key.pair)
    if key.number:
        return any(same_number(shown, value, key.tolerance) for shown in piece.numbers for value in key.number)
    return _has_phrase(piece.words, piece.forms, key.words)


def _first_place(pieces: Iterable[_Piece], key: _Key) -> str | None:
    """Where a question first shows this key, if anywhere."""
    return next((piece.place for piece in pieces if _shows(piece, key)), None)


def states_key(data: Mapping, text: str, rules: Rules | None = None) -> bool:
    """Whether ``text`` (a feedback) names question ``data``'s own key, read as a leak is: whole words, numbers by value."""
    rules = rules or active_rules()
    piece = _piece("feedback", STATEMENT, text, rules)
    return any(_shows(piece, key) for key in keys_of(data, rules))


def feedback_before_finishing(data: Mapping, html: Mapping, notice: str) -> dict:
    """``html`` with every feedback that names the question's own key replaced by ``notice`` (plain text).

    Practice shows a try's feedback before the question is finished; a known wrong answer's feedback
    that says what the answer is ("2006 is SAFTA's year; MFN came in 1996") would hand the learner the
    next try's mark. Feedback on a right answer (or a right pick) is about what was chosen, so it stays.
    """
    rules = active_rules()
    return qtypes.of(data).hide_key_feedback(data, dict(html), lambda text: states_key(data, text, rules), escape(notice))


def leak_graph(questions: Sequence[Mapping], rules: Rules | None = None) -> LeakGraph:
    """The leaks among one bank's questions (their data, each with its ``id``), and its ``excludes`` pairs.

    A key that more than half of the bank's other questions show (a country's name in a bank about
    the two countries) gives nothing away and is left out; so is a question's key in its own text.
    """
    rules = rules or active_rules()
    shown = {data["id"]: shown_pieces(data, rules) for data in questions}
    others = max(len(questions) - 1, 1)
    leaks: dict[tuple[str, str], Leak] = {}
    for data in questions:
        for key in keys_of(data, rules):
            found = [Leak(data["id"], target, key.text, place) for target, pieces in shown.items()
                     if target != data["id"] and (place := _first_place(pieces, key))]
            if len(found) <= COMMON_SHARE * others:
                for leak in found:
                    leaks.setdefault((leak.source, leak.target), leak)  # the first key found names the leak
    excluded = frozenset(frozenset((data["id"], other)) for data in questions for other in data.get("excludes", ()))
    return LeakGraph(tuple(sorted(leaks.values(), key=lambda leak: (leak.source, leak.target))), excluded)


_DIGESTS: OrderedDict[int, tuple[dict, str]] = OrderedDict()
_DIGESTS_SIZE = 4096  # a course's worth of versions; callers that build new dicts each time only cycle through it
_DIGESTS_LOCK = threading.Lock()


def _digest(data: dict) -> str:
    """``version_of(data)``, remembered for the dict itself: a test start hashes the same shared versions (from
    ``course_cache``) every time. The entry holds the dict, so its id cannot pass to another while it is kept."""
    with _DIGESTS_LOCK:
        known = _DIGESTS.get(id(data))
    if known is not None and known[0] is data:
        return known[1]
    digest = version_of(data)
    with _DIGESTS_LOCK:
        _DIGESTS[id(data)] = (data, digest)
        while len(_DIGESTS) > _DIGESTS_SIZE:
            _DIGESTS.popitem(last=False)
    return digest


class _Versions:
    """Questions keyed by their content hashes and the rules they are read with: equal keys, equal graphs."""

    def __init__(self, questions: Sequence[dict], rules: Rules):
        self.questions, self.rules = questions, rules
        # The rules object itself is held (by the cache, through this key), so its id is never reused.
        self.key = (tuple(_digest(data) for data in questions), id(rules))

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Versions) and self.key == other.key


@lru_cache(maxsize=64)
def _graph_of(versions: _Versions) -> LeakGraph:
    """The graph of one set of versions, built once."""
    return leak_graph(versions.questions, versions.rules)


def cached_leak_graph(questions: Sequence[dict]) -> LeakGraph:
    """:func:`leak_graph`, remembered per set of question versions (their content hashes).

    A test start needs the graph every time; hashing the versions takes a tenth of a millisecond,
    building the graph ten to twenty (``bench/leaks.py``). Keyed by content, it cannot go stale:
    a new version is a new key.
    """
    return _graph_of(_Versions(questions, active_rules()))


# --- The draw ---------------------------------------------------------------------------------------

def _neighbours(idents: Iterable[str], apart: Iterable[frozenset[str]]) -> dict[str, frozenset[str]]:
    """For each id, the ids it may not share a test with (pairs naming an unknown id are ignored)."""
    known = set(idents)
    found: dict[str, set[str]] = {ident: set() for ident in known}
    for pair in apart:
        if len(pair) == 2 and pair <= known:
            first, second = pair
            found[first].add(second)
            found[second].add(first)
    return {ident: frozenset(others) for ident, others in found.items()}


class _OutOfSteps(Exception):
    """The exact search went past its budget; the caller keeps what it has."""


def _largest_set(vertices: frozenset[str], neighbours: Mapping[str, frozenset[str]], budget: list[int]) -> frozenset[str]:
    """A largest set of ``vertices`` with no two neighbours (a maximum independent set), by branch and bound.

    A vertex with at most one neighbour left is always in some largest set, so it is taken without
    branching; otherwise the search branches on the vertex with the most neighbours.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _OutOfSteps
    if not vertices:
        return frozenset()
    degree = {vertex: len(neighbours[vertex] & vertices) for vertex in vertices}
    loosest = min(sorted(vertices), key=degree.__getitem__)
    if degree[loosest] <= 1:
        return frozenset({loosest}) | _largest_set(vertices - {loosest} - neighbours[loosest], neighbours, budget)
    busiest = max(sorted(vertices), key=degree.__getitem__)
    taken = frozenset({busiest}) | _largest_set(vertices - {busiest} - neighbours[busiest], neighbours, budget)
    left_out = _largest_set(vertices - {busiest}, neighbours, budget)
    return taken if len(taken) >= len(left_out) else left_out


def _greedy(order: Sequence[str], neighbours: Mapping[str, frozenset[str]], size: int) -> list[str]:
    """Walk ``order`` taking every id none of whose neighbours is taken, up to ``size``."""
    chosen: list[str] = []
    blocked: set[str] = set()
    for ident in order:
        if len(chosen) == size:
            break
        if ident not in blocked:
            chosen.append(ident)
            blocked |= neighbours[ident]
    return chosen


@lru_cache(maxsize=256)
def largest_leak_free(idents: frozenset[str], apart: frozenset[frozenset[str]]) -> int:
    """How many of ``idents`` one test can hold with no pair of ``apart`` together (cached per graph).

    Exact up to :data:`SEARCH_BUDGET` steps; past that, the size a greedy pass reaches.
    """
    neighbours = _neighbours(idents, apart)
    try:
        return len(_largest_set(frozenset(idents), neighbours, [SEARCH_BUDGET]))
    except _OutOfSteps:
        return len(_greedy(sorted(idents, key=lambda ident: len(neighbours[ident])), neighbours, len(idents)))


def _search(order: Sequence[str], neighbours: Mapping[str, frozenset[str]], target: int) -> list[str]:
    """The first set of ``target`` ids in ``order``'s terms (depth first, taking before skipping) with no two
    neighbours; the largest found if the budget runs out first."""
    best: list[str] = []
    steps = [SEARCH_BUDGET]

    def extend(start: int, chosen: list[str], blocked: frozenset[str]) -> bool:
        nonlocal best
        if len(chosen) > len(best):
            best = list(chosen)
        if len(chosen) == target:
            return True
        steps[0] -= 1
        free = [ident for ident in order[start:] if ident not in blocked]
        if steps[0] < 0 or len(chosen) + len(free) < target:
            return False
        for place, ident in enumerate(order[start:], start):
            if ident in blocked:
                continue
            if extend(place + 1, [*chosen, ident], blocked | neighbours[ident]):
                return True
            free.remove(ident)
            if len(chosen) + len(free) < target or steps[0] < 0:
                return False
        return False

    extend(0, [], frozenset())
    return best


def leak_free_sample(idents: Sequence[str], size: int, apart: Collection[frozenset[str]], rng: random.Random) -> list[str]:
    """``size`` of ``idents`` in random order with no pair of ``apart`` together; fewer only when no
    leak-free set that large exists.

    A random order walked greedily: each id is taken unless one it may not meet is already taken.
    A question with d such neighbours would come before all of them only once in d + 1 orders, so
    it is put early with weight d + 1 (a weighted shuffle), which keeps it about as likely to be
    drawn as any other. When the walk falls short of ``size`` (only where the graph is tight), a
    depth-first search over the same order finds a set as large as the graph allows. No rejection
    loop: the time does not depend on luck.
    """
    if not apart:
        order = list(idents)
        rng.shuffle(order)
        return order[:size]
    neighbours = _neighbours(idents, apart)
    weight = {ident: rng.random() ** (1 / (1 + len(neighbours[ident]))) for ident in idents}
    order = sorted(idents, key=weight.__getitem__, reverse=True)
    chosen = _greedy(order, neighbours, size)
    if len(chosen) < size:
        target = min(size, largest_leak_free(frozenset(idents), frozenset(apart)))
        if len(chosen) < target:
            chosen = _search(order, neighbours, target)
    rng.shuffle(chosen)  # the weights put busy questions early in the walk, not in the test
    return chosen


def never_drawn(idents: Collection[str], apart: Collection[frozenset[str]], size: int) -> list[str]:
    """The ids no leak-free test of ``size`` questions (or of the largest leak-free size, if smaller) can hold."""
    target = min(size, largest_leak_free(frozenset(idents), frozenset(apart)))
    neighbours = _neighbours(idents, apart)
    stuck = []
    for ident in sorted(idents):
        try:
            room = 1 + len(_largest_set(frozenset(idents) - {ident} - neighbours[ident], neighbours, [SEARCH_BUDGET]))
        except _OutOfSteps:
            continue  # too big to settle exactly: say nothing rather than something wrong
        if room < target:
            stuck.append(ident)
    return stuck


# --- The report ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LeakReport:
    """What ``course check`` says of one bank's leaks: how many pairs, the graph, and its warnings."""

    pairs: int = 0
    graph: Problem | None = None
    warnings: tuple[Problem, ...] = ()

    @property
    def lines(self) -> list[Problem]:
        return ([self.graph] if self.graph else []) + list(self.warnings)


def bank_leak_report(bank: Bank) -> LeakReport:
    """One bank's leak graph as a ``leaks:`` line, and a warning for each thing the draw cannot mend:
    a question no full test can hold, a test smaller than ``test_size``.

    The pairs themselves are no warning: tests keep them apart whatever the author does.
    """
    graph = leak_graph([question.data for question in bank.questions])
    line_of = {question.id: question.line for question in bank.questions}
    idents = [question.id for question in bank.questions]
    pairs = graph.pairs
    if not pairs:
        return LeakReport()
    found = {frozenset((leak.source, leak.target)) for leak in graph.leaks}
    listed = [f"{leak.source}→{leak.target} (“{leak.key}”, line {line_of[leak.target]})" for leak in graph.leaks]
    listed += [f"{first}↔{second} (excludes)" for first, second in sorted(sorted(pair) for pair in graph.excluded - found)]
    first_line = min([line_of[leak.target] for leak in graph.leaks] or [line_of[ident] for pair in pairs for ident in pair])
    summary = Problem(bank.path, first_line, f"leaks: {len(pairs)} pair(s) never drawn into one test: {', '.join(listed)}")
    warnings = []
    largest = largest_leak_free(frozenset(idents), pairs)
    if largest < bank.test_size:
        warnings.append(Problem(bank.path, 1, f"warning: no leak-free test holds {bank.test_size} questions (test_size); "
                                              f"the largest holds {largest}, so tests draw {largest}"))
    neighbours = _neighbours(idents, pairs)
    for ident in never_drawn(idents, pairs, bank.test_size):
        warnings.append(Problem(bank.path, line_of[ident], (
            f"warning: question '{ident}' is never drawn into a test of {min(bank.test_size, largest)}: it may not meet "
            f"{len(neighbours[ident])} question(s) ({', '.join(sorted(neighbours[ident]))}), and too few are left to "
            "fill a test with it; take its key out of their text, or theirs out of its")))
    return LeakReport(len(pairs), summary, tuple(warnings))
