"""Demo identities offered on the stand-in's login page (no Django imports: tests use these too)."""

from dataclasses import dataclass, field

ORG_A = "0405546706"
ORG_A_NAME = "Afvalinzameling Alfa NV"
ORG_B = "0353456320"
ORG_B_NAME = "Containerdienst Beta BV"
ORG_C = "0566988259"
ORG_C_NAME = "Transport Gamma BVBA"
ORG_OVAM = "OVO000000"
ORG_OVAM_NAME = "OVAM (demo)"

INDIENER = "OVAMGebruiker-NonConformiteitenIndiener"
BEHANDELAAR = "OVAMGebruiker-NonConformiteitenBehandelaar"
BEHEERDER = "OVAMGebruiker-NonConformiteitenBeheerder"

DEFAULT_ROLE_CLAIM = "dv_ovam_ncr_rol_3d"


@dataclass(frozen=True)
class Persona:
    key: str
    label: str
    given_name: str
    family_name: str
    vo_id: str
    sub: str
    vo_doelgroepcode: str
    vo_orgcode: str
    vo_orgnaam: str
    roles: list[str] = field(default_factory=list)

    def claims(self, role_claim: str = DEFAULT_ROLE_CLAIM) -> dict:
        """The claims ACM would put in the ID token for this person."""
        return {
            "sub": self.sub,
            "vo_id": self.vo_id,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "vo_doelgroepcode": self.vo_doelgroepcode,
            "vo_orgcode": self.vo_orgcode,
            "vo_orgnaam": self.vo_orgnaam,
            role_claim: list(self.roles),
        }


_CHRIS = dict(
    given_name="Chris",
    family_name="Wouters",
    vo_id="9c62ccba-7765-5828-a4e2-bf0d7b0c9141",
    sub="2ba2a5df25df5d71b75b914ad0281e92",
    vo_doelgroepcode="EA",
    roles=[f"{INDIENER}:{ORG_A}", f"{INDIENER}:{ORG_B}"],
)

PERSONAS: tuple[Persona, ...] = (
    Persona(
        key="indiener-a",
        label="Indiener voor inzamelaar A",
        given_name="An",
        family_name="Peeters",
        vo_id="bc8cdfad-d78f-5766-a88c-963483bcd4aa",
        sub="fe4cc9aad57e5a9e8086005f04aba37f",
        vo_doelgroepcode="EA",
        vo_orgcode=ORG_A,
        vo_orgnaam=ORG_A_NAME,
        roles=[f"{INDIENER}:{ORG_A}"],
    ),
    Persona(
        key="indiener-b",
        label="Indiener voor inzamelaar B",
        given_name="Bram",
        family_name="Claes",
        vo_id="4852c101-575c-5ac8-b2d6-ade4810684a8",
        sub="fe548e8f57145f309a2380638354844e",
        vo_doelgroepcode="EA",
        vo_orgcode=ORG_B,
        vo_orgnaam=ORG_B_NAME,
        roles=[f"{INDIENER}:{ORG_B}"],
    ),
    # Same person twice: ACM lets someone with rights for A and B choose the organisation at login.
    Persona(
        key="indiener-ab",
        label="Indiener voor A en B, aangemeld voor A",
        vo_orgcode=ORG_A,
        vo_orgnaam=ORG_A_NAME,
        **_CHRIS,
    ),
    Persona(
        key="indiener-ab-b",
        label="Indiener voor A en B, aangemeld voor B",
        vo_orgcode=ORG_B,
        vo_orgnaam=ORG_B_NAME,
        **_CHRIS,
    ),
    Persona(
        key="geen-recht",
        label="Geen gebruikersrecht",
        given_name="Dirk",
        family_name="Maes",
        vo_id="37d6a735-cc16-5995-bd32-77277231486f",
        sub="db06e1515eea5d159d80c500fd84ed2e",
        vo_doelgroepcode="EA",
        vo_orgcode=ORG_C,
        vo_orgnaam=ORG_C_NAME,
        roles=[],
    ),
    Persona(
        key="ander-org",
        label="Aangemeld voor C, maar recht voor A",
        given_name="Eva",
        family_name="Jacobs",
        vo_id="ca7c488c-b021-52f4-ac81-c850b01a0967",
        sub="4ab02e7db46b59a683ead15c832c5a57",
        vo_doelgroepcode="EA",
        vo_orgcode=ORG_C,
        vo_orgnaam=ORG_C_NAME,
        roles=[f"{INDIENER}:{ORG_A}"],
    ),
    Persona(
        key="behandelaar",
        label="Behandelaar bij OVAM",
        given_name="Femke",
        family_name="Janssens",
        vo_id="45510394-db83-57d5-bed1-f3748f41d761",
        sub="4e474de4a0935b538eb62f2929a471eb",
        vo_doelgroepcode="GID",
        vo_orgcode=ORG_OVAM,
        vo_orgnaam=ORG_OVAM_NAME,
        roles=[f"{BEHANDELAAR}:{ORG_OVAM}"],
    ),
    Persona(
        key="beheerder",
        label="Beheerder bij OVAM",
        given_name="Geert",
        family_name="Willems",
        vo_id="85b0c4f3-3a57-5470-93bd-578819b7b3ca",
        sub="79f42dd2555e5bb0a3559abeebce8ab0",
        vo_doelgroepcode="GID",
        vo_orgcode=ORG_OVAM,
        vo_orgnaam=ORG_OVAM_NAME,
        roles=[f"{BEHEERDER}:{ORG_OVAM}"],
    ),
    # A local administrator outside OVAM granted the reviewer context: must not make her OVAM staff.
    Persona(
        key="behandelaar-extern",
        label="Behandelaarsrecht buiten OVAM",
        given_name="Hanne",
        family_name="Smets",
        vo_id="43e6dbb7-52d8-53df-8edd-afefec7df29d",
        sub="06b4fd9da1185514a343f6f5ad0bdb9f",
        vo_doelgroepcode="EA",
        vo_orgcode=ORG_B,
        vo_orgnaam=ORG_B_NAME,
        roles=[f"{BEHANDELAAR}:{ORG_B}"],
    ),
)

PERSONAS_BY_KEY: dict[str, Persona] = {p.key: p for p in PERSONAS}


# --- Machine clients (client-credentials grant): collectors' route software calling the portal's API ---

API_SCOPE = "dv_ovam_ncr_api"  # the stand-in's spelling of the API scope (integration file in ACM)


@dataclass(frozen=True)
class ApiClient:
    client_id: str
    client_secret: str
    label: str
    vo_orgcode: str
    vo_orgnaam: str
    scopes: tuple[str, ...] = ("vo_info", API_SCOPE)


API_CLIENTS: tuple[ApiClient, ...] = (
    ApiClient("api-alfa", "api-alfa-secret", "Routesoftware van inzamelaar A", ORG_A, ORG_A_NAME),
    ApiClient("api-beta", "api-beta-secret", "Routesoftware van inzamelaar B", ORG_B, ORG_B_NAME),
    # Registered without the API scope: its tokens must not open the API.
    ApiClient(
        "api-alfa-zonder-scope",
        "api-alfa-zonder-scope-secret",
        "Zonder API-scope",
        ORG_A,
        ORG_A_NAME,
        scopes=("vo_info",),
    ),
    # A client that acts for no organisation (vo_info gives no vo_orgcode).
    ApiClient("api-zonder-organisatie", "api-zonder-organisatie-secret", "Zonder organisatie", "", ""),
)
API_CLIENTS_BY_ID: dict[str, ApiClient] = {c.client_id: c for c in API_CLIENTS}
