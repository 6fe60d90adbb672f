"""The API through real HTTP: the portal on a live server, tokens from the ACM/IDM stand-in's
client-credentials grant, checked by the portal at the stand-in's introspection endpoint."""

import pytest
import requests

from accounts.standin.personas import API_CLIENTS_BY_ID


def get_token(standin, client_id):
    client = API_CLIENTS_BY_ID[client_id]
    response = requests.post(
        f"{standin.issuer}/v1/token",
        data={"grant_type": "client_credentials", "scope": " ".join(client.scopes)},
        auth=(client.client_id, client.client_secret),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


class Api(requests.Session):
    """requests against <portal>/api/v1 with one bearer token."""

    def __init__(self, base, token=None):
        super().__init__()
        self.base = f"{base}/api/v1"
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        if not url.startswith("http"):
            url = f"{self.base}/{url.lstrip('/')}"
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def api_clients(portal, organisation_a, organisation_b):
    """OVAM switched the API on for A and B, each with its own client (and A's scope-less one)."""
    from accounts.models import ApiClient, Organisation

    Organisation.objects.filter(pk__in=[organisation_a.pk, organisation_b.pk]).update(api_enabled=True)
    for client_id, organisation in [
        ("api-alfa", organisation_a),
        ("api-beta", organisation_b),
        ("api-alfa-zonder-scope", organisation_a),
        ("api-zonder-organisatie", organisation_a),
    ]:
        ApiClient.objects.create(client_id=client_id, organisation=organisation)
    return portal


@pytest.fixture
def api_a(api_clients, standin):
    return Api(api_clients, get_token(standin, "api-alfa"))


@pytest.fixture
def api_b(api_clients, standin):
    return Api(api_clients, get_token(standin, "api-beta"))


@pytest.fixture
def api_for(api_clients, standin):
    return lambda client_id: Api(api_clients, get_token(standin, client_id))


def record_body(**overrides):
    from django.utils import timezone

    body = {
        "datumVaststelling": timezone.localdate().isoformat(),
        "producentNaam": "Bakkerij Janssens BV",
        "producentOndernemingsnummer": "0405.546.706",
        "vestigingsnummer": "2.147.812.701",
        "beschrijving": "Karton en pmd tussen het restafval",
        "afvalstromen": [3, 16],
        "actie": "geregistreerd",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


@pytest.fixture
def settings_override(settings, tmp_path):
    """No per-minute limit while fuzzing, and files in a temporary folder."""
    settings.NCR_API_REQUESTS_PER_MINUTE = 100_000
    settings.MEDIA_ROOT = tmp_path
    return settings
