import psycopg
import pytest


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
