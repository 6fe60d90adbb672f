"""Putting jobs on the queue with a fairness key, and what to do when a job is given up."""

from django.db import transaction

from worker.models import JobState

# task module path -> callable(*args, **kwargs), run when the worker gives a job up for good
_give_up_handlers = {}


def enqueue(task, *args, fairness_key="", **kwargs):
    """task.enqueue(*args, **kwargs), tagged with `fairness_key` (e.g. "org:12") for the worker's turns."""
    with transaction.atomic():  # the worker sees the job only with its key
        result = task.enqueue(*args, **kwargs)
        JobState.objects.create(job_id=result.id, fairness_key=fairness_key)
    return result


def on_give_up(task):
    """Decorator: the function runs with the job's arguments when `task` is given up for good."""

    def register(handler):
        _give_up_handlers[task.module_path] = handler
        return handler

    return register


def give_up_handler(task_path):
    return _give_up_handlers.get(task_path)
