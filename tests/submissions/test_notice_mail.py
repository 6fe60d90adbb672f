"""The notice by e-mail, through a real SMTP server process (aiosmtpd on 127.0.0.1): the PDF attached,
the collector as Reply-To, the date set when sent; a failure shown on the notice page."""

import io
import mailbox
import socket
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from submissions.models import NonConformity, NoticeEmail
from tests.helpers import free_port


@pytest.fixture
def exports_worker(monkeypatch):
    from worker import runner

    monkeypatch.setattr(runner, "close_old_connections", lambda: None)
    return lambda: call_command("worker", batch=True, queues="exports", verbosity=0)


@pytest.fixture
def smtp_server(tmp_path):
    """aiosmtpd in its own process, storing what it receives in a Maildir."""
    port = free_port()
    maildir = tmp_path / "maildir"
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox",
         str(maildir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("aiosmtpd did not start") from None
            time.sleep(0.1)
    yield port, maildir
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def mail_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "register@ovam.example"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 5
    return settings


@pytest.fixture
def collector(organisation_a):
    organisation_a.email = "klanten@alfa.example"
    organisation_a.save()
    return organisation_a


def test_the_notice_is_mailed_with_the_pdf_and_the_collector_as_reply_to(
    client, submitter_a, collector, make_record, media, smtp_server, mail_settings, exports_worker,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    port, maildir = smtp_server
    mail_settings.EMAIL_PORT = port
    record = make_record(collector)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register_notice_email", args=[record.pk]), {"address": "info@korenaar.example"})
    assert NoticeEmail.objects.get().status == "queued"
    exports_worker()

    messages = list(mailbox.Maildir(maildir, create=False))
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "info@korenaar.example"
    assert message["From"] == "register@ovam.example"
    assert message["Reply-To"] == "klanten@alfa.example"
    attachments = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert len(attachments) == 1
    pdf = PdfReader(io.BytesIO(attachments[0].get_payload(decode=True)))
    assert "Bakkerij De Korenaar" in pdf.pages[0].extract_text()
    record = NonConformity.objects.get(pk=record.pk)
    assert record.customer_informed_on is not None
    assert record.customer_email == "info@korenaar.example"
    assert NoticeEmail.objects.get().status == "sent"
    assert "Verzonden op" in client.get(reverse("register_notice", args=[record.pk])).content.decode()


def test_a_failure_is_shown_never_silent(
    client, submitter_a, collector, make_record, media, mail_settings, exports_worker,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    mail_settings.EMAIL_PORT = free_port()  # nothing listens there
    record = make_record(collector)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register_notice_email", args=[record.pk]), {"address": "info@korenaar.example"})
    exports_worker()

    email = NoticeEmail.objects.get()
    assert email.status == "failed"
    assert "Connection" in email.error
    assert NonConformity.objects.get(pk=record.pk).customer_informed_on is None
    page = client.get(reverse("register_notice", args=[record.pk])).content.decode()
    assert "Verzenden mislukt" in page
    assert "Connection" in page


def test_a_bad_address_or_no_collector_address_is_refused_in_dutch(
    client, submitter_a, organisation_a, make_record, mail_settings
):
    record = make_record(organisation_a)

    response = client.post(
        reverse("register_notice_email", args=[record.pk]), {"address": "geen-adres"}, follow=True
    )
    assert "Vul een geldig e-mailadres in." in response.content.decode()
    response = client.post(
        reverse("register_notice_email", args=[record.pk]), {"address": "info@korenaar.example"}, follow=True
    )
    assert "Uw organisatie heeft geen e-mailadres" in response.content.decode()
    assert NoticeEmail.objects.count() == 0


def test_it_rejects_other_organisation(client, submitter_b, collector, make_record, mail_settings):
    record = make_record(collector)

    response = client.post(reverse("register_notice_email", args=[record.pk]), {"address": "x@y.example"})

    assert response.status_code == 404
    assert NoticeEmail.objects.count() == 0
