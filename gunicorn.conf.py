"""gunicorn settings for `make serve` and the load benchmarks. Every value can be overridden by env."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Requests mostly wait on the database: two workers per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("WORKER_CLASS", "gthread")
threads = int(os.environ.get("THREADS", 4))
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 5000          # recycle workers now and then: a slow leak never takes a server down
max_requests_jitter = 500
accesslog = os.environ.get("ACCESS_LOG")  # unset: no access log (benchmarks); "-" for stdout
raw_env = ["BACKCHANNEL_ENV=production"]
