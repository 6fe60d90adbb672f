import shutil
import subprocess
import sys

import polib
import pytest

from tests.helpers import ROOT, clean_env

CATALOGS = {
    ".": [
        "--ignore",
        "accounts/*",
        "--ignore",
        "submissions/*",
        "--ignore",
        "tests/*",
        "--ignore",
        "benchmarks/*",
    ],
    "accounts": ["--ignore", "standin/*"],
    "submissions": [],
}


def po_path(base, app):
    return base / app / "locale" / "nl" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("app", CATALOGS)
def test_dutch_catalog_is_complete_and_compiled(app):
    po = polib.pofile(str(po_path(ROOT, app)))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    compiled = polib.mofile(str(po_path(ROOT, app).with_suffix(".mo")))
    assert {e.msgid: e.msgstr for e in compiled} == {e.msgid: e.msgstr for e in po.translated_entries()}


@pytest.mark.parametrize("app", CATALOGS)
def test_every_string_in_the_code_is_in_the_catalog(app, tmp_path):
    assert shutil.which("xgettext"), "GNU gettext (xgettext) is needed: apt-get install gettext"
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "var", "node_modules", "staticfiles")
    )
    result = subprocess.run(
        [
            sys.executable,
            str(copy / "manage.py"),
            "makemessages",
            "--locale",
            "nl",
            "--no-obsolete",
            "--no-location",
            "--ignore",
            ".venv/*",
            *CATALOGS[app],
        ],
        cwd=copy / app,
        env=clean_env(NCR_ENV="dev"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    extracted = {e.msgid for e in polib.pofile(str(po_path(copy, app)))}
    translated = {e.msgid for e in polib.pofile(str(po_path(ROOT, app))).translated_entries()}
    assert sorted(extracted - translated) == []
