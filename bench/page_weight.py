"""What the heaviest learner pages weigh, in each language: HTML plus the CSS and JavaScript they link, as the server
sends them (the measure of tests/test_page_weight.py), over many random draws of the heaviest test (Kashmir's), before
and after it is handed in. Bytes, not time: the figures do not depend on how busy the machine is.

    .venv/bin/python bench/page_weight.py                  # 40 draws of each page, en, ur and hi
    .venv/bin/python bench/page_weight.py --baseline dc2a58a   # and English before issue 20, in the same run
    .venv/bin/python bench/page_weight.py --draws 100 --languages en

The budgets beside the figures: 100 KB in English, 125 KB in Urdu and Hindi (their letters take two or three bytes
each in UTF-8).
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import ROOT, baseline_tree, machine  # noqa: E402

BUDGETS = {"en": 100_000, "ur": 125_000, "hi": 125_000}


def measure(tree: Path, languages: list[str], draws: int, label: str) -> None:
    """Print a row a language and page: the weights of ``draws`` draws in the app of ``tree``."""
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    from flask_migrate import upgrade

    from app import create_app
    from app.course_loader import read_everything, store_course
    from tests.conftest import AuthActions, csrf_token, make_config
    from tests.test_page_weight import weight
    from tests.test_quiz import key_form, start

    folder = Path(tempfile.mkdtemp(prefix="page-weight-"))
    app = create_app(make_config(f"sqlite:///{folder}/db.sqlite3"), instance_path=str(folder / "instance"))
    with app.app_context():
        upgrade()
        lessons, banks, _ = read_everything(tree)
        store_course(lessons, banks)
    for code in languages:
        client = app.test_client()
        AuthActions(client).register(username=f"weigher-{code}")
        client.set_cookie("lang", code)
        sizes: dict[str, list[int]] = {"test": [], "result": []}
        for _ in range(draws):
            public_id = start(client, "kashmir-non-paper", mode="test")
            sizes["test"].append(weight(client, client.get(f"/attempts/{public_id}").get_data(as_text=True))[0])
            client.post(f"/attempts/{public_id}/submit", data={
                **key_form(app, public_id), "csrf_token": csrf_token(client, f"/attempts/{public_id}")})
            sizes["result"].append(weight(client, client.get(f"/attempts/{public_id}/result").get_data(as_text=True))[0])
        for page, values in sizes.items():
            over = sum(1 for value in values if value > BUDGETS[code])
            print(f"{label:18s} | {code:8s} | {page:6s} | {statistics.median(values):9,.0f} | {max(values):9,} | "
                  f"{BUDGETS[code] // 1000:3d} KB  | {over}/{len(values)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=40, help="draws of each page (default 40)")
    parser.add_argument("--languages", default="en,ur,hi")
    parser.add_argument("--baseline", help="also weigh English pages at this commit (its own process and tree)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # a tree to measure in this process: the baseline's
    args = parser.parse_args()
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    if args.worker:
        measure(Path(args.worker), ["en"], args.draws, f"before ({args.baseline})")
        return
    print(f"# bench/page_weight.py · {machine()}")
    print(f"# {args.draws} draws of each page; the Kashmir lesson's test (the heaviest bank); bytes of HTML+CSS+JS")
    print(f"{'tree':18s} | language | page   |    median |       max | budget  | draws over")
    with contextlib.ExitStack() as stack:
        if args.baseline:
            folder = stack.enter_context(baseline_tree(args.baseline))
            subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(folder), "--baseline",
                            args.baseline, "--draws", str(args.draws)], cwd=folder, check=True,
                           env={**os.environ, "PYTHONPATH": str(folder)}, stderr=subprocess.DEVNULL)
        measure(ROOT, languages, args.draws, "after")


if __name__ == "__main__":
    main()
