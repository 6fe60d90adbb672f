import shutil
import subprocess

import yaml

from tests.helpers import ROOT


def test_compose_file_is_valid_and_migrations_run_once(tmp_path):
    assert shutil.which("docker-compose"), (
        "Debian's docker-compose validates the file: apt-get install docker-compose"
    )
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        ["docker-compose", "config"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "migrate" in result.stdout
    assert "web:" in result.stdout
    web = result.stdout.split("  web:")[1]
    assert "migrate" not in web.split("depends_on")[0]  # the web service never migrates itself


def test_missing_postgres_password_is_refused(tmp_path):
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / ".env").write_text(
        (tmp_path / ".env").read_text().replace("POSTGRES_PASSWORD=change-me\n", "")
    )
    result = subprocess.run(
        ["docker-compose", "config"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


def compose_config(tmp_path, *files):
    for name in files:
        shutil.copy(ROOT / name, tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    args = [arg for name in files for arg in ("-f", name)]
    result = subprocess.run(
        ["docker-compose", *args, "config"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def test_compose_starts_in_order_restarts_and_publishes_only_on_loopback(tmp_path):
    base = compose_config(tmp_path, "docker-compose.yml")
    assert not any("ports" in service for service in base.values())  # the base file publishes nothing
    assert base["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker", "housekeeping"):
        assert base[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    for name in ("db", "web", "worker", "housekeeping"):
        assert base[name]["restart"] == "unless-stopped"
    assert base["worker"]["stop_grace_period"] == "300s"
    assert base["web"]["image"] == base["worker"]["image"] == "ncregister:latest"
    assert "healthcheck" in base["db"]

    local = compose_config(tmp_path, "docker-compose.yml", "docker-compose.override.yml")
    assert local["web"]["ports"] == ["127.0.0.1:8000:8000/tcp"]  # loopback only, for the reverse proxy
