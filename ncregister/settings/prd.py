"""Production: ACM/IDM PRD. Every secret comes from the environment, without a default."""

import os

os.environ.setdefault("ACMIDM_ISSUER", "https://authenticatie.vlaanderen.be/op")
os.environ.setdefault("NCR_IDM_URL", "https://vo-gebruikersbeheer.vlaanderen.be/")
os.environ.setdefault("NCR_LOG_FORMAT", "json")

from .base import *  # noqa: F403

NCR_ENV = "prd"
