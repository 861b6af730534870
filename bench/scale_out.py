"""Scale-out on one machine, for real: the Locust profile against 1 and then 2 Backchannel instances.

Everything runs on loopback from one temporary folder and is stopped at the end (also on Ctrl-C or an
error): a throw-away PostgreSQL, PgBouncer in transaction mode in front of it, Redis (rate limits and
the version signal), N gunicorn instances of the app (DATABASE_URL through PgBouncer,
DATABASE_POOLER=pgbouncer, the same SECRET_KEY, BACKCHANNEL_PROXY_HOPS=1) and nginx balancing across
them with deploy/nginx-proxy.conf. Each run gets a fresh database, migrated and loaded directly against
PostgreSQL (migrations need session features a transaction pooler does not keep).

Prints, per run: per-step p50/p95/p99, requests/s and failures (Locust's CSV), the CPU time each
component spent per request (from /proc), and the database check for lost or half-stored answers.

    .venv/bin/python bench/scale_out.py                      # 300 students, 5 minutes, 1 then 2 instances
    .venv/bin/python bench/scale_out.py --short              # CI's version: about 30 s per run, few students
    .venv/bin/python bench/scale_out.py --students 100 --minutes 2 --instances 1,2,3
"""

import argparse
import contextlib
import csv
import dataclasses
import datetime
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import (BIN, ROOT, check_database, database_url, free_port, gunicorn, keep_csv, locust_stats,  # noqa: E402
                      postgres, prepare, read_acknowledged, run_locust, stop)

DEPLOY = ROOT / "deploy"
# The user PostgreSQL runs as when we are root (.ci/postgres-up); PgBouncer refuses to run as root.
SERVICE_USER = "bc-postgres"
TOOLS = ("pg_ctl", "pgbouncer", "redis-server", "nginx")


def missing_tools() -> list[str]:
    """The programs this bench needs that are not installed."""
    found = {tool: shutil.which(tool) or (tool == "pg_ctl" and any(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")))
             for tool in TOOLS}
    return [tool for tool, where in found.items() if not where]


def as_service_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVICE_USER, "--", *command] if os.geteuid() == 0 else command


def service_folder(folder: Path, name: str) -> Path:
    """A folder the service user can write to (it is the owner when we run as root)."""
    path = folder / name
    path.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(path, SERVICE_USER)
    return path


def wait_for_port(port: int, process: subprocess.Popen, name: str, log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"{name} did not start on port {port}: {text}")


@contextlib.contextmanager
def running(command: list[str], port: int, name: str, log: Path):
    """A server process in the foreground of its own, stopped with SIGTERM (SIGKILL after 10 s)."""
    with open(log, "ab") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, process, name, log)
        yield process
    finally:
        stop(process, 10)


@contextlib.contextmanager
def pgbouncer(folder: Path, postgres_port: int):
    """PgBouncer in transaction mode on a free port, in front of every database of the server."""
    here = service_folder(folder, "pgbouncer")
    port = free_port()
    (here / "userlist.txt").write_text('"postgres" ""\n')
    (here / "pgbouncer.ini").write_text(f"""[databases]
* = host=127.0.0.1 port={postgres_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {here}/userlist.txt
pidfile = {here}/pgbouncer.pid
{(DEPLOY / "pgbouncer-pool.ini").read_text()}""")
    if os.geteuid() == 0:
        for child in here.iterdir():
            shutil.chown(child, SERVICE_USER)
    with running(as_service_user(["pgbouncer", str(here / "pgbouncer.ini")]), port, "PgBouncer", here / "pgbouncer.log") as process:
        yield port, process


@contextlib.contextmanager
def redis(folder: Path):
    """A redis-server on a free port that keeps nothing on disk."""
    here = service_folder(folder, "redis")
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(here)]
    with running(as_service_user(command), port, "Redis", here / "redis.log") as process:
        yield f"redis://127.0.0.1:{port}/0", process


