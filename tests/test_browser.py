"""A real browser (Debian's chromium through Playwright) opens the index and follows a lesson."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (make test installs it)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)"),
]

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def live_server(app):
    """Serve the test app on a free loopback port for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.set_default_timeout(10_000)
        yield context.new_page()
        browser.close()


def test_reader_opens_the_index_and_follows_a_lesson(live_server, page):
    page.goto(live_server + "/")
    lesson_links = page.locator("ol.lesson-list h2 a")
    assert lesson_links.count() == 11
    page.get_by_role("link", name="Kashmir").first.click()
    page.wait_for_url("**/lessons/kashmir-non-paper")
    heading = page.get_by_role("heading", level=1)
    assert "Kashmir" in heading.inner_text()
    page.get_by_role("link", name="Key facts").click()
    assert page.url.endswith("#key-facts")
    assert page.locator("#key-facts").is_visible()
