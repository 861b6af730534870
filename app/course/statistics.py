"""Item analysis and test statistics, as Moodle's quiz statistics report computes them.

Pure module: plain numbers in, plain numbers out. A score matrix row is one attempt, a column one
question (None = the question was not in that attempt); each score is a share of the question's
marks (0–1), and a question is worth its points (1 unless said) in totals, rest scores and alpha.

Per question
- **facility index**: mean score on the item, as a share of its mark (0–1). Very high means too
  easy, very low too hard.
- **discrimination index** (Moodle's): the Pearson correlation between the item's score and the
  score on the *rest of the test* (the total minus this item), over attempts that had the item.
  Negative means the stronger students did worse on it: a wrong key or a misleading question.
- **upper–lower 27 % difference**: the item's mean score in the top 27 % of attempts (by total)
  minus its mean in the bottom 27 %.
- **distractor analysis**: the share of attempts choosing each option.

Per test
- mean, median, standard deviation (sample, n − 1) of the total score;
- **Cronbach's alpha**: k/(k−1) · (1 − Σ item variances / total variance); for right/wrong items
  it is exactly **KR-20**;
- **standard error of measurement**: SD · √(1 − alpha).

How many answers a figure needs before it means much (``MINIMUMS``); below that the figures are
still computed, but marked as not settled and their flags as tentative.
"""

from __future__ import annotations

import math
import statistics as stats
from collections import Counter
from dataclasses import dataclass, field

from app.course.charts import item_chart
from app.course.words import N_

TOO_EASY = 0.90
TOO_HARD = 0.20
WEAK_DISCRIMINATION = 0.20
GROUP_SHARE = 0.27


@dataclass(frozen=True)
class Minimums:
    """How many first attempts each statistic needs before it is worth acting on.

    - Facility, 10 answers to the question: a share is read through the normal approximation to the
      binomial, which the textbooks allow once n·p ≥ 5 and n·(1 − p) ≥ 5, i.e. n ≥ 10 at p = 0.5
      (e.g. Moore, McCabe & Craig, *Introduction to the Practice of Statistics*, ch. 5). Even then its
      standard error √(p(1 − p)/n) is up to 0.16, so "too easy" at 90 % is a hint, not a verdict.
    - Discrimination (item–rest correlation) and the upper–lower 27 % difference, 30 answers: a
      correlation's standard error is about 1/√(n − 1), 0.19 at n = 30, as wide as the 0.2 line between
      a weak and a working question; Kelley's 27 % groups (Kelley 1939, *J. Educ. Psychol.* 30, 17–24)
      then hold 8 students each. Kromrey & Bacon (1992, *Item analysis of achievement tests based on
      small numbers of examinees*, ERIC ED348378) measure by simulation how far difficulty, discrimination,
      the item–total correlation and alpha wander in samples of 5 to 160 examinees.
    - Cronbach's alpha (and the SEM built on it), 30 students who answered every question: Yurdugül
      (2008, *Hacettepe Univ. J. Educ.* 35, 397–405) found alpha unbiased and stable from n = 30 when
      the items hang together well, and worse below; Bonett (2002, *J. Educ. Behav. Stat.* 27, 335–340)
      gives sample sizes of that order for a useful interval around alpha.
    """

    facility: int = 10
    discrimination: int = 30
    alpha: int = 30


MINIMUMS = Minimums()


@dataclass(frozen=True)
class ItemStats:
    item: str
    attempts: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    upper_lower: float | None
    flags: tuple[str, ...] = ()
    tentative: tuple[str, ...] = ()  # the flags raised on a figure from too few answers

    @property
    def facility_settled(self) -> bool:
        """Enough answers for the facility (and the item's SD) to be worth acting on."""
        return self.attempts >= MINIMUMS.facility

    @property
    def discrimination_settled(self) -> bool:
        """Enough answers for the discrimination and the upper–lower difference to be worth acting on."""
        return self.attempts >= MINIMUMS.discrimination


@dataclass(frozen=True)
class TestStats:
    attempts: int
    items: int
    mean: float | None
    median: float | None
    sd: float | None
    alpha: float | None
    sem: float | None
    max_score: float
    complete: int = 0  # attempts that had every question: alpha and the SEM come from these alone

    @property
    def alpha_settled(self) -> bool:
        """Enough complete attempts for alpha (and the SEM) to be worth acting on."""
        return self.complete >= MINIMUMS.alpha


