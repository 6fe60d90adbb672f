import copy
import time

import psycopg
import pytest
import requests
from django.conf import settings
from django.test import override_settings

from accounts.standin.server import running_standin


def pytest_configure(config):
    """Stop at once, with one clear line, when no PostgreSQL answers for the test database."""
    from django.conf import settings

    params = settings.DATABASES["default"]
    if params["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(
            "The tests run on PostgreSQL: set DATABASE_URL=postgres://USER@HOST:PORT/NAME.", returncode=2
        )
    try:
        # pytest-django creates test_<NAME> through the maintenance database, so that is what must answer.
        psycopg.connect(
            dbname="postgres",
            host=params.get("HOST") or None,
            port=params.get("PORT") or None,
            user=params.get("USER") or None,
            password=params.get("PASSWORD") or None,
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        pytest.exit(
            f"No PostgreSQL answers at {params.get('HOST')}:{params.get('PORT')} "
            f"({str(exc).strip().splitlines()[0]}). Start one or set DATABASE_URL=postgres://USER@HOST:PORT/NAME.",
            returncode=2,
        )


# --- Signed-in people without going through ACM/IDM (the login itself is tested end to end elsewhere) ---

ORG_A = ("0405546706", "Afvalinzameling Alfa NV")
ORG_B = ("0353456320", "Containerdienst Beta BV")
OVAM = ("OVO000000", "OVAM (demo)")


@pytest.fixture
def organisation_a(db):
    from accounts.models import Organisation

    return Organisation.objects.get_or_create(code=ORG_A[0], defaults={"name": ORG_A[1], "audience": "EA"})[0]


@pytest.fixture
def organisation_b(db):
    from accounts.models import Organisation

    return Organisation.objects.get_or_create(code=ORG_B[0], defaults={"name": ORG_B[1], "audience": "EA"})[0]


@pytest.fixture
def ovam(db):
    from accounts.models import Organisation

    return Organisation.objects.get_or_create(code=OVAM[0], defaults={"name": OVAM[1], "audience": "GID"})[0]


def sign_in(client, *, vo_id, organisation, roles, given_name="Test", family_name="Persoon"):
    """Sign `client` in as the OIDC callback would: user upserted, the grant in this session only."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts import roles as r
    from accounts.grants import Grant, save_grant

    user, _ = get_user_model().objects.update_or_create(
        vo_id=vo_id,
        defaults={"username": f"acmidm:{vo_id}", "first_name": given_name, "last_name": family_name},
    )
    if set(roles) & r.STAFF_ROLES:
        user.staff_signed_in_at = timezone.now()
        user.save()
    client.force_login(user, backend="accounts.oidc.ACMIDMBackend")
    session = client.session
    save_grant(
        session,
        Grant(
            organisation_id=organisation.pk if organisation else None,
            roles=frozenset(roles),
            orgcode=organisation.code if organisation else "",
            orgname=organisation.name if organisation else "",
        ),
    )
    session.save()
    return user


@pytest.fixture
def submitter_a(client, organisation_a):
    """`client` signed in as An Peeters, submitter for collector A; returns the user."""
    return sign_in(
        client,
        vo_id="vo-an",
        organisation=organisation_a,
        roles=["Indieners"],
        given_name="An",
        family_name="Peeters",
    )


@pytest.fixture
def submitter_b(client, organisation_b):
    return sign_in(
        client,
        vo_id="vo-bram",
        organisation=organisation_b,
        roles=["Indieners"],
        given_name="Bram",
        family_name="Claes",
    )


@pytest.fixture
def reviewer(client, ovam):
    return sign_in(
        client,
        vo_id="vo-femke",
        organisation=ovam,
        roles=["OVAM-behandelaars"],
        given_name="Femke",
        family_name="Janssens",
    )


@pytest.fixture
def manager(client, ovam):
    return sign_in(
        client,
        vo_id="vo-geert",
        organisation=ovam,
        roles=["OVAM-beheerders"],
        given_name="Geert",
        family_name="Willems",
    )


@pytest.fixture
def no_right(client, organisation_b):
    return sign_in(
        client, vo_id="vo-dirk", organisation=organisation_b, roles=[], given_name="Dirk", family_name="Maes"
    )


# --- The portal on a live server, signed in through the real ACM/IDM stand-in ---


@pytest.fixture(scope="session")
def standin(live_server):
    """The local ACM/IDM stand-in, in test mode, with the live server registered as client."""
    urls = {live_server.url, live_server.url.replace("localhost", "127.0.0.1")}
    with running_standin(
        redirect_uris=[f"{url}/oidc/callback/" for url in urls],
        post_logout_redirect_uris=[f"{url}/" for url in urls],
        test_mode=True,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def _portal_uses_standin(standin):
    issuer = standin.issuer
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    csp["DIRECTIVES"]["form-action"] = ["'self'", standin.base_url]
    override = override_settings(
        CONTENT_SECURITY_POLICY=csp,
        ACMIDM_ISSUER=issuer,
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{issuer}/v1/auth",
        OIDC_OP_TOKEN_ENDPOINT=f"{issuer}/v1/token",
        OIDC_OP_JWKS_ENDPOINT=f"{issuer}/v1/keys",
        OIDC_OP_USER_ENDPOINT=f"{issuer}/v1/userinfo",
        OIDC_OP_LOGOUT_ENDPOINT=f"{issuer}/v1/logout",
        OIDC_RP_CLIENT_ID=standin.client_id,
        OIDC_RP_CLIENT_SECRET=standin.client_secret,
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture
def portal(transactional_db, live_server, standin, _portal_uses_standin):
    """The portal's base URL. The reference data is there: the flush that ends each transactional test
    puts it back (submissions.reference, on post_migrate)."""
    yield live_server.url
    requests.post(f"{standin.base_url}/op/test/reset", timeout=5)
    _wait_for_requests_in_flight()


def _wait_for_requests_in_flight(seconds=5):
    """A closing page may still send one request (the draft's beacon when it is hidden); the flush that
    ends the test would deadlock with it. Wait until no other session of the test database is busy."""
    from django.db import connection

    time.sleep(0.1)  # let a last request arrive
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (e2e and the API's documentation page): Playwright's sync API keeps an
    event loop in this thread, so a second instance in the same session would refuse to start."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
