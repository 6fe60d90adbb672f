"""Beside django-tasks-db's job rows, our worker keeps per job its fairness key and lease, and the turns."""

from django.db import models
from django_tasks_db.models import DBTaskResult


class JobState(models.Model):
    """One per job: whose turn it counts for, and while it runs, the lease of the worker that has it.

    A running job belongs to one worker until `lease_expires_at`; the worker's heartbeat keeps moving it on.
    When the worker dies the lease runs out and any worker takes the job back (or gives it up after
    NCR_WORKER_MAX_ATTEMPTS tries).
    """

    job = models.OneToOneField(DBTaskResult, on_delete=models.CASCADE, primary_key=True, related_name="+")
    fairness_key = models.CharField(max_length=64, blank=True)  # e.g. "org:12"; "" for jobs of nobody
    worker_id = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, db_index=True)  # null: not running now
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"{self.job_id} ({self.fairness_key or '-'})"


class Turn(models.Model):
    """When a worker last started a job for this fairness key (an organisation): the key waiting longest
    goes first, so one organisation's backlog never holds up another's job by more than one job."""

    key = models.CharField(max_length=64, primary_key=True)
    last_started_at = models.DateTimeField()

    def __str__(self):
        return self.key
