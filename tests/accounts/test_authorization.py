"""Every URL the resolver knows, requested as every persona. A new URL without an expectation fails here."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from submissions import services
from submissions.kept_photos import keep, new_token
from submissions.models import Export, NonConformity, Photo, Upload, WasteStream
from submissions.photos import prepare_photo
from tests.conftest import sign_in

PERSONAS = ["anonymous", "no_right", "other_org", "submitter_a", "submitter_b", "reviewer", "manager"]

OK = 200
LOGIN = (302, "/oidc/authenticate/")
NO_ACCESS = (302, "/geen-toegang/")
REGISTER = (302, "/register/")
OVERVIEW = (302, "/register/klanten/overzicht/")
ADMIN = (302, "/admin/")
NOT_ALLOWED = 405
UNAUTHORIZED = 401
FORBIDDEN = 403
NOT_FOUND = 404


def everyone(expected):
    return dict.fromkeys(PERSONAS, expected)


# Submitter pages: anonymous people sign in, people without the right learn how to get it, OVAM staff go to
# the admin, and only the session's own organisation sees its records.
SUBMITTER_PAGE = {
    "anonymous": LOGIN,
    "no_right": NO_ACCESS,
    "other_org": NO_ACCESS,
    "submitter_a": OK,
    "submitter_b": OK,
    "reviewer": ADMIN,
    "manager": ADMIN,
}
OWN_RECORD = {**SUBMITTER_PAGE, "submitter_b": NOT_FOUND}

EXPECTATIONS = {
    "landing": {
        "anonymous": OK,
        "no_right": NO_ACCESS,
        "other_org": NO_ACCESS,
        "submitter_a": REGISTER,
        "submitter_b": REGISTER,
        "reviewer": ADMIN,
        "manager": ADMIN,
    },
    "session_ended": {**everyone((302, "/")), "anonymous": OK},
    "no_access": everyone(OK),
    "help": everyone(OK),
    "submitter_help": everyone(OK),  # no data: readable before anyone has access
    "switch_organisation": {**everyone(OK), "anonymous": (302, "/")},  # asks first; POST switches
    "set_language": everyone((302, "/")),
    "oidc_authentication_init": everyone((302, "http://127.0.0.1:8001/op/v1/auth")),
    "oidc_authentication_callback": everyone(FORBIDDEN),  # no code: refused, signed out
    "oidc_logout": everyone(NOT_ALLOWED),  # POST only
    "register_home": SUBMITTER_PAGE,
    "register_new": SUBMITTER_PAGE,
    "register_date_facts": SUBMITTER_PAGE,
    "register_export_csv": SUBMITTER_PAGE,
    "register_export_xlsx": SUBMITTER_PAGE,
    "register_detail": OWN_RECORD,
    "register_correct": OWN_RECORD,
    "register_withdraw": OWN_RECORD,
    "register_notice": OWN_RECORD,
    "register_notice_pdf": OWN_RECORD,
    "register_notice_sent": {**SUBMITTER_PAGE, "submitter_a": NOT_ALLOWED, "submitter_b": NOT_ALLOWED},
    "register_notice_email": {**SUBMITTER_PAGE, "submitter_a": NOT_ALLOWED, "submitter_b": NOT_ALLOWED},
    "register_notice_batch": SUBMITTER_PAGE,
    "register_customer_overview": SUBMITTER_PAGE,
    # Without a producer and period: back to the overview's form.
    "register_customer_overview_csv": {**SUBMITTER_PAGE, "submitter_a": OVERVIEW, "submitter_b": OVERVIEW},
    "register_customer_overview_pdf": {**SUBMITTER_PAGE, "submitter_a": OVERVIEW, "submitter_b": OVERVIEW},
    "register_photo": OWN_RECORD,
    "register_photo_thumbnail": OWN_RECORD,
    "register_keep_photo": {**SUBMITTER_PAGE, "submitter_a": NOT_ALLOWED, "submitter_b": NOT_ALLOWED},
    "register_draft_discard": {**SUBMITTER_PAGE, "submitter_a": NOT_ALLOWED, "submitter_b": NOT_ALLOWED},
    # The sample kept photo is An's (submitter_a) for collector A: nobody else sees it.
    "register_kept_photo": OWN_RECORD,
    "register_exports": SUBMITTER_PAGE,
    # The sample export is someone else's: nobody may fetch or restart it.
    "register_export_download": {**SUBMITTER_PAGE, "submitter_a": NOT_FOUND, "submitter_b": NOT_FOUND},
    "register_export_restart": {**SUBMITTER_PAGE, "submitter_a": NOT_ALLOWED, "submitter_b": NOT_ALLOWED},
    "upload_index": SUBMITTER_PAGE,
    "upload_template": SUBMITTER_PAGE,
    "upload_detail": OWN_RECORD,
    "upload_status": OWN_RECORD,
    "upload_errors": OWN_RECORD,
    # The API takes bearer tokens only (tests/api/): a browser session opens none of it.
    "api_waste_streams": everyone(OK),  # reference data, anonymous allowed
    "api_schema": everyone(OK),  # the published OpenAPI description and its documentation page
    "api_docs": everyone(OK),
    "api_non_conformities": everyone(UNAUTHORIZED),
    "api_non_conformity": everyone(UNAUTHORIZED),
    "api_withdrawal": everyone(UNAUTHORIZED),
    "api_photos": everyone(UNAUTHORIZED),
    "api_batches": everyone(UNAUTHORIZED),
    "api_batch": everyone(UNAUTHORIZED),
    "upload_confirm": {**SUBMITTER_PAGE, "submitter_a": NOT_ALLOWED, "submitter_b": NOT_ALLOWED},  # POST only
    "upload_cancel": {**SUBMITTER_PAGE, "submitter_a": NOT_ALLOWED, "submitter_b": NOT_ALLOWED},  # POST only
    # The sample upload is still queued: it stored nothing, so there is nothing to withdraw.
    "upload_withdraw": {**SUBMITTER_PAGE, "submitter_a": NOT_FOUND, "submitter_b": NOT_FOUND},
}

# A valid 1x1 PNG for the sample photo.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082"
)

# Sample values for URL parameters; `record` is a non-conformity of collector A.
SAMPLE_KWARGS = {
    "pk": lambda objects: objects["record"].pk,
    "photo_pk": lambda objects: objects["photo"].pk,
    "upload_pk": lambda objects: objects["upload"].pk,
    "kind": lambda objects: "csv",
    "export_pk": lambda objects: objects["export"].pk,
    "kept_pk": lambda objects: objects["kept"].pk,
}


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def all_url_names():
    return sorted({name for name, _ in walk(get_resolver().url_patterns)})


def test_every_url_has_an_expectation():
    missing = [name for name in all_url_names() if not name.startswith("admin:") and name not in EXPECTATIONS]
    assert missing == []


@pytest.fixture
def objects(organisation_a, django_user_model, settings, tmp_path):
    author = django_user_model.objects.create(username="author", vo_id="vo-author")
    record = services.create_non_conformity(
        organisation=organisation_a,
        user=author,
        data={
            "observed_on": dt.date(2026, 11, 2),
            "producer_name": "Bakkerij Test",
            "producer_enterprise_number": "0405546706",
            "establishment_number": "2147812701",
            "description": "pmd in restafval",
            "action": "registered",
        },
        waste_streams=WasteStream.objects.filter(number=16),
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = Photo(non_conformity=record, content_type="image/png")
    photo.image.save("photo.png", ContentFile(PNG_1PX), save=True)
    upload = Upload.objects.create(
        organisation=organisation_a, uploaded_by=author, file_name="lijst.csv", sha256="0" * 64
    )
    export = Export.objects.create(
        requested_by=author,
        organisation=organisation_a,
        format="csv",
        selection="SELECT 1",
        language="nl",
        file_name="x.csv",
        status="done",
    )
    an = django_user_model.objects.get_or_create(vo_id="vo-an", defaults={"username": "acmidm:vo-an"})[0]
    kept = keep(an, organisation_a, new_token(), [prepare_photo(ContentFile(PNG_1PX, name="foto.png"))])[0]
    return {"record": record, "photo": photo, "upload": upload, "export": export, "kept": kept}


@pytest.fixture
def clients(db, organisation_a, organisation_b, ovam):
    from accounts.models import Organisation

    org_c = Organisation.objects.create(code="0566988259", name="Transport Gamma BVBA", audience="EA")
    made = {name: Client() for name in PERSONAS}
    sign_in(made["no_right"], vo_id="vo-dirk", organisation=org_c, roles=[])
    sign_in(made["other_org"], vo_id="vo-eva", organisation=org_c, roles=[])  # right only for A
    sign_in(made["submitter_a"], vo_id="vo-an", organisation=organisation_a, roles=["Indieners"])
    sign_in(made["submitter_b"], vo_id="vo-bram", organisation=organisation_b, roles=["Indieners"])
    sign_in(made["reviewer"], vo_id="vo-femke", organisation=ovam, roles=["OVAM-behandelaars"])
    sign_in(made["manager"], vo_id="vo-geert", organisation=ovam, roles=["OVAM-beheerders"])
    return made


def url_for(name, pattern, objects):
    from django.urls import reverse

    kwargs = {key: SAMPLE_KWARGS[key](objects) for key in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


def check(response, expected):
    if isinstance(expected, tuple):
        status, location_prefix = expected
        return response.status_code == status and response.get("Location", "").startswith(location_prefix)
    return response.status_code == expected


def test_each_url_answers_each_persona_as_expected(clients, objects):
    patterns = dict(walk(get_resolver().url_patterns))
    failures = []
    for name, expectations in EXPECTATIONS.items():
        url = url_for(name, patterns[name], objects)
        for persona in PERSONAS:
            response = clients[persona].get(url)
            if not check(response, expectations[persona]):
                failures.append((name, persona, response.status_code, response.get("Location")))
    assert failures == [], "\n".join(map(str, failures))


# --- The admin: only sessions signed in as OVAM staff; what each staff role may do comes from its grant ---

ADMIN_LOGIN = (302, "/admin/login/")
STAFF_ONLY = {
    "anonymous": ADMIN_LOGIN,
    "no_right": NO_ACCESS,
    "other_org": NO_ACCESS,
    "submitter_a": ADMIN_LOGIN,
    "submitter_b": ADMIN_LOGIN,
}


def admin_page(reviewer, manager=None):
    return {**STAFF_ONLY, "reviewer": reviewer, "manager": reviewer if manager is None else manager}


READ_ONLY = {"changelist": OK, "history": OK, "change": OK, "add": FORBIDDEN, "delete": FORBIDDEN}
REFERENCE_DATA = {**READ_ONLY, "add": (FORBIDDEN, OK)}  # reviewers see, managers also add and change
HIDDEN = dict.fromkeys(READ_ONLY, FORBIDDEN)
MANAGERS_READ_ONLY = {**dict.fromkeys(READ_ONLY, (FORBIDDEN, OK)), "add": FORBIDDEN, "delete": FORBIDDEN}
MODEL_PAGES = {
    "submissions_nonconformity": READ_ONLY,  # the review form is its change page
    "submissions_upload": READ_ONLY,
    "accounts_user": READ_ONLY,
    "submissions_wastestream": REFERENCE_DATA,
    "submissions_holiday": REFERENCE_DATA,
    "accounts_organisation": REFERENCE_DATA,
    "django_tasks_database_dbtaskresult": HIDDEN,  # no portal role: the break-glass superuser only
    "audit_auditevent": MANAGERS_READ_ONLY,  # the security audit trail
}

ADMIN_EXPECTATIONS = {
    "admin:index": admin_page(OK),
    "admin:login": {**STAFF_ONLY, "anonymous": LOGIN, "submitter_a": FORBIDDEN, "submitter_b": FORBIDDEN}
    | {"reviewer": LOGIN, "manager": LOGIN},
    # POST only; Django sends whoever may not use the admin to its index.
    "admin:logout": admin_page(NOT_ALLOWED)
    | {"anonymous": ADMIN, "submitter_a": ADMIN, "submitter_b": ADMIN},
    # Only the break-glass superuser has a password (tests/accounts/test_signin_views.py).
    "admin:password_change": admin_page(FORBIDDEN),
    "admin:password_change_done": admin_page(FORBIDDEN),
    "admin:autocomplete": admin_page(FORBIDDEN),  # no field asked for
    "admin:jsi18n": admin_page(OK),
    "admin:view_on_site": admin_page(NOT_FOUND),  # records have no public page
    "admin:app_list": admin_page(OK),
    "admin:submissions_nonconformity_photo": admin_page(OK),
    "admin:submissions_nonconformity_photo_thumbnail": admin_page(OK),
    "admin:submissions_nonconformity_csv": admin_page(OK),
    "admin:submissions_nonconformity_xlsx": admin_page(OK),
    "admin:submissions_nonconformity_exports": admin_page(OK),
    "admin:submissions_nonconformity_export_download": admin_page(NOT_FOUND),  # someone else's
    "admin:submissions_nonconformity_export_restart": admin_page(NOT_ALLOWED),  # POST only
    "admin:submissions_nonconformity_overview": admin_page(OK),
    "admin:submissions_nonconformity_overview_export": admin_page(OK),
    "admin:submissions_nonconformity_simple_history": admin_page(OK),
    "admin:audit_auditevent_export": admin_page(FORBIDDEN, OK),
    **{
        f"admin:{model}_{page}": admin_page(*(expected if isinstance(expected, tuple) else (expected,)))
        for model, pages in MODEL_PAGES.items()
        for page, expected in pages.items()
    },
}
# A staff sign-in lands at the provider, whose URL the LOGIN prefix does not cover here.
ADMIN_EXPECTATIONS["admin:login"] |= {"anonymous": (302, "/oidc/"), "reviewer": (302, "/oidc/")}
ADMIN_EXPECTATIONS["admin:login"] |= {"manager": (302, "/oidc/")}


def test_every_admin_url_has_an_expectation():
    missing = [
        name for name in all_url_names() if name.startswith("admin:") and name not in ADMIN_EXPECTATIONS
    ]
    assert missing == []


def admin_samples(objects):
    from django.utils.timezone import now
    from django_tasks_db.models import DBTaskResult

    from accounts.models import Organisation
    from audit.models import AuditEvent
    from submissions.models import Holiday

    record = objects["record"]
    model_ids = {
        "submissions_nonconformity": record.pk,
        "submissions_upload": objects["upload"].pk,
        "accounts_user": record.submitted_by_id,
        "submissions_wastestream": WasteStream.objects.first().pk,
        "submissions_holiday": Holiday.objects.first().pk,
        "accounts_organisation": Organisation.objects.first().pk,
        "audit_auditevent": AuditEvent.objects.create(kind=AuditEvent.Kind.SIGN_IN).pk,
        "django_tasks_database_dbtaskresult": DBTaskResult.objects.create(
            args_kwargs={},
            task_path="submissions.tasks.process_upload",
            backend_name="default",
            run_after=now(),
        ).pk,
    }
    return {
        "record_id": record.pk,
        "photo_id": objects["photo"].pk,
        "export_pk": objects["export"].pk,
        "app_label": "submissions",
        "content_type_id": ContentType.objects.get_for_model(NonConformity).pk,
        "history": [record.pk, record.history.earliest("history_date").history_id],
        **model_ids,
    }


def admin_url(name, pattern, samples):
    from django.urls import reverse

    regex = pattern.pattern.regex
    if name == "admin:submissions_nonconformity_simple_history":
        return reverse(name, args=samples["history"])
    # Object ids: the model's sample; outside a model's pages (view_on_site), the record's.
    model = next((m for m in MODEL_PAGES if name.startswith(f"admin:{m}_")), "submissions_nonconformity")
    kwargs = {key: samples[model] if key == "object_id" else samples[key] for key in regex.groupindex}
    return reverse(name, kwargs=kwargs)


def test_each_admin_url_answers_each_persona_as_expected(clients, objects):
    patterns = dict(walk(get_resolver().url_patterns))
    samples = admin_samples(objects)
    failures = []
    for name, expectations in ADMIN_EXPECTATIONS.items():
        url = admin_url(name, patterns[name], samples)
        for persona in PERSONAS:
            response = clients[persona].get(url)
            if not check(response, expectations[persona]):
                failures.append((name, persona, response.status_code, response.get("Location")))
    assert failures == [], "\n".join(map(str, failures))


# --- The API: bearer tokens of collectors' machine clients (ACM/IDM stand-in), never a session ---

API_PERSONAS = ["api_a", "api_b"]
API_EXPECTATIONS = {
    "api_waste_streams": {"api_a": OK, "api_b": OK},
    "api_schema": {"api_a": OK, "api_b": OK},
    "api_docs": {"api_a": OK, "api_b": OK},
    "api_non_conformities": {"api_a": OK, "api_b": OK},  # each its own organisation's records
    "api_non_conformity": {"api_a": OK, "api_b": NOT_FOUND},
    "api_withdrawal": {"api_a": NOT_ALLOWED, "api_b": NOT_ALLOWED},  # POST only
    "api_photos": {"api_a": NOT_ALLOWED, "api_b": NOT_ALLOWED},  # POST only
    "api_batches": {"api_a": NOT_ALLOWED, "api_b": NOT_ALLOWED},  # POST only
    "api_batch": {"api_a": OK, "api_b": NOT_FOUND},  # collector A's upload
}


def test_every_api_url_has_an_expectation():
    names = [name for name in all_url_names() if name.startswith("api_")]
    assert sorted(names) == sorted(API_EXPECTATIONS)


@pytest.mark.usefixtures("_portal_uses_standin")
def test_each_api_url_answers_each_api_client_as_expected(objects, organisation_b, standin):
    from accounts.models import ApiClient, Organisation
    from tests.api.conftest import get_token

    tokens = {}
    for persona, client_id, organisation in [
        ("api_a", "api-alfa", objects["record"].organisation),
        ("api_b", "api-beta", organisation_b),
    ]:
        Organisation.objects.filter(pk=organisation.pk).update(api_enabled=True)
        ApiClient.objects.create(client_id=client_id, organisation=organisation)
        tokens[persona] = get_token(standin, client_id)
    patterns = dict(walk(get_resolver().url_patterns))
    failures = []
    for name, expectations in API_EXPECTATIONS.items():
        url = url_for(name, patterns[name], objects)
        for persona in API_PERSONAS:
            response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {tokens[persona]}")
            if not check(response, expectations[persona]):
                failures.append((name, persona, response.status_code))
    assert failures == [], "\n".join(map(str, failures))
