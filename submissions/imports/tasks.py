"""Background tasks of the upload, run by `manage.py db_worker` (django-tasks, database backend)."""

from django_tasks import task

from submissions.imports import runner


@task()
def process_upload(upload_id, language=None):
    return runner.process_upload(upload_id, language)
