"""Idempotency-Key, the per-client rate limit, the size limit, the correlation id and the audit trail."""

import uuid

from audit.models import AuditEvent
from submissions.models import NonConformity
from tests.api.conftest import record_body
from tests.api.test_api_auth import assert_problem


def test_the_same_key_and_body_gives_the_first_answer_again(api_a):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = api_a.post("non-conformiteiten", json=record_body(), headers=key)
    again = api_a.post("non-conformiteiten", json=record_body(), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert NonConformity.objects.count() == 1


def test_the_same_key_with_another_body_gets_422(api_a):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert api_a.post("non-conformiteiten", json=record_body(), headers=key).status_code == 201
    other = api_a.post("non-conformiteiten", json=record_body(beschrijving="Iets anders"), headers=key)
    assert_problem(other, 422, "idempotentie-andere-inhoud")
    assert NonConformity.objects.count() == 1


def test_a_key_still_in_use_gets_409(api_a):
    from accounts.models import ApiClient
    from api.models import IdempotencyKey

    user = ApiClient.objects.get(client_id="api-alfa").user
    IdempotencyKey.objects.create(user=user, key="k-1", fingerprint="x" * 64)  # a first call still running
    response = api_a.post("non-conformiteiten", json=record_body(), headers={"Idempotency-Key": "k-1"})
    assert_problem(response, 409, "idempotentie-bezig")
    assert NonConformity.objects.count() == 0


def test_each_client_has_its_requests_per_minute(api_a, api_b, settings):
    from django.core.cache import cache

    cache.clear()  # the counters of earlier tests in this minute
    settings.NCR_API_REQUESTS_PER_MINUTE = 2
    assert [api_a.get("non-conformiteiten").status_code for _ in range(2)] == [200, 200]
    response = api_a.get("non-conformiteiten")
    assert_problem(response, 429, "te-veel-verzoeken")
    assert int(response.headers["Retry-After"]) > 0
    assert api_b.get("non-conformiteiten").status_code == 200  # another client counts on its own


def test_a_request_over_the_size_limit_gets_413_with_the_limit(api_a, settings):
    settings.NCR_API_MAX_REQUEST_MB = 1
    response = api_a.post("non-conformiteiten", json=record_body(beschrijving="x" * 1_100_000))
    body = assert_problem(response, 413, "te-groot")
    assert "1 MB" in body["detail"]
    assert NonConformity.objects.count() == 0


def test_a_json_body_within_the_api_limit_is_read_whatever_the_form_limit(api_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # the portal's limit for form data, far below the API's
    response = api_a.post("non-conformiteiten", json=record_body(beschrijving="x" * 2000))
    assert response.status_code == 201, response.text
    assert NonConformity.objects.get().description == "x" * 2000


def test_the_correlation_id_is_returned_and_every_call_is_audited(api_a):
    response = api_a.get("non-conformiteiten", headers={"X-Correlation-ID": "route-42"})
    assert response.headers["X-Correlation-ID"] == "route-42"
    generated = api_a.get("afvalstromen").headers["X-Correlation-ID"]
    assert len(generated) == 32
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.API_CALL).order_by("at")
    first = events.first()
    assert first.details["correlation_id"] == "route-42"
    assert first.details["client_id"] == "api-alfa"
    assert first.details["status"] == 200
    assert first.organisation.code == "0405546706"
    assert str(first.person) == "API-client api-alfa"
    assert events.count() == 2
