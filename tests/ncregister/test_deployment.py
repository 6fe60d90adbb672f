import shutil
import subprocess

from tests.helpers import ROOT


def test_compose_file_is_valid_and_migrations_run_once(tmp_path):
    assert shutil.which("docker-compose"), (
        "Debian's docker-compose validates the file: apt-get install docker-compose"
    )
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    env = {"PATH": "/usr/bin:/bin", "POSTGRES_PASSWORD": "x"}
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
