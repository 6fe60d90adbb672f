"""`make run`: the portal, the local ACM/IDM stand-in and the background workers, together, until Ctrl-C
or SIGTERM; then every process it started stops (SIGTERM, and SIGKILL after a grace period)."""

import contextlib
import os
import signal
import subprocess
import sys
import time

HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")
STANDIN_PORT = os.environ.get("STANDIN_PORT", "8001")
STANDIN_DB = os.environ.get("STANDIN_DB", "var/standin.sqlite3")
GRACE_SECONDS = 10  # an idle worker or runserver stops at once; a busy worker gives its job back


class Stop(Exception):
    """SIGTERM arrived: leave the watch loop as Ctrl-C does."""


def start(args, env):
    # Its own process group, so stopping reaches what it starts in turn (runserver's reloader child).
    return subprocess.Popen(args, env=env, start_new_session=True)


def _signal_group(process, signum):
    with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(process.pid, signum)


def stop(processes, grace=GRACE_SECONDS):
    """SIGTERM every process group, wait up to `grace` seconds, then SIGKILL whatever is left."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        _signal_group(process, signal.SIGKILL)  # leftovers in the group too, even when the leader is gone
        process.wait()


def _raise_stop(signum, frame):
    raise Stop


def main():
    portal = f"http://{HOST}:{PORT}"
    portal_urls = sorted({portal, f"http://localhost:{PORT}", f"http://127.0.0.1:{PORT}"})
    redirect_uris = [arg for url in portal_urls for arg in ("--redirect-uri", f"{url}/oidc/callback/")]
    logout_uris = [arg for url in portal_urls for arg in ("--post-logout-redirect-uri", f"{url}/")]
    env = {**os.environ, "NCR_ENV": "dev", "ACMIDM_ISSUER": f"http://127.0.0.1:{STANDIN_PORT}/op"}
    signal.signal(signal.SIGTERM, _raise_stop)
    processes = []
    try:
        processes.append(
            start(
                [
                    sys.executable,
                    "-m",
                    "accounts.standin",
                    "--port",
                    STANDIN_PORT,
                    "--db",
                    STANDIN_DB,
                    *redirect_uris,
                    *logout_uris,
                ],
                env={k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"},
            )
        )
        processes.append(start([sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}"], env=env))
        # The background worker that checks and stores uploaded files (django-tasks, database queue).
        processes.append(start([sys.executable, "manage.py", "worker", "--queues", "default"], env=env))
        # Large exports on a queue and worker of their own, so they never hold up an upload.
        processes.append(start([sys.executable, "manage.py", "worker", "--queues", "exports"], env=env))
        print(
            f"\n  Portal:            {portal}/\n  Local ACM/IDM:     http://127.0.0.1:{STANDIN_PORT}/op\n"
            "  Upload worker:     manage.py worker --queues default\n"
            "  Export worker:     manage.py worker --queues exports\n"
            "  Stop with Ctrl-C.\n",
            flush=True,
        )
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except (KeyboardInterrupt, Stop):
        pass
    finally:
        # Ctrl-C and SIGTERM once more must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(processes)


if __name__ == "__main__":
    main()
