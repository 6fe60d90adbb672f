"""Database roles on our own PostgreSQL: migrate as the owner; the app role never touches the schema."""

import psycopg
import pytest

from tests.faults.conftest import Scene, wait_until


@pytest.fixture
def roles(cluster, tmp_path):
    """A database owned by ncr_owner; the app role ncr_app gets only what migrate grants it."""
    name = "t_roles"
    for statement in [
        "DROP DATABASE IF EXISTS t_roles",
        "DROP ROLE IF EXISTS ncr_app",
        "DROP ROLE IF EXISTS ncr_owner",
        "CREATE ROLE ncr_owner LOGIN",
        "CREATE ROLE ncr_app LOGIN",
        f"CREATE DATABASE {name} OWNER ncr_owner",
        f"REVOKE ALL ON DATABASE {name} FROM PUBLIC",
    ]:
        cluster.execute(statement)
    cluster.execute(
        "REVOKE ALL ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO ncr_owner", dbname=name
    )
    return name


def test_migrate_as_owner_grants_the_app_role_rows_but_never_the_schema(cluster, roles, tmp_path):
    scene = Scene(cluster, roles, tmp_path, copy_template=False)
    owner = {"DATABASE_URL": cluster.url(roles, user="ncr_owner"), "NCR_DB_APP_ROLE": "ncr_app"}
    result = scene.run("manage.py", "migrate", "--noinput", **owner)
    assert result.returncode == 0, result.stderr

    app = {"DATABASE_URL": cluster.url(roles, user="ncr_app")}
    upload = scene.enqueue("0405546706", 3, **app)
    scene.start_worker(**app)
    wait_until(lambda: scene.upload(upload)[0] == "accepted", timeout=60)
    housekeeping = scene.run("manage.py", "housekeeping", **app)
    assert housekeeping.returncode == 0, housekeeping.stderr

    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="ncr_app", dbname=roles, autocommit=True
    ) as conn:
        for statement in [
            "CREATE TABLE intruder (id int)",
            "DROP TABLE submissions_upload",
            "ALTER TABLE submissions_upload ADD COLUMN x int",
            "UPDATE audit_auditevent SET kind = kind",
            "DELETE FROM audit_auditevent",
        ]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        conn.execute("SELECT count(*) FROM audit_auditevent")  # reading the trail is allowed
    scene.close()