@dataclass
class Analysis:
    test: TestStats
    items: list[ItemStats] = field(default_factory=list)
    minimums: Minimums = MINIMUMS

    @property
    def chart(self) -> dict:
        """The geometry of the facility and discrimination chart, with the lines questions are flagged at."""
        return item_chart(self.items, TOO_HARD, TOO_EASY, WEAK_DISCRIMINATION)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation; None when either side has no spread or fewer than 2 pairs."""
    if len(xs) < 2:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def sample_sd(values: list[float]) -> float | None:
    return stats.stdev(values) if len(values) >= 2 else None


def cronbach_alpha(matrix: list[list[float]]) -> float | None:
    """Alpha for a complete matrix (rows = attempts, columns = items); KR-20 for 0/1 items."""
    if len(matrix) < 2 or not matrix[0] or len(matrix[0]) < 2:
        return None
    k = len(matrix[0])
    totals = [sum(row) for row in matrix]
    total_variance = stats.variance(totals)
    if total_variance == 0:
        return None
    item_variance = sum(stats.variance([row[j] for row in matrix]) for j in range(k))
    return k / (k - 1) * (1 - item_variance / total_variance)


def _flags(facility: float | None, discrimination: float | None, answers: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The question's flags, and those of them that rest on a figure from too few answers."""
    flags, tentative = [], []
    for flag, raised, needs in (
            (N_("too easy"), facility is not None and facility >= TOO_EASY, MINIMUMS.facility),
            (N_("too hard"), facility is not None and facility <= TOO_HARD, MINIMUMS.facility),
            (N_("negative discrimination"), discrimination is not None and discrimination < 0, MINIMUMS.discrimination),
            (N_("weak discrimination"), discrimination is not None and 0 <= discrimination < WEAK_DISCRIMINATION,
             MINIMUMS.discrimination)):
        if raised:
            flags.append(flag)
            if answers < needs:
                tentative.append(flag)
    return tuple(flags), tuple(tentative)


def analyse(item_ids: list[str], rows: list[dict[str, float | None]], points: dict[str, float] | None = None) -> Analysis:
    """Item and test statistics for attempts ``rows`` (item id → score in [0, 1], or None if absent), each
    question weighing its ``points`` (1 where not given) in the totals, as the attempts' own totals do."""
    weight = {item: float((points or {}).get(item, 1)) for item in item_ids}
    totals = [sum(score * weight.get(item, 1.0) for item, score in row.items() if score is not None) for row in rows]
    order = sorted(range(len(rows)), key=lambda i: totals[i])
    group = max(1, round(GROUP_SHARE * len(rows))) if rows else 0
    lower, upper = set(order[:group]), set(order[-group:]) if group else set()
    items = []
    for item in item_ids:
        present = [i for i, row in enumerate(rows) if row.get(item) is not None]
        scores = [rows[i][item] for i in present]
        rest = [totals[i] - rows[i][item] * weight[item] for i in present]
        facility = sum(scores) / len(scores) if scores else None
        discrimination = pearson(scores, rest)
        up = [rows[i][item] for i in present if i in upper]
        low = [rows[i][item] for i in present if i in lower]
        upper_lower = (sum(up) / len(up) - sum(low) / len(low)) if up and low else None
        items.append(ItemStats(item, len(scores), facility, sample_sd(scores), discrimination, upper_lower,
                               *_flags(facility, discrimination, len(scores))))
    complete = [[row[item] * weight[item] for item in item_ids] for row in rows
                if all(row.get(item) is not None for item in item_ids)]
    alpha = cronbach_alpha(complete)
    sd = sample_sd(totals)
    test = TestStats(
        attempts=len(rows), items=len(item_ids),
        mean=sum(totals) / len(totals) if totals else None,
        median=stats.median(totals) if totals else None, sd=sd, alpha=alpha,
        sem=sd * math.sqrt(1 - alpha) if sd is not None and alpha is not None and alpha <= 1 else None,
        max_score=sum(weight.values()), complete=len(complete),
    )
    return Analysis(test, items)


def distractors(option_ids: list[str], responses: list[object]) -> dict[str, float]:
    """Share of responses choosing each option (a multiple-response pick counts for each option picked)."""
    counts: Counter[str] = Counter()
    for response in responses:
        picks = response if isinstance(response, list) else [response]
        counts.update(pick for pick in picks if pick in option_ids)
    total = len(responses)
    return {option: (counts[option] / total if total else 0.0) for option in option_ids}
