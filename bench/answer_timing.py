"""The scorer timed on the worst inputs it accepts: 300-character responses against 20,000-character bank fields
(the caps of quizzes/README.md), beside a shipped-size question. Prints the best of 5 per case; run
.venv/bin/python bench/answer_timing.py. A measurement: it always exits 0."""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.course.scoring import score  # noqa: E402


def t(label: str, data: dict, resp, n: int = 5) -> None:
    """Score ``resp`` n times; print the best time, the label and the mark."""
    best = 1e9
    for _ in range(n):
        s = time.perf_counter(); out = score(data, resp); best = min(best, time.perf_counter() - s)
    print(f"{best*1000:8.2f} ms  {label}  -> {out.score:g}")

random.seed(1)
words = "wagah attari kartarpur gilani gillani sharif nawaz kasuri qasuri mohammad muhammad jamiat ulema rehman rahman".split()
long_answer = " ".join(random.choice(words) for _ in range(2500))[:20000]
prompt = " ".join(random.choice(words + ["border", "city", "the", "of", "in"]) for _ in range(3000))[:20000]
SA = {"type": "short_answer", "prompt": prompt, "answers": [{"text": long_answer, "credit": 1.0}] * 1 +
      [{"text": long_answer[:19990] + f" x{i}", "credit": 1.0} for i in range(20)],
      "wrong_answers": [{"text": long_answer[:19980] + f" w{i}", "feedback": "no"} for i in range(20)]}
r300_names = " ".join(random.choice(words) for _ in range(60))[:300]
r300_ones = " ".join("a" for _ in range(150))[:300]
r300_filler = " ".join(random.choice(["the", "of", "in", "border", "city"]) for _ in range(80))[:300]
t("short answer, 41 answers of 20,000 chars, 20,000-char prompt; 300 chars of table names", SA, r300_names)
t("same; 150 one-letter words", SA, r300_ones)
t("same; 300 chars of prompt words (echo cuts)", SA, r300_filler)
t("same; the long answer with one typo (cut to 300)", SA, long_answer[:300])
small = {"type": "short_answer", "prompt": "Which border point?", "answers": [{"text": "Wagah", "credit": 1.0}] , "wrong_answers": []}
t("shipped-size question, 300 chars of names", small, r300_names)
CL = {"type": "cloze", "prompt": prompt, "text": prompt[:19000] + " [[b]]",
      "blanks": [{"id": "b", "accept": [long_answer] * 20, "wrong_answers": [{"text": long_answer[:19000], "feedback": "x"}] * 20}]}
t("cloze, 20 accepted + 20 wrong of 20,000 chars, 300 chars of names", CL, {"b": r300_names})
NUM = {"type": "numeric", "prompt": prompt, "answer": 1972.0, "tolerance": 0.0, "unit": "million", "units": {},
       "wrong_answers": [{"text": "1" * 19999, "feedback": "x"}] * 20 + [{"text": ("nineteen " * 2500)[:20000], "feedback": "x"}] * 20}
t("numeric, 40 wrong answers of 20,000 chars; 300 number words", NUM, ("twenty " * 50)[:300])
t("numeric; 300 digits", NUM, "9" * 300)
t("numeric; every year 1947-2019", NUM, " ".join(str(y) for y in range(1947, 2020))[:300])
t("numeric; 'hundred' x 40", NUM, ("hundred " * 40)[:300])
t("numeric; 1 hour 30 minutes x many", NUM, ("1 hour 30 minutes " * 20)[:300])
t("numeric; months and days", NUM, ("14 February " * 30)[:300])
typos = "wagha gilanni sharef kasurri mohammed muhammed jamiet ulemma rehmen rahmen attary qasurri gillanni nawazz".split()
mid = " ".join(random.choice(typos) for _ in range(40))
resp = ("border " * 6 + mid + " city" * 6)[:300]
t("respellings x echo cuts: 6 prompt words, typo'd table names, 6 prompt words", SA, resp)
small2 = {"type": "short_answer", "prompt": "Which border city?", "answers": [{"text": "Wagah border crossing point", "credit": 1.0}] * 15,
          "wrong_answers": [{"text": "Kartarpur corridor", "feedback": "x"}] * 10}
t("shipped-size question, same response", small2, resp)
