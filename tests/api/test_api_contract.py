"""The published OpenAPI description, fuzzed with schemathesis against the running portal: no 5xx, every
answer (status, content type, headers, body) as the schema says. About 25 examples per operation."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import get_token

# What the schema promises. Not "schema-valid data is accepted": the form's rules (dates, KBO numbers,
# streams that apply on the date) refuse much that the schema's types allow, with a documented 422.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

EXAMPLES = 25


def test_every_operation_answers_as_published(api_clients, standin, settings_override):
    schema = schemathesis.openapi.from_url(f"{api_clients}/api/v1/openapi.yaml")
    headers = {"Authorization": f"Bearer {get_token(standin, 'api-alfa')}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
            )
            def answers_as_published(case):
                response = case.call(headers=headers, timeout=30)
                case.validate_response(response, checks=CHECKS)

            try:
                answers_as_published()
            except Unsatisfiable:
                # Nothing to make invalid (an operation without parameters or body): positive cases only.
                assert mode is GenerationMode.NEGATIVE
