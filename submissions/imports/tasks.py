"""Background tasks of the upload, run by `manage.py worker` (django-tasks, database backend)."""

from django_tasks import task

from submissions.imports import runner
from worker.queue import on_give_up


@task()
def process_upload(upload_id, language=None):
    return runner.process_upload(upload_id, language)


@on_give_up(process_upload)
def upload_given_up(upload_id, language=None):
    runner.mark_failed(upload_id, language)
