"""Third-party admin pages under the same rule as ours: the session's grant decides."""

from django.contrib import admin
from django.contrib.auth.models import Group
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from accounts.permissions import GrantPermissionsMixin

# Rights come from ACM/IDM at each sign-in (accounts.permissions), never from groups.
admin.site.unregister(Group)
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(GrantPermissionsMixin, DBTaskResultAdmin):
    """Background jobs: no portal role grants them, so only the break-glass superuser sees them."""
