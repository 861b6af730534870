"""Browser fixtures: one chromium per session, a fresh context per page, the app on a loopback port."""

import threading

import pytest
from werkzeug.serving import make_server

from browsing import CHROMIUM, WIDTHS, write_axe_report

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (make test installs it)")

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    write_axe_report()


@pytest.fixture
def new_page(browser):
    """Factory: a page in its own context (its own cookies), desktop-sized unless told otherwise."""
    contexts = []

    def factory(width: str = "desktop", **options):
        w, h = WIDTHS[width]
        context = browser.new_context(viewport={"width": w, "height": h}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def serve():
    """Factory: serve an app on a free loopback port until the test ends; returns its base URL."""
    servers = []

    def factory(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield factory
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app, serve):
    return serve(app)
