"""The OpenAPI description and its documentation page, served from our own static files under the CSP."""

import yaml

from tests.api.conftest import Api


def test_the_openapi_description_is_published_in_dutch(api_clients):
    response = Api(api_clients).get("openapi.yaml")
    assert response.status_code == 200
    schema = yaml.safe_load(response.text)
    assert schema["openapi"] == "3.0.3"
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"nonConformiteitIndienen", "batchIndienen", "afvalstromen"} <= operations
    create = schema["paths"]["/api/v1/non-conformiteiten"]["post"]
    assert create["summary"] == "Een non-conformiteit indienen"
    assert "application/problem+json" in create["responses"]["422"]["content"]


def test_the_documentation_page_runs_without_csp_violations(browser, api_clients):
    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security" in message.text else None,
    )
    page.goto(f"{api_clients}/api/v1/docs")
    page.get_by_text("Een non-conformiteit indienen").first.wait_for()
    assert violations == []
    scripts = page.eval_on_selector_all("script", "nodes => nodes.map(n => n.src)")
    assert all(src.startswith(api_clients) for src in scripts)  # no CDN
    context.close()
