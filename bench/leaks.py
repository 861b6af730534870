"""Leaks and cues in the shipped banks: the leak graph, how the test draw copes, and the longest-key share.

Run: .venv/bin/python bench/leaks.py [--graph] [--course FOLDER]. Prints numbers; asserts nothing.
Pure functions, no app. ``--course`` reads another course folder's banks, for a before/after:
``git archive cd52f98 quizzes | tar -x -C /tmp/before && .venv/bin/python bench/leaks.py --course /tmp/before``
(cd52f98: the banks before issue 14), read with this checkout's answer rules.

Per bank: questions, test_size, leaking pairs (found by ``app/course/leaks.py`` + written as
``excludes``), the largest leak-free test, questions no full test can hold, the share of
single-choice keys longer than every distractor, cue warnings, the time to build the graph and to
find it again remembered (what a test start pays), and to draw one test, and how far the draw is from uniform: over 10,000 draws,
the least and most often drawn question's count against ``draws × test_size / questions`` (1.00
is uniform; questions no full test can hold are left out). "blind" is the share of tests a draw
blind to leaks (a plain random sample, as before) would give with a leaking pair in them.
``--graph`` also lists every pair.
"""

import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.course.answers import read_rules, use_rules  # noqa: E402
from app.course.bank import read_banks  # noqa: E402
from app.course.key_patterns import cue_warnings, key_is_longest  # noqa: E402
from app.course.leaks import cached_leak_graph, largest_leak_free, leak_free_sample, leak_graph, never_drawn  # noqa: E402

DRAWS = 10_000
TIMING_RUNS = 20


def median_seconds(action, runs: int) -> float:
    """The median wall time of ``runs`` calls of ``action``."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    rules, _ = read_rules(ROOT)
    use_rules(rules)
    folder = Path(sys.argv[sys.argv.index("--course") + 1]) if "--course" in sys.argv else ROOT
    found = read_banks(folder, None)
    if not found.ok:
        print("\n".join(str(problem) for problem in found.problems))
        raise SystemExit(1)
    show_graph = "--graph" in sys.argv
    header = (f"{'bank':<26} {'qs':>3} {'size':>4} {'pairs':>5} {'found':>5} {'excl':>4} {'largest':>7} {'never':>5} "
              f"{'longest':>9} {'cues':>4} {'graph ms':>8} {'cached':>6} {'draw µs':>7} {'drawn min–max':>13} {'blind':>6}")
    print(header)
    print("-" * len(header))
    totals = Counter()
    for bank in found.banks:
        datas = [question.data for question in bank.questions]
        ids = [question.id for question in bank.questions]
        graph = leak_graph(datas)
        pairs = graph.pairs
        found_pairs = {frozenset((leak.source, leak.target)) for leak in graph.leaks}
        largest = largest_leak_free(frozenset(ids), pairs)
        stuck = never_drawn(ids, pairs, bank.test_size)
        singles = [question for question in bank.questions if question.type == "single_choice"]
        longest = sum(key_is_longest(question) for question in singles)
        cues = cue_warnings(bank)
        graph_time = median_seconds(lambda: leak_graph(datas), TIMING_RUNS)
        cached_leak_graph(datas)
        cached_time = median_seconds(lambda: cached_leak_graph(datas), TIMING_RUNS)
        rng = random.Random(bank.slug)
        counts: Counter = Counter()
        started = time.perf_counter()
        for _ in range(DRAWS):
            counts.update(leak_free_sample(ids, bank.test_size, pairs, rng))
        draw_time = (time.perf_counter() - started) / DRAWS
        blind = sum(any(pair <= drawn for pair in pairs)
                    for drawn in (set(rng.sample(ids, bank.test_size)) for _ in range(DRAWS))) / DRAWS
        expected = DRAWS * min(bank.test_size, largest) / len(ids)
        ratios = [counts[ident] / expected for ident in ids if ident not in stuck]
        share = f"{longest}/{len(singles)} {100 * longest / len(singles):.0f}%" if singles else "-"
        print(f"{bank.slug:<26} {len(ids):>3} {bank.test_size:>4} {len(pairs):>5} {len(found_pairs):>5} "
              f"{len(graph.excluded - found_pairs):>4} {largest:>7} {len(stuck):>5} {share:>9} {len(cues):>4} "
              f"{1000 * graph_time:>8.1f} {1000 * cached_time:>6.1f} {1e6 * draw_time:>7.0f} {min(ratios):>6.2f}–{max(ratios):.2f} {100 * blind:>5.0f}%")
        totals.update(blind=blind, questions=len(ids), pairs=len(pairs), stuck=len(stuck), longest=longest, singles=len(singles), cues=len(cues))
        if stuck:
            print(f"    never drawn: {', '.join(stuck)}")
        for cue in cues:
            print(f"    {cue.path}:{cue.line}: {cue.message}")
        if show_graph:
            for leak in graph.leaks:
                print(f"    {leak.source} → {leak.target}: “{leak.key}” in its {leak.place}")
            for pair in sorted(sorted(pair) for pair in graph.excluded - found_pairs):
                print(f"    {pair[0]} ↔ {pair[1]}: excludes")
    print("-" * len(header))
    print(f"{len(found.banks)} banks, {totals['questions']} questions: {totals['pairs']} leaking pairs kept apart, "
          f"{totals['stuck']} question(s) never drawn, single-choice keys longest {totals['longest']}/{totals['singles']} "
          f"({100 * totals['longest'] / max(totals['singles'], 1):.0f} %), {totals['cues']} cue warning(s); "
          f"a blind draw puts a leaking pair in {100 * totals['blind'] / len(found.banks):.0f} % of tests (mean over banks)")


if __name__ == "__main__":
    main()
