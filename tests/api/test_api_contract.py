"""The published OpenAPI description, fuzzed with schemathesis against the running portal: no 5xx, every
answer (status, content type, headers, body) as the schema says. About 25 examples per operation."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.api.conftest import get_token


@pytest.fixture
def published_schema(api_clients, settings, tmp_path):
    settings.NCR_API_REQUESTS_PER_MINUTE = 100_000
    settings.MEDIA_ROOT = tmp_path
    return schemathesis.openapi.from_url(f"{api_clients}/api/v1/openapi.yaml")


@pytest.fixture
def token(api_clients, standin):
    return get_token(standin, "api-alfa")


schema = schemathesis.pytest.from_fixture("published_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_published(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, timeout=30)
