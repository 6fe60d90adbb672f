"""The customer notice by e-mail: asked for in the portal, sent by the worker (queue "exports") through
Django's e-mail backend (NCR_SMTP_*), the PDF attached and the collector as Reply-To. Every attempt is a
NoticeEmail row the notice page lists: waiting, sent (and the record's "customer informed on" set), or
failed with the reason; a failure is never silent and can be sent again."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from accounts.roles import SUBMITTER
from submissions import notices, services
from submissions.models import NonConformity, NoticeEmail
from worker.queue import enqueue

logger = logging.getLogger(__name__)


def enabled():
    """E-mail is offered only with an SMTP server and a sender configured."""
    return bool(settings.EMAIL_HOST and settings.DEFAULT_FROM_EMAIL)


def request(record, *, address, user, role):
    """Queue the notice of `record` for `address` (kept on the record); raises ValidationError in Dutch."""
    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(gettext_lazy("Enter a valid e-mail address.")) from None
    if not enabled():
        raise ValidationError(gettext_lazy("Sending e-mail is not set up for the register."))
    if not record.organisation.email:
        raise ValidationError(
            gettext_lazy(
                "Your organisation has no e-mail address for the customer's answers: ask OVAM to add it."
            )
        )
    with transaction.atomic():
        services.set_customer_email(record, address, user=user, role=role)
        email = NoticeEmail.objects.create(
            non_conformity=record,
            address=address,
            requested_by=user,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        transaction.on_commit(
            lambda: enqueue(send_notice_email, email.pk, fairness_key=f"export:org:{record.organisation_id}")
        )
    return email


@task(queue_name="exports")
def send_notice_email(email_id):
    return send(email_id)


def send(email_id):
    """The worker's part: render, send, and record the outcome on the NoticeEmail (never raises)."""
    # "sending" too: a worker that died mid-way gave the job back, and the e-mail is tried again.
    claimed = NoticeEmail.objects.filter(
        pk=email_id, status__in=[NoticeEmail.Status.QUEUED, NoticeEmail.Status.SENDING]
    ).update(status=NoticeEmail.Status.SENDING)
    if not claimed:
        return None
    email = NoticeEmail.objects.select_related("non_conformity__organisation", "requested_by").get(
        pk=email_id
    )
    record = notices.with_contents(NonConformity.objects.filter(pk=email.non_conformity_id)).get()
    try:
        with translation.override(email.language):
            message = EmailMessage(
                subject=_("Sorting errors in your residual waste – register number %(number)s")
                % {"number": record.pk},
                body=_(
                    "Dear customer,\n\nAttached is our notice about the sorting errors we found in your "
                    "residual waste on %(date)s. Reply to this e-mail if you have questions.\n\n"
                    "Kind regards,\n%(collector)s"
                )
                % {"date": f"{record.observed_on:%d/%m/%Y}", "collector": record.organisation.name},
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email.address],
                reply_to=[record.organisation.email],
            )
            message.attach(notices.file_name([record]), notices.render_pdf([record]), "application/pdf")
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP refusals, timeouts, rendering: shown on the notice page
        logger.warning("notice e-mail %s failed: %s", email_id, exc)
        NoticeEmail.objects.filter(pk=email_id).update(
            status=NoticeEmail.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:500],
            finished_at=timezone.now(),
        )
        return NoticeEmail.Status.FAILED
    with transaction.atomic():
        NoticeEmail.objects.filter(pk=email_id).update(
            status=NoticeEmail.Status.SENT, finished_at=timezone.now()
        )
        services.mark_customer_informed(
            NonConformity.objects.filter(pk=record.pk), user=email.requested_by, role=SUBMITTER
        )
    return NoticeEmail.Status.SENT
