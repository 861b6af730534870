"""deploy/nginx-cache.conf in a real nginx, in front of the app: a visitor page is kept once per language (the
switcher's cookie, else Accept-Language) and never served in the wrong one; a harmless cookie does not split it;
a signed-in learner is never answered from the cache and never leaves a page in it; a page with a form token
is never kept.

Skipped, saying why, where nginx is not installed (.ci/run installs it)."""

import importlib.util
import os
import pwd
import re
import shutil
import threading

import pytest
import requests
from werkzeug.serving import make_server

from app.config import PROJECT_ROOT

_SPEC = importlib.util.spec_from_file_location("bench_scale_out", PROJECT_ROOT / "bench" / "scale_out.py")
scale_out = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(scale_out)

HTML_LANG = re.compile(r'<html lang="([a-z]+)"')
PAGE = "/lessons/trade"


def service_user_missing() -> bool:
    if os.geteuid() != 0:
        return False
    try:
        pwd.getpwnam(scale_out.SERVICE_USER)
    except KeyError:
        return True
    return False


@pytest.fixture
def proxy(app):
    """The app on a loopback port, nginx in front of it with deploy/nginx-proxy.conf and deploy/nginx-cache.conf."""
    if not shutil.which("nginx"):
        pytest.skip("not installed: nginx (apt-get install nginx; .ci/run does)")
    if service_user_missing():
        pytest.skip(f"running as root without the user nginx runs as ({scale_out.SERVICE_USER}; .ci/postgres-up adds it)")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    folder = scale_out.temp_folder()
    try:
        with scale_out.nginx(folder, [f"http://127.0.0.1:{server.server_port}"], cache=True) as (base, _):
            yield base
    finally:
        server.shutdown()
        thread.join(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)


def fetch(base: str, path: str = PAGE, **headers) -> tuple[str, str]:
    """(the page's language, nginx's X-Cache-Status) for a visitor sending ``headers``."""
    cookie = headers.pop("cookie", None)
    response = requests.get(base + path, headers={**({"Cookie": cookie} if cookie else {}), **headers}, timeout=10)
    assert response.status_code == 200, response.text[-300:]
    return HTML_LANG.search(response.text).group(1), response.headers.get("X-Cache-Status", "")


def test_each_language_gets_its_own_copy_and_never_another(proxy):
    assert fetch(proxy, **{"Accept-Language": "ur"}) == ("ur", "MISS")
    assert fetch(proxy, **{"Accept-Language": "ur"}) == ("ur", "HIT")  # kept
    # The next visitor, in another language, is not handed the Urdu copy.
    assert fetch(proxy, **{"Accept-Language": "hi-IN,hi;q=0.9"}) == ("hi", "MISS")
    assert fetch(proxy) == ("en", "MISS")
    assert fetch(proxy) == ("en", "HIT")
    # The switcher's cookie wins over the browser's header, in the cache as in the app.
    assert fetch(proxy, cookie="lang=hi", **{"Accept-Language": "ur"}) == ("hi", "MISS")
    assert fetch(proxy, cookie="lang=hi", **{"Accept-Language": "ur"}) == ("hi", "HIT")
    assert fetch(proxy, **{"Accept-Language": "ur"}) == ("ur", "HIT")  # and the Urdu copy is still Urdu


def test_a_harmless_cookie_does_not_split_the_copy(proxy):
    assert fetch(proxy, "/glossary")[1] == "MISS"
    # app.js sets the time zone cookie; the app gives a visitor the same page with or without it.
    assert fetch(proxy, "/glossary", cookie="tz=Asia/Karachi") == ("en", "HIT")
    assert fetch(proxy, "/glossary", cookie="tz=Asia/Karachi; lang=ur") == ("ur", "MISS")


def test_a_signed_in_learner_is_never_served_from_the_cache_nor_stored_in_it(proxy):
    assert fetch(proxy)[1] == "MISS"  # a visitor's copy is in the cache
    learner = requests.Session()
    form = learner.get(proxy + "/account/register", timeout=10)
    assert form.headers["X-Cache-Status"] != "HIT"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text).group(1)
    password = "Nginx-cache-learner-2026"
    registered = learner.post(proxy + "/account/register", allow_redirects=False, timeout=10, data={
        "username": "cached_not", "password": password, "password2": password, "csrf_token": token})
    assert registered.status_code == 302
    for _ in range(2):
        page = learner.get(proxy + PAGE, timeout=10)
        assert page.headers["X-Cache-Status"] == "BYPASS" and "cached_not" in page.text  # their own page
    # Nothing of theirs reached the cache: the next visitor gets the visitor's copy.
    visitor = requests.get(proxy + PAGE, timeout=10)
    assert visitor.headers["X-Cache-Status"] == "HIT" and "cached_not" not in visitor.text


def test_a_page_with_a_form_token_is_never_kept(proxy):
    statuses = [requests.get(proxy + "/account/login", timeout=10).headers["X-Cache-Status"] for _ in range(3)]
    assert "HIT" not in statuses
