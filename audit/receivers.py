"""Events recorded from signals: a sign-out, and a change to reference data through the admin."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.events import Kind, record

# Reference data: the admin's changes to these are security events (the records have their own history).
REFERENCE_MODELS = {
    ("submissions", "wastestream"),
    ("submissions", "holiday"),
    ("accounts", "organisation"),
    ("auth", "group"),
}
ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


@receiver(user_logged_out, dispatch_uid="audit.sign_out")
def sign_out(sender, request, user, **kwargs):
    # Sign-outs with a reason of their own (a limit, a switch, a refused sign-in) are recorded there.
    if request is not None and user is not None and not getattr(request, "audit_logout_recorded", False):
        record(request, Kind.SIGN_OUT, person=user)


@receiver(post_save, sender=LogEntry, dispatch_uid="audit.reference_data")
def reference_data_changed(sender, instance, created, **kwargs):
    content_type = instance.content_type
    if not created or content_type is None:
        return
    if (content_type.app_label, content_type.model) not in REFERENCE_MODELS:
        return
    record(
        None,
        Kind.REFERENCE_DATA,
        person=instance.user,
        reason=ACTIONS.get(instance.action_flag, ""),
        model=f"{content_type.app_label}.{content_type.model}",
        object_id=instance.object_id,
        object=instance.object_repr,
        change=instance.get_change_message()[:1000],
    )