@contextlib.contextmanager
def nginx(folder: Path, backends: list[str], cache: bool = False):
    """nginx on a free port balancing across ``backends`` (base URLs) with deploy/nginx-proxy.conf, and with
    ``cache`` deploy/nginx-cache.conf too (its cache in the run's folder, declared as the file's comment says)."""
    here = service_folder(folder, f"nginx-{free_port()}")
    port = free_port()
    servers = "\n".join(f"    server {base.removeprefix('http://')};" for base in backends)
    temp = "\n".join(f"  {kind}_temp_path {here}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    cache_path = (f"  proxy_cache_path {here}/cache levels=1:2 keys_zone=backchannel_pages:10m max_size=100m inactive=10m"
                  " use_temp_path=off;") if cache else ""
    cache_include = f'      include {DEPLOY / "nginx-cache.conf"};' if cache else ""
    (here / "nginx.conf").write_text(f"""daemon off;
pid {here}/nginx.pid;
error_log stderr warn;
worker_processes 1;
events {{ worker_connections 4096; }}
http {{
  access_log off;
{temp}
{cache_path}
  upstream backchannel {{
    least_conn;
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://backchannel;
      include {DEPLOY / "nginx-proxy.conf"};
{cache_include}
    }}
  }}
}}
""")
    command = as_service_user(["nginx", "-p", str(here), "-c", str(here / "nginx.conf"), "-e", "stderr"])
    with running(command, port, "nginx", here / "nginx.log") as process:
        yield f"http://127.0.0.1:{port}", process


def temp_folder() -> Path:
    """A new folder for everything a run starts; the service user reaches its own subfolders."""
    folder = Path(tempfile.mkdtemp(prefix="backchannel-scale-out-"))
    folder.chmod(0o755)
    return folder


@dataclasses.dataclass
class Services:
    """The shared services every app instance uses."""

    folder: Path
    server_url: str          # PostgreSQL itself (migrations, course loads, the database check)
    pgbouncer_port: int
    redis_url: str
    pids: dict               # component name → the pid whose process tree is that component


@contextlib.contextmanager
def services(folder: Path):
    """PostgreSQL, PgBouncer in front of it and Redis; everything stops when the block ends."""
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(postgres())
        if server is None:
            raise RuntimeError("PostgreSQL did not start")
        postgres_port = int(server.url.rsplit(":", 1)[1])
        bouncer_port, bouncer = stack.enter_context(pgbouncer(folder, postgres_port))
        redis_url, redis_process = stack.enter_context(redis(folder))
        postmaster = int((Path(server.folder) / "data" / "postmaster.pid").read_text().split()[0])
        yield Services(folder, server.url, bouncer_port, redis_url,
                       {"postgres": postmaster, "pgbouncer": bouncer.pid, "redis": redis_process.pid})


@dataclasses.dataclass
class Database:
    direct_url: str          # straight to PostgreSQL
    env: dict                # what every app instance runs with


def fresh_database(shared: Services, **settings: str) -> Database:
    """A new database, migrated and loaded directly against PostgreSQL; the app's environment goes through PgBouncer."""
    direct = database_url("postgres", shared.folder, shared.server_url)
    env = prepare(direct, shared.folder)
    name = direct.rsplit("/", 1)[1]
    env.update({"DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{shared.pgbouncer_port}/{name}",
                "DATABASE_POOLER": "pgbouncer", "RATELIMIT_STORAGE_URI": shared.redis_url,
                "VERSION_SIGNAL_URL": shared.redis_url, "BACKCHANNEL_PROXY_HOPS": "1", **settings})
    return Database(direct, env)


@contextlib.contextmanager
def instances(env: dict, count: int, workers: int | None = None):
    """``count`` gunicorn instances of the app (gunicorn.conf.py), each on its own port; yields their base URLs and pids."""
    with contextlib.ExitStack() as stack:
        started = [stack.enter_context(gunicorn(env, workers=workers)) for _ in range(count)]
        try:
            yield [base for base, _ in started], [process.pid for _, process in started]
        finally:
            for _, process in started:  # quick shutdown: a graceful one waits out idle keep-alive connections
                process.send_signal(signal.SIGINT)


def cpu_seconds(root: int) -> float:
    """CPU time of a process tree: every live process under ``root`` plus the children they have reaped."""
    tick = os.sysconf("SC_CLK_TCK")
    parents, times = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(value) for value in fields[11:15]) / tick  # utime stime cutime cstime
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0.0) for pid in tree)


class CpuSampler(threading.Thread):
    """Samples every component's CPU seconds every ``every`` seconds while a run goes on: (time, {name: seconds})."""

    def __init__(self, components: dict, every: float = 2.0):
        super().__init__(daemon=True)
        self.components, self.every = components, every
        self.samples: list[tuple[float, dict]] = []
        self.stopped = threading.Event()

    def sample(self) -> None:
        self.samples.append((time.time(), {name: cpu_seconds(pid) for name, pid in self.components.items()}))

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.sample()

    def stop(self) -> None:
        self.stopped.set()
        self.join()
        self.sample()


