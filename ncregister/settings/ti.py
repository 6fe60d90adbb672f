"""Test & Integratie: ACM/IDM T&I, everything else as production."""

import os

os.environ.setdefault("ACMIDM_ISSUER", "https://authenticatie-ti.vlaanderen.be/op")
os.environ.setdefault("NCR_IDM_URL", "https://vo-gebruikersbeheer-ti.vlaanderen.be/")
os.environ.setdefault("NCR_LOG_FORMAT", "json")

from .base import *  # noqa: F403

NCR_ENV = "ti"
