"""Screenshots and page weights of the learner's pages, for one checkout (run it on two to compare).

    python bench/ux_pages.py [--checkout DIR] [--out DIR] [--label NAME]

Serves the checkout's app (its own code, this virtualenv) on a loopback port with a throw-away SQLite
database, then walks a new learner through it in Debian's chromium: the home page as a visitor, register,
read the first lesson, take its test (the first choice of every question, so some are wrong), the result,
a review card (the learner's cards are made due with one UPDATE, as if days had passed), the home page and
the dashboard. Each page is captured at 375 and 1280 px in the light theme and at 1280 px in the dark theme:
its first screen as OUT/<label>/<page>-<width>[-dark].png and, in the light theme, the whole page (cut at
4,000 px) as <page>-<width>-full.png. It prints each page's weight: HTML + CSS + JavaScript bytes as sent, before images. bench/ux_before_after.sh runs it on
a baseline commit and on the working tree in one go.
"""

import argparse
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple 42"
WIDTHS = {"375": (375, 812), "1280": (1280, 900)}
MAX_HEIGHT = 4000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(checkout: Path, folder: Path) -> tuple[subprocess.Popen, str, Path]:
    """Migrate, load the course and serve the checkout's app; returns the server, its URL and its database."""
    database = folder / "ux.sqlite"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": secrets.token_hex(16),
           "BACKCHANNEL_COURSE_DIR": str(checkout), "PYTHONPATH": str(checkout)}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for command in (["db", "upgrade"], ["course", "load"]):
        subprocess.run(flask + command, cwd=checkout, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(flask + ["run", "--port", str(port)], cwd=checkout, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return server, url, database
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the app did not start")


def weigh(page) -> dict[str, int]:
    """Bytes of the page's HTML, CSS and JavaScript, as the server sent them (images and fonts left out)."""
    sizes: dict[str, int] = {}

    def on_response(response) -> None:
        kind = response.request.resource_type
        if kind in ("document", "stylesheet", "script") and response.status < 400:
            try:
                sizes[response.url] = len(response.body())
            except Exception:  # a redirect or an aborted request has no body
                pass
    page.on("response", on_response)
    return sizes


class Walk:
    """One learner's walk, captured page by page."""

    def __init__(self, browser, base: str, out: Path) -> None:
        self.browser, self.base, self.out = browser, base, out
        self.weights: dict[str, int] = {}
        self.state: dict | None = None

    def context(self, width: str, dark: bool = False):
        w, h = WIDTHS[width]
        context = self.browser.new_context(viewport={"width": w, "height": h}, storage_state=self.state,
                                           color_scheme="dark" if dark else "light", timezone_id="Asia/Karachi")
        context.set_default_timeout(15_000)
        return context

    def capture(self, name: str, url: str) -> None:
        """The page at a URL, at each width and theme; its weight measured on the 1280 px light load."""
        for width, dark in (("1280", False), ("375", False), ("1280", True)):
            context = self.context(width, dark)
            page = context.new_page()
            sizes = weigh(page)
            page.goto(url)
            page.wait_for_load_state("networkidle")
            if width == "1280" and not dark:
                self.weights[name] = sum(sizes.values())
            stem = self.out / f"{name}-{width}{'-dark' if dark else ''}"
            page.screenshot(path=f"{stem}.png")
            if not dark:
                height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
                page.screenshot(path=f"{stem}-full.png", full_page=True,
                                clip={"x": 0, "y": 0, "width": WIDTHS[width][0], "height": height})
            context.close()


def take_test(page, base: str) -> str:
    """Start the first lesson's test, answer every question with its first choice, submit; the result URL."""
    page.goto(base + "/lessons/introduction/quiz")
    page.get_by_role("button", name="Start a test").click()
    page.wait_for_load_state()
    test_url = page.url
    for question in page.locator("fieldset.question, .question").all():
        for selector in ("input[type=radio]", "input[type=checkbox]"):
            box = question.locator(selector)
            if box.count():
                box.first.check(force=True)
                break
        for field in question.locator("input[type=text], input:not([type]), textarea").all():
            field.fill("Track two")
        for select in question.locator("select").all():
            options = select.locator("option")
            if options.count() > 1:
                select.select_option(index=1, force=True)
    page.evaluate("""() => { const form = [...document.forms].find(f => /submit|summary/.test(f.action));
                             (form.requestSubmit ? form.requestSubmit() : form.submit()); }""")
    page.wait_for_load_state()
    confirm = page.get_by_role("button", name="Submit and finish")
    if confirm.count():
        confirm.first.click()
        page.wait_for_load_state()
    return test_url, page.url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--out", type=Path, default=ROOT / "test-output" / "ux")
    parser.add_argument("--label", default="now")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Debian's chromium is not installed (apt-get install chromium)")
    out = args.out / args.label
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server, base, database = serve(args.checkout.resolve(), Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
                walk = Walk(browser, base, out)
                walk.capture("home-visitor", base + "/")
                context = walk.context("1280")
                page = context.new_page()
                page.goto(base + "/account/register")
                page.get_by_label("Username").fill("ayesha")
                page.get_by_label("Password", exact=True).fill(PASSWORD)
                page.get_by_label("Repeat the password").fill(PASSWORD)
                page.get_by_role("button", name="Create my account").click()
                page.wait_for_load_state()
                page.goto(base + "/lessons/introduction")
                test_url, result_url = take_test(page, base)
                walk.state = context.storage_state()
                context.close()
                walk.capture("lesson", base + "/lessons/introduction")
                walk.capture("result", result_url)
                with sqlite3.connect(database) as connection:  # as if the cards had come due days later
                    connection.execute("UPDATE review_card SET due = '2000-01-01 00:00:00.000000'")
                walk.capture("review", base + "/review")
                walk.capture("home-learner", base + "/")
                walk.capture("dashboard", base + "/me")
                # A fresh test to show the test page itself (the first one is submitted).
                context = walk.context("1280")
                page = context.new_page()
                page.goto(base + "/lessons/introduction/quiz")
                page.get_by_role("button", name="Start a test").click()
                page.wait_for_load_state()
                fresh_test = page.url
                context.close()
                walk.capture("test", fresh_test)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"| page ({args.label}) | HTML+CSS+JS bytes |")
    print("|---|---|")
    for name, size in walk.weights.items():
        print(f"| {name} | {size:,} |")
    print(f"screenshots: {out}")


if __name__ == "__main__":
    main()
