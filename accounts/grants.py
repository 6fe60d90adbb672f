"""What one session may do: the organisation signed in for and the roles granted for it at sign-in.

The grant lives in the session (database-backed), so it is per browser: a person signed in for two
organisations in two browsers has two independent grants.
"""

import time
from dataclasses import dataclass, field

from accounts import roles as r

SESSION_KEY = "ncr_grant"


@dataclass(frozen=True)
class Grant:
    organisation_id: int | None = None
    roles: frozenset = frozenset()
    # What ACM/IDM sent, shown on the no-access page so the person can pass it on.
    orgcode: str = ""
    orgname: str = ""
    claim_values: tuple = ()
    signed_in_at: float = field(default_factory=time.time)

    @property
    def is_submitter(self):
        return r.SUBMITTER in self.roles

    @property
    def is_staff(self):
        return bool(self.roles & r.STAFF_ROLES)

    @property
    def role_label(self):
        """This session's role(s), as the header shows them."""
        return ", ".join(str(r.LABELS[role]) for role in sorted(self.roles) if role in r.LABELS)

    @property
    def has_access(self):
        return bool(self.roles)


NO_GRANT = Grant(signed_in_at=0)


def save_grant(session, grant):
    session[SESSION_KEY] = {
        "organisation_id": grant.organisation_id,
        "roles": sorted(grant.roles),
        "orgcode": grant.orgcode,
        "orgname": grant.orgname,
        "claim_values": list(grant.claim_values),
        "signed_in_at": grant.signed_in_at,
    }


def load_grant(session):
    data = session.get(SESSION_KEY)
    if not data:
        return NO_GRANT
    return Grant(
        organisation_id=data["organisation_id"],
        roles=frozenset(data["roles"]),
        orgcode=data.get("orgcode", ""),
        orgname=data.get("orgname", ""),
        claim_values=tuple(data.get("claim_values", ())),
        signed_in_at=data["signed_in_at"],
    )
