"""FSRS parameters fitted to this course's review log, and how well any parameter set predicts recall.

Pure: takes logged reviews as plain data, imports nothing from Flask or the database.

From log to items, as fsrs-rs expects (its ``FSRSItem`` docs and the convertor its tests use, which Anki shares):
each card's reviews in time order; ``delta_t`` is the number of the learner's calendar days since the card's
previous review (0 for the first review and for a second review on the same day); every review after the first
that comes a day or more after the previous one is one item, carrying the card's whole history up to and including
it. Same-day reviews stay in later items' histories but are never predicted themselves (fsrs-rs's convertor drops
items whose last review has ``delta_t`` 0: the forgetting curve says nothing about them).

How a prediction is scored: the card's memory state after the history (fsrs-rs, the same FSRS-6 model py-fsrs
runs), then py-fsrs's forgetting curve ``R = (1 + factor * t / S) ** -decay`` with ``decay = w[20]`` and ``factor``
such that R is 0.9 when t = S. Log loss is the mean binary cross-entropy of "recalled" (any rating above Again);
RMSE (bins) groups reviews the way fsrs-rs's ``evaluate`` and the srs-benchmark do (by elapsed days, number of
earlier day-apart reviews and number of lapses, each on a log scale) and weighs each group's squared gap between
mean prediction and mean recall by its size. Every review counts alike, as in the srs-benchmark (fsrs-rs's own
``evaluate`` weighs later items more, so only single items compare exactly with it).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from fsrs_rs_python import DEFAULT_PARAMETERS as RS_DEFAULTS
from fsrs_rs_python import FSRS, FSRSItem, FSRSReview

from app.course.clock import UTC, local_day

# fsrs-rs's own thresholds (FSRS::compute_parameters in
# https://github.com/open-spaced-repetition/fsrs-rs/blob/main/src/training.rs): with fewer than 8 training items it
# returns the default parameters; with fewer than 64 it fits only the four initial stabilities, keeping the defaults.
# A fit is tried from 64 items, where fsrs-rs fits every parameter (its outlier filter may still leave fewer; then
# only the initial stabilities are fitted, and the fit says so: ``Fit.partial``).
MIN_ITEMS = 64
HELD_OUT_SHARE = 0.2  # the latest fifth of the reviews is kept back to judge a fit (a chronological split)
CALIBRATION_BINS = 20  # equal-width bins of predicted recall, 0-5 %, ..., 95-100 % (most reviews fall above 70 %)
PROBABILITY_FLOOR = 1e-6  # keeps log loss finite if a prediction rounds to exactly 0 or 1
# fsrs-rs clips parameters to its bounds in float32: 0.8 comes back as 0.800000011920929, which py-fsrs's Scheduler
# (the app's) refuses. A value this close to one of py-fsrs's bounds is put back on it; one further out is refused.
BOUND_SLACK = 1e-6


@dataclass(frozen=True)
class LoggedReview:
    """One row of the review log: whose card, which card, when (UTC) and the rating, 1 (Again) to 4 (Easy)."""

    owner: str
    card_id: int
    reviewed_at: datetime
    rating: int


@dataclass(frozen=True)
class Example:
    """One review to predict: the card's (rating, delta_t) history up to and including it."""

    owner: str
    card_id: int
    reviewed_at: datetime
    reviews: tuple[tuple[int, int], ...]

    @property
    def recalled(self) -> bool:
        return self.reviews[-1][0] > 1

    @property
    def elapsed_days(self) -> int:
        return self.reviews[-1][1]

    def item(self) -> FSRSItem:
        """The fsrs-rs item: history and the review itself."""
        return FSRSItem([FSRSReview(rating, delta_t) for rating, delta_t in self.reviews])

    def history(self) -> FSRSItem:
        """The fsrs-rs item of the reviews before this one (what the prediction may know)."""
        return FSRSItem([FSRSReview(rating, delta_t) for rating, delta_t in self.reviews[:-1]])