def requests_by_time(csv_prefix: Path) -> list[tuple[float, int]]:
    """(time, requests so far) from Locust's history CSV, one row a second."""
    with open(f"{csv_prefix}_stats_history.csv", newline="") as handle:
        return [(float(row["Timestamp"]), int(row["Total Request Count"]))
                for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]


def steady_cost(samples: list[tuple[float, dict]], history: list[tuple[float, int]], start: float) -> tuple[dict, int]:
    """CPU seconds per component and requests served from ``start`` to the end: past the ramp-up, the
    accounts' registration and every worker's first requests."""
    def requests_at(moment: float) -> int:
        return max((count for when, count in history if when <= moment), default=0)
    first = next((sample for sample in samples if sample[0] >= start), samples[-1])
    last = samples[-1]
    return {name: last[1][name] - first[1][name] for name in last[1]}, requests_at(last[0]) - requests_at(first[0])


def read_failures(csv_prefix: Path) -> list[tuple[int, str]]:
    """(occurrences, "step: error") from Locust's failures CSV, most frequent first."""
    with open(f"{csv_prefix}_failures.csv", newline="") as handle:
        rows = [(int(row["Occurrences"]), f"{row['Name']}: {row['Error']}") for row in csv.DictReader(handle)]
    return sorted(rows, reverse=True)


@dataclasses.dataclass
class Run:
    instances: int
    students: int
    seconds: int
    stats: list[dict]
    failure_kinds: list[tuple[int, str]]
    cpu: dict                # component → CPU seconds during the run
    steady: dict             # component → CPU seconds in the steady part of the run (the last two thirds)
    steady_requests: int     # requests served in that part
    acknowledged: int        # hand-ins the server acknowledged
    lost: int
    half: int


def run_once(shared: Services, count: int, students: int, seconds: int, think: tuple[float, float], workers: int | None) -> Run:
    """A fresh database, ``count`` instances behind nginx, the Locust profile, then the database check."""
    database = fresh_database(shared)
    with contextlib.ExitStack() as stack:
        bases, app_pids = stack.enter_context(instances(database.env, count, workers))
        proxy, proxy_process = stack.enter_context(nginx(shared.folder, bases))
        with urllib.request.urlopen(proxy + "/healthz", timeout=10) as response:
            assert response.status == 200
        components = {**shared.pids, "nginx": proxy_process.pid, **{f"app {n + 1}": pid for n, pid in enumerate(app_pids)}}
        sampler = CpuSampler(components)
        sampler.sample()
        sampler.start()
        started = time.time()
        csv_prefix = shared.folder / f"locust-{count}"
        acknowledged_file = shared.folder / f"acknowledged-{count}.txt"
        load_env = {**os.environ, "BENCH_ACK_FILE": str(acknowledged_file),
                    "BENCH_THINK_MIN": str(think[0]), "BENCH_THINK_MAX": str(think[1])}
        try:
            # everyone is in within the first quarter: a login is 100+ ms of scrypt
            run_locust(proxy, students, max(1.0, students / (seconds / 4)), seconds, csv_prefix, load_env,
                       ("--stop-timeout", "30"))
            keep_csv(csv_prefix, f"scale-out-{count}")
        finally:
            sampler.stop()
    cpu = {name: sampler.samples[-1][1][name] - sampler.samples[0][1][name] for name in components}
    # Steady state: from a third of the way in (everyone has registered by then) to the end.
    steady, steady_requests = steady_cost(sampler.samples, requests_by_time(csv_prefix), started + seconds / 3)
    acknowledged = read_acknowledged(acknowledged_file)
    lost, half = check_database(database.direct_url, acknowledged)
    return Run(count, students, seconds, locust_stats(csv_prefix), read_failures(csv_prefix), cpu, steady, steady_requests, len(acknowledged), lost, half)


def failures(run: Run) -> int:
    return sum(int(row["Failure Count"]) for row in run.stats if row["Name"] == "Aggregated")


def number(row: dict, field: str) -> float:
    value = row.get(field, "")
    return float(value) if value not in ("", "N/A") else float("nan")


