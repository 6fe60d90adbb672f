"""What each portal role may do: one map from role to the Django permissions it grants.

Rights are read from the session's grant on every request (`request.grant`), never from the user row:
one person may be signed in twice (two browsers, two organisations), and each sign-in keeps its own
rights. The admin site, every ModelAdmin (through GrantPermissionsMixin) and the portal's decorators
ask here.
"""

from accounts import roles

_REVIEWER = frozenset(
    {
        "submissions.view_nonconformity",
        "submissions.change_nonconformity",
        "submissions.view_photo",
        "submissions.view_noticeemail",
        "submissions.view_upload",
        "submissions.view_wastestream",
        "submissions.view_holiday",
        "accounts.view_organisation",
        "accounts.view_apiclient",
        "accounts.view_user",
    }
)

ROLE_PERMISSIONS = {
    # Submitters work in the portal only, always within their session's organisation; the admin stays shut.
    roles.SUBMITTER: frozenset(
        {
            "submissions.view_nonconformity",
            "submissions.add_nonconformity",
            "submissions.change_nonconformity",
            "submissions.add_photo",
            "submissions.add_upload",
        }
    ),
    roles.REVIEWER: _REVIEWER,
    roles.MANAGER: _REVIEWER
    | {
        "submissions.add_wastestream",
        "submissions.change_wastestream",
        "submissions.add_holiday",
        "submissions.change_holiday",
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.add_apiclient",  # OVAM switches a collector's API access on or off
        "accounts.change_apiclient",
        "audit.view_auditevent",  # the security audit trail: OVAM managers only
    },
}
# Nobody deletes anything: records are withdrawn, streams end, organisations stay.


def _grant(request):
    from accounts.grants import NO_GRANT

    return getattr(request, "grant", NO_GRANT)


def _is_break_glass(request):
    """The emergency superuser (password sign-in, where enabled) has every right and no grant."""
    user = request.user
    return user.is_active and user.is_superuser


def acting_roles(request):
    """The roles a request acts in where a rule asks for a role (the review workflow): the session's;
    the break-glass superuser, who has no grant, acts as an OVAM manager."""
    grant = _grant(request)
    if not grant.roles and _is_break_glass(request):
        return frozenset({roles.MANAGER})
    return grant.roles


def permissions_of(grant):
    return frozenset().union(*(ROLE_PERMISSIONS.get(role, ()) for role in grant.roles))


def has_perm(request, perm):
    return _is_break_glass(request) or perm in permissions_of(_grant(request))


def may_use_admin(request):
    """The admin is OVAM's: only a session signed in with a staff role (for OVAM) enters it."""
    user = request.user
    return user.is_authenticated and user.is_active and (_is_break_glass(request) or _grant(request).is_staff)


def has_module_perms(request, app_label):
    if not may_use_admin(request):
        return False
    return _is_break_glass(request) or any(
        perm.startswith(f"{app_label}.") for perm in permissions_of(_grant(request))
    )


def has_model_perm(request, opts, action):
    """`action` on the model of `opts` (view/add/change/delete), inside the admin."""
    return may_use_admin(request) and has_perm(request, f"{opts.app_label}.{action}_{opts.model_name}")


class GrantPermissionsMixin:
    """For every ModelAdmin and inline: the session's grant decides, not the user row's groups.

    A subclass may still refuse more (read-only data), never allow more than the grant."""

    def has_module_permission(self, request):
        return has_module_perms(request, self.opts.app_label)

    def has_view_permission(self, request, obj=None):
        # As in Django: whoever may change may also view.
        return has_model_perm(request, self.opts, "view") or has_model_perm(request, self.opts, "change")

    def has_add_permission(self, request, *args):
        return has_model_perm(request, self.opts, "add")

    def has_change_permission(self, request, obj=None):
        return has_model_perm(request, self.opts, "change")

    def has_delete_permission(self, request, obj=None):
        return has_model_perm(request, self.opts, "delete")
