"""One person signed in twice, through the real callback against the stand-in: each session keeps
exactly the rights of its own sign-in, in the portal and in the admin, whichever signed in last."""

import json
import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from accounts.standin import personas as p
from accounts.standin.personas import DEFAULT_ROLE_CLAIM
from tests.accounts.test_oidc_callback import follow_until_callback

# One person (same sub and vo_id); the stand-in hands out other claims at each sign-in, as ACM does
# after the local administrator changed the rights or the person chose another organisation.
PERSON = {"sub": "5f0c3e5b8d", "vo_id": "vo-twee-sessies", "given_name": "Sam", "family_name": "Dubois"}
CLAIMS = {
    "reviewer": (p.ORG_OVAM, p.ORG_OVAM_NAME, "GID", [f"{p.BEHANDELAAR}:{p.ORG_OVAM}"]),
    "manager": (p.ORG_OVAM, p.ORG_OVAM_NAME, "GID", [f"{p.BEHEERDER}:{p.ORG_OVAM}"]),
    "submitter_a": (p.ORG_A, p.ORG_A_NAME, "EA", [f"{p.INDIENER}:{p.ORG_A}"]),
    "submitter_b": (p.ORG_B, p.ORG_B_NAME, "EA", [f"{p.INDIENER}:{p.ORG_B}"]),
    "no_right": (p.ORG_OVAM, p.ORG_OVAM_NAME, "GID", []),
}


def sign_in(portal, kind):
    """A new browser signs in through the stand-in with the claims of `kind`; returns its session."""
    orgcode, orgname, audience, role_values = CLAIMS[kind]
    claims = {
        **PERSON,
        "vo_orgcode": orgcode,
        "vo_orgnaam": orgname,
        "vo_doelgroepcode": audience,
        DEFAULT_ROLE_CLAIM: role_values,
    }
    browser = requests.Session()
    page = follow_until_callback(
        browser, browser.get(f"{portal}/oidc/authenticate/", allow_redirects=False, timeout=10), portal
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    next_url = unescape(re.search(r'name="next" value="([^"]*)"', page.text).group(1))
    posted = browser.post(
        urljoin(page.url, urlsplit(page.url).path),
        data={
            "csrfmiddlewaretoken": token,
            "next": next_url,
            "persona": "custom",
            "claims_json": json.dumps(claims),
        },
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=10,
    )
    callback = follow_until_callback(browser, posted, portal)
    assert browser.get(callback, allow_redirects=False, timeout=10).status_code == 302
    return browser


def rights(portal, browser):
    """What this browser may do: (register, its organisation shown, admin, review, reference data)."""

    def status(path):
        return browser.get(f"{portal}{path}", allow_redirects=False, timeout=10).status_code

    register = browser.get(f"{portal}/register/", allow_redirects=False, timeout=10)
    shown = next((name for name in (p.ORG_A_NAME, p.ORG_B_NAME) if name in register.text), None)
    return {
        "register": register.status_code == 200,
        "organisation": shown if register.status_code == 200 else None,
        "admin": status("/admin/") == 200,
        "review": status("/admin/submissions/nonconformity/") == 200,
        "reference_data": status("/admin/submissions/wastestream/add/") == 200,
    }


EXPECTED = {
    "reviewer": {
        "register": False,
        "organisation": None,
        "admin": True,
        "review": True,
        "reference_data": False,
    },
    "manager": {
        "register": False,
        "organisation": None,
        "admin": True,
        "review": True,
        "reference_data": True,
    },
    "submitter_a": {
        "register": True,
        "organisation": p.ORG_A_NAME,
        "admin": False,
        "review": False,
        "reference_data": False,
    },
    "submitter_b": {
        "register": True,
        "organisation": p.ORG_B_NAME,
        "admin": False,
        "review": False,
        "reference_data": False,
    },
    "no_right": {
        "register": False,
        "organisation": None,
        "admin": False,
        "review": False,
        "reference_data": False,
    },
}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("reviewer", "submitter_a"),  # was a lock-out of the reviewer
        ("reviewer", "manager"),  # was an escalation of the reviewer
        ("manager", "reviewer"),
        ("manager", "no_right"),
        ("submitter_a", "submitter_b"),
    ],
)
def test_each_session_keeps_its_own_rights(portal, first, second):
    browser_a = sign_in(portal, first)
    assert rights(portal, browser_a) == EXPECTED[first]
    browser_b = sign_in(portal, second)
    assert rights(portal, browser_b) == EXPECTED[second]
    assert rights(portal, browser_a) == EXPECTED[first]
    # And the other way round: the first session signs in again and the second keeps its rights.
    browser_a = sign_in(portal, first)
    assert rights(portal, browser_b) == EXPECTED[second]


def test_the_header_names_this_sessions_organisation_and_role(portal):
    submitter = sign_in(portal, "submitter_a")
    reviewer = sign_in(portal, "reviewer")
    register = submitter.get(f"{portal}/register/", timeout=10).text
    assert "Afvalinzameling Alfa NV" in register
    assert "Indiener" in register
    admin_page = reviewer.get(f"{portal}/admin/", timeout=10).text
    assert "OVAM (demo) · OVAM-behandelaar" in admin_page