@dataclass(frozen=True)
class Fit:
    """What the optimiser made of some examples: parameters, or None and the reason in a few words."""

    parameters: tuple[float, ...] | None
    items: int
    reason: str = ""
    partial: bool = False  # fsrs-rs fitted only the initial stabilities (its outlier filter left under 64 items)


@dataclass(frozen=True)
class CalibrationRow:
    low: float
    high: float
    predicted: float  # mean predicted recall of the reviews in the bin
    observed: float  # share of them actually recalled
    count: int


@dataclass(frozen=True)
class Evaluation:
    count: int
    log_loss: float
    rmse_bins: float
    calibration: tuple[CalibrationRow, ...]


def examples_from_log(rows: Iterable[LoggedReview], zones: Mapping[str, ZoneInfo] | None = None) -> list[Example]:
    """Every predictable review in the log, oldest first; days are counted in each owner's zone (UTC if unknown)."""
    zones = zones or {}
    cards: dict[tuple[str, int], list[LoggedReview]] = defaultdict(list)
    for row in rows:
        cards[(row.owner, row.card_id)].append(row)
    examples = []
    for (owner, card_id), reviews in cards.items():
        reviews.sort(key=lambda row: row.reviewed_at)
        tz = zones.get(owner, UTC)
        days = [local_day(row.reviewed_at, tz) for row in reviews]
        history = [(reviews[0].rating, 0)]
        for index in range(1, len(reviews)):
            history.append((reviews[index].rating, (days[index] - days[index - 1]).days))
            if history[-1][1] > 0:
                examples.append(Example(owner, card_id, reviews[index].reviewed_at, tuple(history)))
    examples.sort(key=lambda example: (example.reviewed_at, example.owner, example.card_id))
    return examples


def split_by_time(examples: Sequence[Example],
                  held_out_share: float = HELD_OUT_SHARE) -> tuple[list[Example], list[Example]]:
    """Earlier examples to fit on, the latest ``held_out_share`` of them (at least one) to judge the fit with."""
    ordered = sorted(examples, key=lambda example: example.reviewed_at)
    held_out = max(1, round(len(ordered) * held_out_share)) if ordered else 0
    return ordered[:len(ordered) - held_out], ordered[len(ordered) - held_out:]


def fit(examples: Sequence[Example]) -> Fit:
    """Parameters fsrs-rs fits to the examples, from its defaults; None with a reason when it cannot or should not."""
    if len(examples) < MIN_ITEMS:
        return Fit(None, len(examples), f"too few reviews to fit ({len(examples)} of the {MIN_ITEMS} needed)")
    try:
        fitted = FSRS(RS_DEFAULTS).compute_parameters([example.item() for example in examples])
    except Exception as error:  # the binding raises plain exceptions; any of them means: keep the defaults
        return Fit(None, len(examples), f"the optimiser failed ({str(error) or type(error).__name__})")
    parameters = tuple(float(value) for value in fitted)
    if len(parameters) != len(RS_DEFAULTS) or not all(math.isfinite(value) for value in parameters):
        return Fit(None, len(examples), "the optimiser returned unusable numbers (NaN or infinite)")
    parameters = within_bounds(parameters)
    if parameters is None:
        return Fit(None, len(examples), "the optimiser returned parameters outside py-fsrs's bounds")
    if same(parameters, RS_DEFAULTS):
        return Fit(None, len(examples), "too few reviews left after fsrs-rs's outlier filter")
    return Fit(parameters, len(examples), partial=same(parameters[4:], RS_DEFAULTS[4:]))


def within_bounds(parameters: Sequence[float]) -> tuple[float, ...] | None:
    """The parameters as py-fsrs accepts them (float32 rounding past a bound put back on it), or None."""
    bounded = []
    for value, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS):
        if not low - BOUND_SLACK <= value <= high + BOUND_SLACK:
            return None
        bounded.append(min(high, max(low, value)))
    return tuple(bounded)


