import json
import subprocess
import sys

import pytest

from tests.helpers import PRD_ENV, ROOT, clean_env, manage, run_python

DUMP = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({k: getattr(settings, k) for k in ['OIDC_OP_AUTHORIZATION_ENDPOINT',"
    " 'OIDC_OP_TOKEN_ENDPOINT', 'OIDC_OP_JWKS_ENDPOINT',"
    " 'OIDC_OP_USER_ENDPOINT', 'OIDC_OP_LOGOUT_ENDPOINT', 'DEBUG', 'SESSION_COOKIE_SECURE',"
    " 'SECURE_HSTS_SECONDS', 'NCR_ENV']}))"
)


def settings_for(env_name, **extra):
    env = clean_env(**{**PRD_ENV, "NCR_ENV": env_name, **extra})
    result = run_python(
        "from ncregister.environment import select_settings; select_settings('dev');" + DUMP, env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("env_name", "issuer"),
    [("ti", "https://authenticatie-ti.vlaanderen.be/op"), ("prd", "https://authenticatie.vlaanderen.be/op")],
)
def test_it_uses_the_acmidm_endpoints_of_the_environment(env_name, issuer):
    values = settings_for(env_name)
    assert values["NCR_ENV"] == env_name
    assert values["OIDC_OP_AUTHORIZATION_ENDPOINT"] == f"{issuer}/v1/auth"
    assert values["OIDC_OP_TOKEN_ENDPOINT"] == f"{issuer}/v1/token"
    assert values["OIDC_OP_JWKS_ENDPOINT"] == f"{issuer}/v1/keys"
    assert values["OIDC_OP_USER_ENDPOINT"] == f"{issuer}/v1/userinfo"
    assert values["OIDC_OP_LOGOUT_ENDPOINT"] == f"{issuer}/v1/logout"
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def test_acmidm_issuer_overrides_every_endpoint():
    values = settings_for("prd", ACMIDM_ISSUER="https://op.example.be/op/")
    assert values["OIDC_OP_AUTHORIZATION_ENDPOINT"] == "https://op.example.be/op/v1/auth"
    assert values["OIDC_OP_TOKEN_ENDPOINT"] == "https://op.example.be/op/v1/token"
    assert values["OIDC_OP_JWKS_ENDPOINT"] == "https://op.example.be/op/v1/keys"
    assert values["OIDC_OP_USER_ENDPOINT"] == "https://op.example.be/op/v1/userinfo"
    assert values["OIDC_OP_LOGOUT_ENDPOINT"] == "https://op.example.be/op/v1/logout"


@pytest.mark.parametrize(
    "variable",
    [
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "DJANGO_ALLOWED_HOSTS",
        "OIDC_RP_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET",
    ],
)
def test_startup_refuses_a_missing_secret_naming_it(variable):
    env = clean_env(**{k: v for k, v in PRD_ENV.items() if k != variable})
    result = manage("check", env=env)
    assert result.returncode != 0
    assert variable in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_dev_is_the_default_for_manage_py():
    result = run_python(
        "from ncregister.environment import select_settings; select_settings('dev'); import os;"
        "print(os.environ['DJANGO_SETTINGS_MODULE'])",
        clean_env(),
    )
    assert result.stdout.strip() == "ncregister.settings.dev"


def test_explicit_settings_module_wins_over_ncr_env():
    result = run_python(
        "from ncregister.environment import select_settings; select_settings('dev'); import os;"
        "print(os.environ['DJANGO_SETTINGS_MODULE'])",
        clean_env(NCR_ENV="prd", DJANGO_SETTINGS_MODULE="ncregister.settings.ti"),
    )
    assert result.stdout.strip() == "ncregister.settings.ti"


def test_check_deploy_passes_for_prd():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**PRD_ENV))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_refuses_prd_without_https_issuer():
    result = manage("check", env=clean_env(**PRD_ENV, ACMIDM_ISSUER="http://op.example.be/op"))
    assert result.returncode != 0
    assert "ncregister.E002" in result.stderr


