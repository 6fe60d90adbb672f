"""The ACM/IDM 3D role claim: parsing and mapping to portal roles. Pure functions, no request.

A value looks like ``<RightCode>-<context>[,<context>...]:<orgcode>[,<orgcode>...]``; a list of them, or
a bare string, arrives in the ID token.
"""

import logging
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from ncregister.identifiers import normalise_orgcode

logger = logging.getLogger(__name__)

MAX_VALUES = 200  # more than any real person holds; the rest is ignored
MAX_VALUE_LENGTH = 1000

SUBMITTER = "Indieners"
REVIEWER = "OVAM-behandelaars"
MANAGER = "OVAM-beheerders"
STAFF_ROLES = frozenset({REVIEWER, MANAGER})
# (right, context) in the ACM/IDM role claim -> portal role; matching ignores case and spaces.
# The technical spelling is fixed in OVAM's integration file with ACM.
ROLE_MAP = {
    ("OVAMGebruiker", "NonConformiteitenIndiener"): SUBMITTER,
    ("OVAMGebruiker", "NonConformiteitenBehandelaar"): REVIEWER,
    ("OVAMGebruiker", "NonConformiteitenBeheerder"): MANAGER,
}
LABELS = {
    SUBMITTER: gettext_lazy("Submitter"),
    REVIEWER: gettext_lazy("OVAM reviewer"),
    MANAGER: gettext_lazy("OVAM manager"),
}

_VALUE_RE = re.compile(r"^\s*([A-Za-z0-9_.]+)\s*(?:-\s*([^:]+?))?\s*:\s*(.+?)\s*$")


@dataclass(frozen=True)
class RoleValue:
    right: str
    contexts: tuple
    organisations: tuple


def key(text):
    """Case- and space-insensitive comparison key for right and context codes."""
    return re.sub(r"\s+", "", text).lower()


def parse_role_claim(claim):
    """Return the RoleValues in a claim; unparseable values are skipped and logged (without their content)."""
    if claim is None:
        return []
    values = [claim] if isinstance(claim, str) else claim
    if not isinstance(values, list | tuple):
        logger.warning("role claim ignored: unexpected type %s", type(claim).__name__)
        return []
    parsed = []
    for index, value in enumerate(values[:MAX_VALUES]):
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_VALUE_LENGTH:
            logger.warning("role claim value %d ignored: not a usable string", index)
            continue
        match = _VALUE_RE.match(value)
        if not match:
            logger.warning("role claim value %d ignored: unparseable (length %d)", index, len(value))
            continue
        right, contexts, organisations = match.groups()
        contexts = tuple(key(c) for c in (contexts or "").split(",") if c.strip())
        organisations = tuple(normalise_orgcode(o) for o in organisations.split(",") if o.strip())
        if organisations:
            parsed.append(RoleValue(key(right), contexts, organisations))
    return parsed


def organisations_with_rights(claim, role_map):
    """The organisation codes for which the claim holds one of the portal's rights, whatever the session's
    organisation: the no-access page names them when someone signed in for another one."""
    mapping = {(key(right), key(context)) for right, context in role_map}
    codes = set()
    for value in parse_role_claim(claim):
        if any((value.right, context) in mapping for context in value.contexts):
            codes.update(value.organisations)
    return sorted(codes)


def granted_roles(claim, signed_in_orgcode, role_map, staff_orgcodes):
    """The portal roles a claim grants in a session signed in for `signed_in_orgcode`.

    A right counts only for the organisation it names and only when that is the organisation of the
    session; staff roles also need that organisation to be OVAM's (anyone's local administrator can
    grant any context to their own staff).
    """
    org = normalise_orgcode(signed_in_orgcode)
    if not org:
        return frozenset()
    staff_orgcodes = {normalise_orgcode(code) for code in staff_orgcodes}
    mapping = {(key(right), key(context)): role for (right, context), role in role_map.items()}
    roles = set()
    for value in parse_role_claim(claim):
        if org not in value.organisations:
            continue
        for context in value.contexts:
            role = mapping.get((value.right, context))
            if role in STAFF_ROLES and org not in staff_orgcodes:
                continue
            if role:
                roles.add(role)
    return frozenset(roles)