def report(run: Run) -> None:
    """Print one run: per step, then the totals, CPU per request and the database check."""
    print(f"\n{run.instances} app instance(s) behind nginx: {run.students} students for {run.seconds} s")
    print(f"   {'step':34s} {'requests':>8s} {'fails':>6s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s}")
    total = None
    for row in run.stats:
        if row["Name"] == "Aggregated":
            total = row
            continue
        print(f"   {row['Type'] + ' ' + row['Name']:34.34s} {row['Request Count']:>8s} {row['Failure Count']:>6s} "
              f"{number(row, 'Requests/s'):7.1f} {number(row, '50%'):7.0f} {number(row, '95%'):7.0f} {number(row, '99%'):7.0f}")
    if total is None:
        print("   Locust wrote no totals (see its log)")
        return
    requests = int(total["Request Count"])
    print(f"   {'all requests':34s} {requests:8d} {total['Failure Count']:>6s} {number(total, 'Requests/s'):7.1f} "
          f"{number(total, '50%'):7.0f} {number(total, '95%'):7.0f} {number(total, '99%'):7.0f}")
    for occurrences, what in run.failure_kinds[:6]:
        print(f"      failed {occurrences:5d} × {what[:100]}")
    print(f"   requests per student-minute: {requests / run.students / (run.seconds / 60):.2f}")
    for label, cpu, served in (("whole run (with registration, scrypt)", run.cpu, requests),
                               ("steady state (last two thirds)", run.steady, run.steady_requests)):
        spent = ", ".join(f"{name} {seconds * 1000 / max(served, 1):.2f}" for name, seconds in cpu.items())
        app_cpu = sum(seconds for name, seconds in cpu.items() if name.startswith("app"))
        print(f"   CPU ms per request, {label}: {spent}")
        print(f"      app: {app_cpu:.1f} CPU s for {served} requests = {served / max(app_cpu, 1e-9):.0f} requests per app "
              f"core-second; all components: {served / max(sum(cpu.values()), 1e-9):.0f} per core-second")
    print(f"   {run.acknowledged} hand-ins acknowledged; missing or incomplete in the database: {run.lost}; "
          f"half-stored attempts: {run.half}")


def password_check_ms(times: int = 5) -> float:
    """CPU milliseconds of one login's password check (Werkzeug's default scrypt, as app/accounts/rules.py checks)."""
    from werkzeug.security import check_password_hash, generate_password_hash

    stored = generate_password_hash("Bench-student-2026")
    started = time.process_time()
    for _ in range(times):
        check_password_hash(stored, "Bench-student-2026")
    return (time.process_time() - started) * 1000 / times


def versions_line() -> str:
    def first_line(command: list[str]) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=10)
        except OSError:
            return "absent"
        return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "?"
    return (f"PostgreSQL {first_line(['pg_ctl', '--version']).split()[2]}, {first_line(['pgbouncer', '--version'])}, "
            f"{first_line(['redis-server', '--version']).split(' sha')[0]}, {first_line(['nginx', '-v'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--instances", default="1,2", help="app instances per run, comma-separated (default 1,2)")
    parser.add_argument("--workers", type=int, help="gunicorn workers per instance (default: gunicorn.conf.py's)")
    parser.add_argument("--think", default="5,20", help="a student's think time between requests, seconds: min,max")
    parser.add_argument("--short", action="store_true", help="CI's version: 30 s per run, 20 students thinking 1-3 s")
    args = parser.parse_args()
    students, seconds = (20, 30) if args.short else (args.students, round(args.minutes * 60))
    think = (1.0, 3.0) if args.short else tuple(float(part) for part in args.think.split(","))
    counts = [int(part) for part in args.instances.split(",")]
    missing = missing_tools()
    if missing:
        sys.exit(f"not installed: {', '.join(missing)} (apt-get install postgresql pgbouncer redis-server nginx)")
    if not (BIN / "locust").exists() or not (ROOT / "bench" / "locustfile.py").exists():
        sys.exit("Locust or bench/locustfile.py is missing (pip install -e '.[dev]')")
    sys.stdout.reconfigure(line_buffering=True)  # each run's figures as soon as it ends, also into a file
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below, as Ctrl-C does
    print(f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores (shared with other work: "
          f"figures are noisy), Python {platform.python_version()}, {versions_line()}")
    print(f"One login's password check (scrypt): {password_check_ms():.0f} ms of CPU, measured in this process")
    print(f"{students} students, think time {think[0]:g}-{think[1]:g} s, {seconds} s per run")
    print(f"Locust profile bench/locustfile.py through nginx → gunicorn (workers per instance: "
          f"{args.workers or 'gunicorn.conf.py default'}) → PgBouncer (transaction mode) → PostgreSQL; Redis for limits and versions")
    folder, runs = temp_folder(), []
    try:
        with services(folder) as shared:
            for count in counts:
                runs.append(run_once(shared, count, students, seconds, think, args.workers))
                report(runs[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if any(failures(run) or run.lost or run.half or not run.acknowledged for run in runs):
        sys.exit("failed requests, no hand-in acknowledged, or answers lost: see above")  # CI runs --short and stops here


if __name__ == "__main__":
    main()
