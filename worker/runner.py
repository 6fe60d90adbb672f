"""Our worker: django-tasks-db's job rows, with leases, fair turns, database outages survived, clean stops.

- A job is claimed with FOR UPDATE SKIP LOCKED, one at a time, the organisation waiting longest first.
- While it runs, a heartbeat thread moves its lease on; a job whose lease ran out (its worker was killed,
  its machine lost) is put back on the queue, or given up after NCR_WORKER_MAX_ATTEMPTS tries.
- A database error never ends the worker: it waits (backoff with jitter) and goes on; the job it was
  running goes back on the queue.
- SIGTERM: the job in hand may finish within NCR_WORKER_STOP_SECONDS, otherwise it is given back.
"""

import contextlib
import logging
import random
import signal
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connections
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus, task_finished, task_started
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from worker.models import JobState, Turn
from worker.queue import give_up_handler

logger = logging.getLogger("worker")

CONNECTION_ERRORS = (OperationalError, InterfaceError)
READY, RUNNING = TaskResultStatus.READY, TaskResultStatus.RUNNING


class GiveBack(SystemExit):
    """Raised in the job's thread when the stop grace period is over: its transaction rolls back.

    A SystemExit, so that psycopg, interrupted while it waits for a statement, cancels that statement on
    the server (as on Ctrl-C) instead of leaving it running there, holding the import's locks, after the
    connection is closed."""


def lease_length():
    return timedelta(seconds=settings.NCR_WORKER_LEASE_SECONDS)


class Heartbeat(threading.Thread):
    """Moves the running job's lease on, on a connection of its own."""

    def __init__(self, job_id, worker_id):
        super().__init__(daemon=True, name="heartbeat")
        self.job_id, self.worker_id = job_id, worker_id
        self.done = threading.Event()

    def run(self):
        interval = settings.NCR_WORKER_LEASE_SECONDS / 4
        try:
            while not self.done.wait(interval):
                try:
                    JobState.objects.filter(job_id=self.job_id, worker_id=self.worker_id).update(
                        lease_expires_at=timezone.now() + lease_length()
                    )
                except DatabaseError:
                    logger.warning("lease of job %s not renewed: database unavailable", self.job_id)
                    connections.close_all()
        finally:
            connections.close_all()


