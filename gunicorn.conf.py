"""gunicorn's settings for T&I and PRD, as the image runs it: `gunicorn -c gunicorn.conf.py ncregister.wsgi`.

Before the arbiter forks, the Django configuration checks (with the deployment checks) run once and log JSON;
an error stops the start. Values come from the environment (documented in the README).
"""

import os

from gunicorn.http import wsgi

from ncregister import startup


def _headers_without_server(response, _default=wsgi.Response.default_headers):
    return [line for line in _default(response) if not line.startswith("Server:")]


# No `Server: gunicorn` banner (gunicorn has no setting for it).
wsgi.Response.default_headers = _headers_without_server

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# gthread, chosen for downloads: a request that takes long to send (a large export on a slow link) holds one
# thread, and the worker keeps reporting to the arbiter, so `timeout` never cuts a file half-way
# (tests/submissions/test_export_download.py). Throughput: benchmarks/throughput_benchmark.py (README).
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker that stops reporting for this long is replaced (with gthread, a slow download does not count).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
max_requests = 2000  # recycle workers now and then; the jitter keeps them from restarting together
max_requests_jitter = 200
# The heartbeat files live in memory: the root filesystem may be read-only.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - in memory, per container
# gunicorn's control socket is not used (and its default path, under $HOME, is not writable here).
control_socket_disable = True

# X-Forwarded-Proto counts only from the load balancer's addresses; Django then reads the scheme gunicorn
# decided (SECURE_PROXY_SSL_HEADER is not set), so a client cannot claim HTTPS itself.
forwarded_allow_ips = os.environ.get("NCR_TRUSTED_PROXIES", "")  # none by default
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# gunicorn's own lines (start, stop, worker timeouts, access) as JSON through the logging configuration.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = startup.gunicorn_logging()


def on_starting(server):
    startup.check_or_exit()
