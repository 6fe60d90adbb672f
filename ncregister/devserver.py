"""`make run`: the portal, the local ACM/IDM stand-in and the background worker, together, until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")
STANDIN_PORT = os.environ.get("STANDIN_PORT", "8001")


def main():
    portal = f"http://{HOST}:{PORT}"
    portal_urls = {portal, f"http://localhost:{PORT}", f"http://127.0.0.1:{PORT}"}
    env = {**os.environ, "NCR_ENV": "dev", "ACMIDM_ISSUER": f"http://127.0.0.1:{STANDIN_PORT}/op"}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "accounts.standin",
                "--port",
                STANDIN_PORT,
                "--db",
                "var/standin.sqlite3",
                *[arg for url in sorted(portal_urls) for arg in ("--redirect-uri", f"{url}/oidc/callback/")],
                *[arg for url in sorted(portal_urls) for arg in ("--post-logout-redirect-uri", f"{url}/")],
            ],
            env={k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"},
        ),
        subprocess.Popen([sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}"], env=env),
        # The background worker that checks and stores uploaded files (django-tasks, database queue).
        subprocess.Popen([sys.executable, "manage.py", "worker", "--queues", "default"], env=env),
        # Large exports on a queue and worker of their own, so they never hold up an upload.
        subprocess.Popen([sys.executable, "manage.py", "worker", "--queues", "exports"], env=env),
    ]
    print(
        f"\n  Portal:            {portal}/\n  Local ACM/IDM:     http://127.0.0.1:{STANDIN_PORT}/op\n"
        "  Upload worker:     manage.py worker --queues default\n"
        "  Export worker:     manage.py worker --queues exports\n",
        flush=True,
    )
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in processes:
            p.wait(timeout=10)


if __name__ == "__main__":
    main()
