"""Scale-out for real (bench/scale_out.py's pieces): two gunicorn instances behind nginx, PostgreSQL through
PgBouncer in transaction mode, Redis for rate limits and the version signal.

Runs once, in the SQLite pass of the suite (it starts its own PostgreSQL); skipped, saying why, where
postgres, pgbouncer, redis-server or nginx is not installed (.ci/run installs them).
"""

import importlib.util
import os
import re
import shutil
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from app import create_app
from app.config import PROJECT_ROOT
from tests.conftest import make_config

_SPEC = importlib.util.spec_from_file_location("bench_scale_out", PROJECT_ROOT / "bench" / "scale_out.py")
scale_out = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(scale_out)

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RADIO = re.compile(r'name="(q\d+)" value="([^"]+)"')
PASSWORD = "Scale-out-student-2026"
LOGIN_LIMIT = 4  # wrong logins per address per minute, counted in Redis


@pytest.fixture(scope="module")
def stack():
    """Two app instances behind nginx on a fresh database; everything stops when the module ends."""
    if os.environ.get("BACKCHANNEL_TEST_POSTGRES"):
        pytest.skip("runs in the SQLite pass only: it starts its own PostgreSQL, PgBouncer, Redis and nginx")
    missing = scale_out.missing_tools()
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (apt-get install postgresql pgbouncer redis-server nginx; .ci/run does)")
    folder = scale_out.temp_folder()
    try:
        with scale_out.services(folder) as shared:
            database = scale_out.fresh_database(shared, LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per minute")
            with scale_out.instances(database.env, 2, workers=2) as (bases, _), \
                    scale_out.nginx(folder, bases) as (proxy, _):
                yield {"proxy": proxy, "a": bases[0], "b": bases[1], "database": database, "folder": folder}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def token_of(response: requests.Response) -> str:
    return TOKEN.search(response.text).group(1)


def register(base: str, session: requests.Session, username: str) -> None:
    form = session.get(f"{base}/account/register")
    answer = session.post(f"{base}/account/register", allow_redirects=False, data={
        "username": username, "password": PASSWORD, "password2": PASSWORD, "csrf_token": token_of(form)})
    assert answer.status_code == 302, answer.text[-500:]


def quiz_round(base: str, session: requests.Session) -> tuple[str, str]:
    """Quiz page, start, attempt page, submit, result: (the attempt's public id, the result page)."""
    token = token_of(session.get(f"{base}/lessons/trade/quiz"))
    started = session.post(f"{base}/lessons/trade/quiz/start", data={"mode": "test", "csrf_token": token}, allow_redirects=False)
    assert started.status_code == 302
    attempt = started.headers["Location"].split("://", 1)[-1].split("/", 1)[-1]
    page = session.get(f"{base}/{attempt}")
    answers = {}
    for field, value in RADIO.findall(page.text):
        answers.setdefault(field, value)
    submitted = session.post(f"{base}/{attempt}/submit", data={**answers, "csrf_token": token}, allow_redirects=False)
    assert submitted.status_code == 302 and submitted.headers["Location"].endswith("/result")
    result = session.get(f"{base}/{attempt}/result")
    assert result.status_code == 200
    return attempt.rsplit("/", 1)[-1], result.text


def test_a_learner_registers_through_the_proxy_and_finishes_a_quiz_round(stack):
    learner = requests.Session()
    register(stack["proxy"], learner, "proxied-learner")
    attempt, result = quiz_round(stack["proxy"], learner)
    assert "You scored" in result
    # Logged in on every instance: the same key, sessions kept in the shared database, no sticky sessions needed.
    for instance in (stack["a"], stack["b"]):
        assert "proxied-learner" in learner.get(f"{instance}/dashboard").text
    assert scale_out.check_database(stack["database"].direct_url, [attempt]) == (0, 0)


def test_answers_sent_to_both_instances_at_once_are_all_stored(stack):
    learners = []
    for number, instance in enumerate((stack["a"], stack["b"]) * 3):
        session = requests.Session()
        register(instance, session, f"busy-{number}")
        learners.append((instance, session))
    with ThreadPoolExecutor(len(learners)) as pool:
        acknowledged = [attempt for attempt, _ in pool.map(lambda pair: quiz_round(*pair), learners)]
    assert len(set(acknowledged)) == len(learners)
    assert scale_out.check_database(stack["database"].direct_url, acknowledged) == (0, 0)


def wrong_login(base: str, session: requests.Session, address: str) -> int:
    form = session.get(f"{base}/account/login", headers={"X-Forwarded-For": address})
    return session.post(f"{base}/account/login", headers={"X-Forwarded-For": address}, data={
        "username": f"nobody-{uuid.uuid4().hex[:8]}", "password": "not it", "csrf_token": token_of(form)}).status_code


def test_a_rate_limit_is_counted_once_across_both_instances(stack):
    session = requests.Session()
    address = "203.0.113.7"  # what nginx would forward: the app trusts one hop
    statuses = [wrong_login(stack["a"] if n % 2 == 0 else stack["b"], session, address) for n in range(LOGIN_LIMIT)]
    assert statuses == [400] * LOGIN_LIMIT  # each instance saw only half the limit
    for instance in (stack["a"], stack["b"]):
        refused = wrong_login(instance, session, address)
        assert refused == 429
    assert wrong_login(stack["a"], session, "203.0.113.8") == 400  # counted per address, not for everyone


def test_a_course_loaded_behind_one_instance_reaches_the_other_within_the_poll_interval(stack, tmp_path):
    seen_by = {}
    for name in ("a", "b"):
        seen_by[name] = requests.get(f"{stack[name]}/").text
        assert "Cricket brought leaders together" not in seen_by[name]
    course = tmp_path / "course"
    for part in ("lessons", "quizzes"):
        shutil.copytree(PROJECT_ROOT / part, course / part)
    lesson = course / "lessons" / "role-of-sports.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(re.sub(r"(?m)^summary: .*$", "summary: Cricket brought leaders together across the border.", text, count=1),
                      encoding="utf-8")
    env = {**stack["database"].env, "DATABASE_URL": stack["database"].direct_url, "BACKCHANNEL_COURSE_DIR": str(course)}
    loaded = subprocess.run([str(scale_out.BIN / "flask"), "--app", "app", "course", "load"], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    deadline = time.monotonic() + 15  # the poll interval is 1 s per process; a course load itself takes a few
    for name in ("a", "b"):
        while "Cricket brought leaders together" not in requests.get(f"{stack[name]}/").text:
            assert time.monotonic() < deadline, f"instance {name} never showed the new course"
            time.sleep(0.2)


def prepared_twice_across_server_connections(url: str, prepare_threshold: int | None) -> None:
    """Run one statement, let another client take that server connection, then run it again."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True, prepare_threshold=prepare_threshold) as learner, \
            psycopg.connect(conninfo, autocommit=True) as other:
        learner.execute("SELECT count(*) FROM lesson WHERE slug = %s", ["trade"])  # its transaction ends here
        with other.transaction():
            other.execute("SELECT 1")  # holds the only idle server connection: the learner gets a new one
            learner.execute("SELECT count(*) FROM lesson WHERE slug = %s", ["trade"])


def test_behind_pgbouncer_the_app_prepares_no_statement_on_the_server(stack):
    pooled = stack["database"].env["DATABASE_URL"]
    with pytest.raises(psycopg.errors.InvalidSqlStatementName):  # why DATABASE_POOLER exists: PgBouncer 1.18 loses it
        prepared_twice_across_server_connections(pooled, prepare_threshold=0)
    prepared_twice_across_server_connections(pooled, prepare_threshold=None)
    app = create_app(make_config(pooled, DATABASE_POOLER="pgbouncer"), instance_path=str(stack["folder"] / "instance"))
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["prepare_threshold"] is None
