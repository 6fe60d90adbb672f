"""`check --deploy` names each setting that must never reach PRD: an error there, reported in T&I."""

import pytest
from django.core.checks import ERROR, INFO

from ncregister.checks import check_unsafe_settings
from tests.helpers import PRD_ENV, clean_env, manage

UNSAFE = {
    "ncregister.E101": {"NCR_ALLOW_PASSWORD_LOGIN": True},
    "ncregister.E102": {"ALLOWED_HOSTS": ["ncr.example.be", "*"]},
    "ncregister.E103": {"SECRET_KEY": "change-me-to-a-long-random-string"},
    "ncregister.E104": {"NCR_SESSION_MAX_MINUTES": 25 * 60},
    "ncregister.E105": {"NCR_STAFF_ORGCODES": ["0405546706"]},
}


SAFE = {
    "NCR_ALLOW_PASSWORD_LOGIN": False,
    "ALLOWED_HOSTS": ["ncr.example.be"],
    "SECRET_KEY": PRD_ENV["DJANGO_SECRET_KEY"],
    "NCR_STAFF_ORGCODES": ["OVO000123"],
}


def checked(settings, env, overrides):
    """The deploy check's findings with safe settings, except `overrides`."""
    settings.NCR_ENV = env
    for name, value in {**SAFE, **overrides}.items():
        setattr(settings, name, value)
    return check_unsafe_settings(None)


@pytest.mark.parametrize(("check_id", "overrides"), UNSAFE.items())
def test_each_unsafe_setting_is_an_error_in_prd(settings, check_id, overrides):
    assert [(m.id, m.level) for m in checked(settings, "prd", overrides)] == [(check_id, ERROR)]


@pytest.mark.parametrize(("check_id", "overrides"), UNSAFE.items())
def test_each_unsafe_setting_is_reported_but_not_blocking_in_ti(settings, check_id, overrides):
    expected = check_id.replace(".E", ".I")
    assert [(m.id, m.level) for m in checked(settings, "ti", overrides)] == [(expected, INFO)]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", "dev-only-insecure-key-never-used-outside-a-laptop"),
        ("SECRET_KEY", "a-very-long-prefix-0123456789-ChangeMe-and-more-characters-after-it"),
        ("NCR_SESSION_IDLE_MINUTES", 2 * 24 * 60),
        ("SESSION_COOKIE_AGE", 14 * 24 * 3600),
        ("NCR_STAFF_ORGCODES", ["OVO00012"]),
    ],
)
def test_variants_are_caught_too(settings, name, value):
    assert checked(settings, "prd", {name: value})


def test_safe_settings_pass(settings):
    assert checked(settings, "prd", {}) == []


def test_a_prd_container_refuses_to_start_and_a_ti_one_starts():
    unsafe = {**PRD_ENV, "NCR_ALLOW_PASSWORD_LOGIN": "true", "DJANGO_ALLOWED_HOSTS": "*"}
    prd = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**unsafe))
    assert prd.returncode != 0
    assert "ncregister.E101" in prd.stderr
    assert "ncregister.E102" in prd.stderr
    ti = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**{**unsafe, "NCR_ENV": "ti"}))
    assert ti.returncode == 0, ti.stderr
    assert "ncregister.I101" in ti.stdout + ti.stderr
