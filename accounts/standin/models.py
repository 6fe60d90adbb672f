from django.conf import settings
from django.db import models


class Identity(models.Model):
    """The claims chosen at the stand-in's login page; one user per distinct claim set."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standin_identity"
    )
    claims = models.JSONField()

    def __str__(self):
        return (
            f"{self.claims.get('given_name', '')} {self.claims.get('family_name', '')} ({self.user.username})"
        )