def same(first: Sequence[float], second: Sequence[float]) -> bool:
    """Equal to float32 precision (fsrs-rs computes in float32)."""
    return len(first) == len(second) and all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-7) for a, b in zip(first, second))


def forgetting_curve(elapsed_days: float, stability: float, parameters: Sequence[float]) -> float:
    """py-fsrs's retrievability after ``elapsed_days`` at ``stability`` (FSRS-6: the decay is the 21st parameter)."""
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * elapsed_days / stability) ** decay


def predict(parameters: Sequence[float], examples: Sequence[Example]) -> list[float]:
    """Predicted recall of each example under ``parameters``."""
    if not examples:
        return []
    states = FSRS(list(parameters)).memory_state_batch([example.history() for example in examples])
    return [forgetting_curve(example.elapsed_days, state.stability, parameters) for example, state in zip(examples, states)]


def evaluate(parameters: Sequence[float], examples: Sequence[Example]) -> Evaluation:
    """Log loss, RMSE (bins) and calibration of ``parameters`` on ``examples``."""
    return score(predict(parameters, examples), examples)


def score(predictions: Sequence[float], examples: Sequence[Example]) -> Evaluation:
    """Log loss, RMSE (bins) and calibration of any predictions of the examples' recall."""
    if not examples:
        return Evaluation(0, math.nan, math.nan, ())
    outcomes = [1.0 if example.recalled else 0.0 for example in examples]
    clipped = [min(1 - PROBABILITY_FLOOR, max(PROBABILITY_FLOOR, p)) for p in predictions]
    loss = -sum(y * math.log(p) + (1 - y) * math.log(1 - p) for p, y in zip(clipped, outcomes)) / len(examples)
    return Evaluation(len(examples), loss, rmse_bins(predictions, outcomes, [r_matrix_bin(e) for e in examples]),
                      calibration(predictions, outcomes))


def r_matrix_bin(example: Example) -> tuple[int, int, int]:
    """fsrs-rs's ``FSRSItem::r_matrix_index`` (the srs-benchmark's RMSE bins): elapsed days, review count, lapses."""
    delta_t = example.elapsed_days
    delta_t_bin = round(2.48 * 3.62 ** math.floor(math.log(delta_t) / math.log(3.62)) * 100)
    length = sum(1 for _, days in example.reviews if days > 0) + 1
    length_bin = round(1.99 * 1.89 ** math.floor(math.log(length) / math.log(1.89)))
    lapses = sum(1 for rating, days in example.reviews[:-1] if rating == 1 and days > 0)
    lapse_bin = round(1.65 * 1.73 ** math.floor(math.log(lapses) / math.log(1.73))) if lapses else 0
    return delta_t_bin, length_bin, lapse_bin


def rmse_bins(predictions: Sequence[float], outcomes: Sequence[float], bins: Sequence[tuple]) -> float:
    """Root of the count-weighted mean squared gap between each bin's mean prediction and mean outcome."""
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for p, y, key in zip(predictions, outcomes, bins):
        sums[key][0] += p
        sums[key][1] += y
        sums[key][2] += 1
    total = sum(count for _, _, count in sums.values())
    return math.sqrt(sum((p / count - y / count) ** 2 * count for p, y, count in sums.values()) / total)


def calibration(predictions: Sequence[float], outcomes: Sequence[float],
                bins: int = CALIBRATION_BINS) -> tuple[CalibrationRow, ...]:
    """Per equal-width bin of predicted recall (empty bins left out): mean prediction, share recalled, count."""
    groups: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for p, y in zip(predictions, outcomes):
        groups[min(bins - 1, int(p * bins))].append((p, y))
    return tuple(CalibrationRow(index / bins, (index + 1) / bins, sum(p for p, _ in group) / len(group),
                                sum(y for _, y in group) / len(group), len(group))
                 for index, group in sorted(groups.items()))
