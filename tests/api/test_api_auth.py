"""Who may call the API: tokens from ACM/IDM, checked by introspection, and OVAM's switch."""

import requests
from django.test import override_settings

from tests.api.conftest import Api, get_token
from tests.helpers import free_port

PROBLEM = "application/problem+json"


def assert_problem(response, status, name):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"urn:problem-type:ovam:ncr:{name}"
    assert body["title"]
    assert body["detail"]
    return body


def test_it_serves_waste_streams_anonymously(api_clients):
    response = Api(api_clients).get("afvalstromen")
    assert response.status_code == 200
    numbers = {item["nummer"] for item in response.json()["items"]}
    assert {3, 16} <= numbers


def test_an_invalid_token_gets_401_even_where_anonymous_is_allowed(api_clients):
    response = Api(api_clients, "no-such-token").get("afvalstromen")
    assert_problem(response, 401, "token-ongeldig")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_records_need_a_token(api_clients):
    response = Api(api_clients).get("non-conformiteiten")
    body = assert_problem(response, 401, "token-ontbreekt")
    assert body["detail"].startswith("Stuur")  # Dutch
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_without_the_api_scope_gets_401(api_for):
    assert_problem(api_for("api-alfa-zonder-scope").get("non-conformiteiten"), 401, "scope-ontbreekt")


def test_a_token_without_organisation_gets_403(api_for):
    assert_problem(api_for("api-zonder-organisatie").get("non-conformiteiten"), 403, "geen-organisatie")


def test_ovam_switches_a_client_off(api_a, organisation_a):
    from accounts.models import ApiClient, Organisation

    assert api_a.get("non-conformiteiten").status_code == 200
    ApiClient.objects.filter(client_id="api-alfa").update(enabled=False)
    assert_problem(api_a.get("non-conformiteiten"), 403, "geen-api-toegang")
    ApiClient.objects.filter(client_id="api-alfa").update(enabled=True)
    Organisation.objects.filter(pk=organisation_a.pk).update(api_enabled=False)
    assert_problem(api_a.get("non-conformiteiten"), 403, "geen-api-toegang")


def test_a_client_registered_for_another_organisation_gets_403(api_a, organisation_b):
    from accounts.models import ApiClient

    ApiClient.objects.filter(client_id="api-alfa").update(organisation=organisation_b)
    assert_problem(api_a.get("non-conformiteiten"), 403, "geen-api-toegang")


def test_introspection_unreachable_gives_503_with_retry_after(api_a):
    with override_settings(ACMIDM_ISSUER=f"http://127.0.0.1:{free_port()}/op"):
        response = api_a.get("non-conformiteiten")
    assert_problem(response, 503, "introspectie-onbereikbaar")
    assert int(response.headers["Retry-After"]) > 0
    # The failure was not cached: the same token works once ACM/IDM answers again.
    assert api_a.get("non-conformiteiten").status_code == 200


def test_introspection_answering_garbage_gives_503_and_is_not_cached(api_a, standin):
    requests.post(f"{standin.base_url}/op/test/next-token", json={"defect": "introspect_garbage"}, timeout=5)
    assert_problem(api_a.get("non-conformiteiten"), 503, "introspectie-onbereikbaar")
    requests.post(f"{standin.base_url}/op/test/reset", timeout=5)
    assert api_a.get("non-conformiteiten").status_code == 200


def test_an_expired_token_gets_401(api_clients, standin):
    requests.post(
        f"{standin.base_url}/op/test/next-token", json={"defect": "introspect_stale_exp"}, timeout=5
    )
    api = Api(api_clients, get_token(standin, "api-alfa"))
    assert_problem(api.get("non-conformiteiten"), 401, "token-ongeldig")


def test_introspection_is_cached_per_token(api_a, api_clients, standin):
    assert api_a.get("non-conformiteiten").status_code == 200
    with override_settings(ACMIDM_ISSUER=f"http://127.0.0.1:{free_port()}/op"):
        assert api_a.get("non-conformiteiten").status_code == 200  # the cached answer
        fresh = Api(api_clients, get_token(standin, "api-alfa"))
        assert fresh.get("non-conformiteiten").status_code == 503  # a new token must be asked about


def test_unknown_api_paths_get_a_problem_document(api_a):
    assert_problem(api_a.get("bestaat-niet"), 404, "niet-gevonden")
    assert_problem(api_a.post("non-conformiteiten/abc"), 404, "niet-gevonden")
