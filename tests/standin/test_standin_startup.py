import subprocess
import sys

import pytest

from accounts.standin.personas import PERSONAS_BY_KEY
from accounts.standin.server import REPO_ROOT, running_standin

from .flow import sign_in, verify


@pytest.mark.parametrize("env", ["ti", "prd", "PRD"])
def test_refuses_ti_and_prd(env, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "accounts.standin", "--port", "1", "--db", str(tmp_path / "x.sqlite3")],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "NCR_ENV": env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "refuses to run" in result.stderr
    assert not (tmp_path / "x.sqlite3").exists()


def test_role_claim_name_from_env_and_own_client():
    with running_standin(
        client_id="other-client",
        client_secret="other-secret",
        env={"ACMIDM_ROLE_CLAIM": "dv_test_rol_3d"},
    ) as standin:
        claims = verify(standin, sign_in(standin, "beheerder")[0]["id_token"])
    assert claims["aud"] == "other-client"
    assert claims["dv_test_rol_3d"] == PERSONAS_BY_KEY["beheerder"].roles
    assert "dv_ovam_ncr_rol_3d" not in claims


def test_dead_process_reports_output(tmp_path):
    # A directory cannot be opened as SQLite database: start-up fails and the output must be reported.
    with pytest.raises(RuntimeError, match="exited"), running_standin(db_path=str(tmp_path)):
        pass
