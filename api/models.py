from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a client sent with a POST, and the answer it got (kept 24 hours).

    The same key with the same request gets the same answer again; another request 422; while the first
    is still being answered 409 (api/idempotency.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    status = models.PositiveSmallIntegerField(null=True)  # null while the first request runs
    body = models.JSONField(null=True)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique_user_key")]

    def __str__(self):
        return self.key