class Worker:
    def __init__(self, *, worker_id, queue_names, interval=1.0, batch=False):
        self.worker_id = worker_id
        self.queue_names = queue_names
        self.interval = interval
        self.batch = batch
        self.stopping = False
        self.job = None  # the DBTaskResult in hand

    # --- signals ---------------------------------------------------------------------------------

    def install_signals(self):
        """Returns the handlers it replaced."""
        handlers = {signal.SIGTERM: self.stop, signal.SIGINT: self.stop, signal.SIGALRM: self.grace_over}
        return {signum: signal.signal(signum, handler) for signum, handler in handlers.items()}

    def stop(self, signum, frame):
        if self.stopping and self.job is not None:
            raise GiveBack  # a second signal: give the job back now
        self.stopping = True
        if self.job is not None:
            logger.info(
                "stop requested: finishing job %s within %ss", self.job.pk, settings.NCR_WORKER_STOP_SECONDS
            )
            signal.alarm(max(1, int(settings.NCR_WORKER_STOP_SECONDS)))
        else:
            logger.info("stop requested")

    def grace_over(self, signum, frame):
        if self.job is not None:
            raise GiveBack

    # --- the loop --------------------------------------------------------------------------------

    def run(self):
        logger.info("worker %s started on queues %s", self.worker_id, ",".join(self.queue_names))
        backoff = 0.5
        while not self.stopping:
            try:
                close_old_connections()
                self.reclaim_expired()
                job = self.claim()
                backoff = 0.5
                if job is not None:
                    self.run_job(job)
                elif self.batch:
                    break
                else:
                    self.sleep(self.interval)
            except GiveBack:  # signalled again while giving a job back: the lease returns it to the queue
                logger.error("worker %s stopped while giving a job back", self.worker_id)
                raise SystemExit(1) from None
            except CONNECTION_ERRORS as exc:
                logger.warning(
                    "database unavailable (%s); retrying in %.1fs", str(exc).strip()[:200], backoff
                )
                connections.close_all()
                self.sleep(backoff * (0.5 + random.random()))  # noqa: S311 - jitter, no secret
                backoff = min(backoff * 2, 30.0)
        logger.info("worker %s stopped", self.worker_id)

    def sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))

    def ready_jobs(self):
        jobs = DBTaskResult.objects.ready().filter(queue_name__in=self.queue_names)
        key = Coalesce(
            Subquery(JobState.objects.filter(job_id=OuterRef("pk")).values("fairness_key")[:1]), Value("")
        )
        turn = Turn.objects.filter(key=OuterRef("fairness_key")).values("last_started_at")[:1]
        return jobs.annotate(fairness_key=key).annotate(turn=Subquery(turn))

    def claim(self):
        now = timezone.now()
        with exclusive_transaction():
            job = (
                self.ready_jobs()
                .order_by(F("priority").desc(), F("turn").asc(nulls_first=True), "run_after", "enqueued_at")
                .select_for_update(skip_locked=True, of=("self",))
                .first()
            )
            if job is None:
                return None
            job.claim(self.worker_id)
            lease = {"worker_id": self.worker_id, "lease_expires_at": now + lease_length()}
            if not JobState.objects.filter(job_id=job.pk).update(**lease, attempts=F("attempts") + 1):
                JobState.objects.create(job_id=job.pk, fairness_key=job.fairness_key, attempts=1, **lease)
            Turn.objects.bulk_create(
                [Turn(key=job.fairness_key, last_started_at=now)],
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=["last_started_at"],
            )
        return job

    def run_job(self, job):
        self.job = job
        heartbeat = Heartbeat(job.pk, self.worker_id)
        heartbeat.start()
        try:
            task = job.task
            task_result = job.task_result
            task_started.send(sender=type(task.get_backend()), task_result=task_result)
            try:
                value = task.call(*task_result.args, **task_result.kwargs)
            except CONNECTION_ERRORS:
                raise
            except Exception as exc:
                logger.exception("job %s (%s) failed", job.pk, job.task_path)
                signal.alarm(0)
                job.set_failed(exc)
            else:
                signal.alarm(0)
                job.set_successful(value)
            JobState.objects.filter(job_id=job.pk).update(lease_expires_at=None)
            task_finished.send(sender=type(task.get_backend()), task_result=job.task_result)
        except GiveBack:
            logger.warning("job %s given back to the queue at stop", job.pk)
            self.give_back(job)
        except CONNECTION_ERRORS:
            signal.alarm(0)
            logger.warning("job %s interrupted by a database error; it goes back on the queue", job.pk)
            heartbeat.done.set()
            self.give_back_when_possible(job)
        finally:
            signal.alarm(0)
            heartbeat.done.set()
            heartbeat.join(timeout=5)
            self.job = None

    def give_back(self, job):
        """The job goes back on the queue, its try not counted (nothing of it was stored)."""
        connections.close_all()
        with exclusive_transaction():
            updated = DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            if updated:
                JobState.objects.filter(job_id=job.pk, worker_id=self.worker_id).update(
                    lease_expires_at=None, attempts=F("attempts") - 1
                )

    def give_back_when_possible(self, job):
        backoff = 0.5
        while True:
            try:
                connections.close_all()
                self.give_back(job)
                return
            except CONNECTION_ERRORS:
                if self.stopping:
                    return  # the lease runs out and another worker takes the job
                self.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    def reclaim_expired(self):
        """Jobs whose worker stopped renewing the lease go back on the queue, or are given up."""
        now = timezone.now()
        with exclusive_transaction():
            expired = list(
                JobState.objects.filter(lease_expires_at__lt=now, job__status=TaskResultStatus.RUNNING)
                .select_related("job")
                .select_for_update(skip_locked=True, of=("self",))[:50]
            )
            for state in expired:
                job = state.job
                JobState.objects.filter(pk=state.pk).update(lease_expires_at=None)
                if state.attempts < settings.NCR_WORKER_MAX_ATTEMPTS:
                    logger.warning(
                        "job %s: lease of worker %s ran out; back on the queue", job.pk, state.worker_id
                    )
                    DBTaskResult.objects.filter(pk=job.pk).update(
                        status=TaskResultStatus.READY, started_at=None
                    )
                else:
                    logger.error("job %s: lease ran out %s times; given up", job.pk, state.attempts)
                    job.status = TaskResultStatus.FAILED
                    job.finished_at = now
                    job.exception_class_path = "worker.runner.LeaseExpired"
                    job.traceback = (
                        f"The lease ran out {state.attempts} times (last worker {state.worker_id})."
                    )
                    job.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                    self.give_up(job)

    def give_up(self, job):
        with contextlib.suppress(ImportError):
            job.task  # noqa: B018 - importing the task's module registers its give-up handler
        handler = give_up_handler(job.task_path)
        if handler is not None:
            handler(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
