"""Run in a process pointed at a fault test's database: `python -m tests.faults.scenario enqueue CODE ROWS`.

Files an upload of ROWS valid rows for organisation CODE the way a client skipping the preview does (its late
rows confirmed with the file, so the worker stores it at once), and prints its id.
"""

import os
import sys

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ncregister.settings.dev")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Organisation
    from submissions.imports.intake import receive_upload
    from tests.submissions.upload_files import csv_bytes, valid_row

    _command, code, rows = sys.argv[1:4]
    organisation = Organisation.objects.get_or_create(code=code, defaults={"name": code, "audience": "EA"})[0]
    user = get_user_model().objects.get_or_create(username=f"u-{code}", defaults={"vo_id": f"vo-{code}"})[0]
    tag = os.urandom(3).hex()
    content = csv_bytes([valid_row(n, eigen_referentie=f"{tag}-{n}") for n in range(1, int(rows) + 1)])
    upload = receive_upload(
        organisation=organisation,
        user=user,
        uploaded_file=SimpleUploadedFile("l.csv", content),
        confirmed_late=int(rows),  # every valid_row is dated 02/11/2026, so late
    )
    print(upload.pk)


if __name__ == "__main__":
    main()