def test_makemigrations_is_clean():
    result = manage("makemigrations", "--check", "--dry-run", env=clean_env(NCR_ENV="dev"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_suite_stops_with_one_line_when_no_postgresql_answers():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/ncregister/test_deployment.py",
        ],
        cwd=ROOT,
        env=clean_env(DATABASE_URL="postgres://nobody@127.0.0.1:1/none"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "No PostgreSQL answers at 127.0.0.1:1" in result.stdout + result.stderr
    assert "DATABASE_URL=" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "check"),
    [
        ("NCR_STAFF_ORGCODES", "OVO000000", "ncregister.E005"),
        ("NCR_SECURE_COOKIES", "false", "ncregister.E006"),
    ],
)
def test_check_refuses_demo_or_unsafe_values_in_prd(variable, value, check):
    result = manage("check", env=clean_env(**{**PRD_ENV, variable: value}))
    assert result.returncode != 0
    assert check in result.stderr


@pytest.mark.parametrize(("variable", "value"), [("NCR_SECURE_COOKIES", "ture"), ("NCR_HSTS_SECONDS", "1y")])
def test_startup_refuses_an_unreadable_value_with_one_line(variable, value):
    result = manage("check", env=clean_env(**{**PRD_ENV, variable: value}))
    assert result.returncode != 0
    assert variable in result.stderr
    assert repr(value) in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "expected"), [("true", True), (" ON ", True), ("1", True), ("False", False), ("no", False)]
)
def test_booleans_are_read_strictly(monkeypatch, text, expected):
    from ncregister.settings import base

    monkeypatch.setenv("NCR_TEST_FLAG", text)
    assert base.config_bool("NCR_TEST_FLAG", False) is expected


@pytest.mark.parametrize("text", ["ture", "y", "2", "enabled"])
def test_a_boolean_typo_is_refused(monkeypatch, text):
    from ncregister.environment import ConfigurationError
    from ncregister.settings import base

    monkeypatch.setenv("NCR_TEST_FLAG", text)
    with pytest.raises(ConfigurationError, match="NCR_TEST_FLAG must be true or false"):
        base.config_bool("NCR_TEST_FLAG", True)


# --- the configuration check, called directly -----------------------------------------------------

PRD_SETTINGS = {
    "NCR_ENV": "prd",
    "ACMIDM_ISSUER": "https://authenticatie.vlaanderen.be/op",
    "NCR_STAFF_ORGCODES": ["OVO000123"],
    "DEBUG": False,
    "SESSION_COOKIE_SECURE": True,
}


def check_ids(settings, **overrides):
    from ncregister.checks import check_environment

    for name, value in {**PRD_SETTINGS, **overrides}.items():
        setattr(settings, name, value)
    return [error.id for error in check_environment(None)]


def test_the_configuration_check_passes_a_proper_prd(settings):
    assert check_ids(settings) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"NCR_ENV": "staging"}, "ncregister.E001"),
        ({"ACMIDM_ISSUER": "http://op.example.be/op"}, "ncregister.E002"),
        ({"NCR_STAFF_ORGCODES": []}, "ncregister.E003"),
        ({"DEBUG": True}, "ncregister.E004"),
        ({"NCR_STAFF_ORGCODES": ["OVO000000"]}, "ncregister.E005"),
        ({"SESSION_COOKIE_SECURE": False}, "ncregister.E006"),
    ],
)
def test_the_configuration_check_names_each_wrong_setting(settings, overrides, expected):
    assert check_ids(settings, **overrides) == [expected]


def test_dev_may_use_http_and_the_demo_organisation(settings):
    ids = check_ids(
        settings,
        NCR_ENV="dev",
        ACMIDM_ISSUER="http://127.0.0.1:8001/op",
        NCR_STAFF_ORGCODES=["OVO000000"],
        DEBUG=True,
        SESSION_COOKIE_SECURE=False,
    )
    assert ids == []
