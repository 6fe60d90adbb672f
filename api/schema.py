"""What the OpenAPI document says about each operation (drf-spectacular): Dutch descriptions,
examples, and the problem documents each may answer. The views do the work; these serializers only
describe it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from api.problems import CONTENT_TYPE, TYPE_PREFIX

ACTIONS = ["geweigerd", "geregistreerd", "nagesorteerd"]
STATUSES = ["ingediend", "in_behandeling", "afgesloten", "doorverwezen", "ingetrokken"]


class WasteStreamSerializer(serializers.Serializer):
    nummer = serializers.IntegerField(help_text="Nummer van de afvalstroom (VLAREMA art. 4.3.2).")
    naam = serializers.CharField()
    korteNaam = serializers.CharField()
    geldigVan = serializers.DateField(allow_null=True, help_text="Geldig vanaf deze datum (leeg: altijd).")
    geldigTot = serializers.DateField(
        allow_null=True, help_text="Geldig tot en met deze datum (leeg: nog geldig)."
    )


class WasteStreamListSerializer(serializers.Serializer):
    items = WasteStreamSerializer(many=True)


class RecordInputSerializer(serializers.Serializer):
    """Dezelfde velden en regels als het formulier van het portaal."""

    datumVaststelling = serializers.DateField(
        help_text="Datum van de non-conformiteit (JJJJ-MM-DD), niet in de toekomst."
    )
    producentNaam = serializers.CharField(max_length=255, help_text="Naam van de afvalproducent.")
    producentOndernemingsnummer = serializers.CharField(help_text="KBO-nummer van de afvalproducent.")
    vestigingsnummer = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Vestigingseenheidsnummer; zonder dit nummer is het volledige ophaaladres verplicht.",
    )
    straat = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
    huisnummer = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    postcode = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    gemeente = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    beschrijving = serializers.CharField(max_length=5000, help_text="Wat er gevonden werd.")
    afvalstromen = serializers.ListField(
        child=serializers.IntegerField(), help_text="Nummers van afvalstromen die op de datum gelden."
    )
    actie = serializers.ChoiceField(choices=ACTIONS, help_text="Wat de inzamelaar deed.")
    klantGeinformeerdOp = serializers.DateField(required=False, allow_null=True)
    containerReferentie = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=100
    )
    eigenReferentie = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=100,
        help_text="Uw eigen referentie; uniek binnen uw organisatie.",
    )
    laattijdigBevestigd = serializers.BooleanField(
        required=False,
        help_text=(
            "Verplicht true voor een melding na de registratietermijn: ze wordt dan als laattijdig bewaard."
        ),
    )


class RecordPatchSerializer(RecordInputSerializer):
    """Alleen de velden die wijzigen; de andere blijven zoals ze zijn."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class PhotoRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class RecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    datumVaststelling = serializers.DateField()
    producentNaam = serializers.CharField()
    producentOndernemingsnummer = serializers.CharField()
    vestigingsnummer = serializers.CharField(allow_blank=True)
    straat = serializers.CharField(allow_blank=True)
    huisnummer = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)
    gemeente = serializers.CharField(allow_blank=True)
    beschrijving = serializers.CharField()
    afvalstromen = serializers.ListField(child=serializers.IntegerField())
    actie = serializers.ChoiceField(choices=ACTIONS)
    klantGeinformeerdOp = serializers.DateField(allow_null=True)
    containerReferentie = serializers.CharField(allow_blank=True)
    eigenReferentie = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=STATUSES, help_text="Behandelstatus bij OVAM.")
    laattijdig = serializers.BooleanField(help_text="Na de registratietermijn ontvangen.")
    registratietermijn = serializers.DateTimeField()
    ontvangenOp = serializers.DateTimeField()
    gewijzigdOp = serializers.DateTimeField()
    bron = serializers.ChoiceField(choices=["formulier", "upload", "api"])
    versie = serializers.IntegerField(help_text="Versie; dezelfde waarde als de ETag.")
    redenIntrekking = serializers.CharField(allow_blank=True)
    fotos = PhotoRefSerializer(many=True)


class RecordPageSerializer(serializers.Serializer):
    items = RecordSerializer(many=True)
    volgende = serializers.URLField(allow_null=True, help_text="De volgende pagina, of null.")


class WithdrawalSerializer(serializers.Serializer):
    reden = serializers.CharField(max_length=2000, help_text="Waarom de melding ingetrokken wordt.")


class PhotosSerializer(serializers.Serializer):
    fotos = serializers.ListField(
        child=serializers.FileField(), help_text="Eén tot vijf foto's (JPEG, PNG of WebP) per melding."
    )


class IssueSerializer(serializers.Serializer):
    _in = serializers.ChoiceField(choices=["body", "query", "header", "path"])
    name = serializers.CharField(allow_blank=True)
    value = serializers.JSONField(allow_null=True)
    detail = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        fields["in"] = fields.pop("_in")
        return fields


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text=f"Stabiel type: {TYPE_PREFIX}<naam>.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    issues = IssueSerializer(many=True, required=False)


def problems(**by_status):
    """{(status, application/problem+json): response} for `s400="..."`, `s404="..."`, ..."""
    return {
        (int(key.removeprefix("s")), CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=text)
        for key, text in by_status.items()
    }


AUTH_PROBLEMS = problems(
    s401="Geen, een ongeldig of verlopen toegangstoken, of een token zonder de API-scope.",
    s403="Het token noemt geen organisatie, of de client heeft geen API-toegang.",
    s413="Het verzoek is te groot; de grens staat in `detail`.",
    s429="Te veel verzoeken van deze client deze minuut; probeer opnieuw na Retry-After.",
    s503="ACM/IDM kan het token nu niet bevestigen; probeer opnieuw na Retry-After.",
)
ETAG = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="De ETag (versie) van de melding zoals u ze las.",
)
ETAG_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Optioneel: de ETag (versie) van de melding zoals u ze las.",
)
EXAMPLE = {
    "datumVaststelling": "2026-11-02",
    "producentNaam": "Bakkerij Janssens BV",
    "producentOndernemingsnummer": "0405.546.706",
    "vestigingsnummer": "2.147.812.701",
    "beschrijving": "Karton en pmd tussen het restafval",
    "afvalstromen": [3, 16],
    "actie": "geregistreerd",
    "eigenReferentie": "NC-2026-0001",
}
LIST_PARAMETERS = {
    "datumVan",
    "datumTot",
    "status",
    "producent",
    "gewijzigdSinds",
    "batch",
    "cursor",
    "limiet",
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Een nieuwe willekeurige waarde per verzoek (bv. een UUID). Hetzelfde verzoek opnieuw met dezelfde "
        "sleutel geeft het eerste antwoord opnieuw (24 uur); een ander verzoek met dezelfde sleutel 422."
    ),
)
CORRELATION_ID = OpenApiParameter(
    "X-Correlation-ID",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Uw eigen kenmerk van de oproep (tot 128 tekens); komt terug in het antwoord en onze logs.",
)


class BatchErrorSerializer(serializers.Serializer):
    item = serializers.IntegerField(allow_null=True, help_text="Index in de JSON-lijst (vanaf 0).")
    rij = serializers.IntegerField(allow_null=True, help_text="Rij in het bestand (rij 1: de kolomkoppen).")
    veld = serializers.CharField(allow_blank=True)
    waarde = serializers.CharField(allow_blank=True)
    detail = serializers.CharField()


class BatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["wachtrij", "bezig", "aanvaard", "geweigerd", "mislukt"])
    soort = serializers.ChoiceField(choices=["json", "bestand"])
    aantal = serializers.IntegerField()
    verwerkt = serializers.IntegerField()
    ontvangenOp = serializers.DateTimeField()
    afgerondOp = serializers.DateTimeField(allow_null=True)
    foutenAantal = serializers.IntegerField()
    fouten = BatchErrorSerializer(many=True)
    nonConformiteiten = serializers.URLField(allow_null=True, help_text="De bewaarde meldingen (aanvaard).")


class BatchFileSerializer(serializers.Serializer):
    bestand = serializers.FileField(help_text="Een CSV- of XLSX-bestand in het sjabloon van de upload.")
    laattijdigBevestigd = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=999_999_999,
        help_text="Het aantal laattijdige rijen in het bestand dat u bevestigt (standaard 0). "
        "Klopt het niet, "
        "dan wordt niets bewaard en zegt de batch hoeveel rijen laattijdig zijn.",
    )


WASTE_STREAMS = dict(
    operation_id="afvalstromen",
    summary="Afvalstromen",
    description=(
        "De afvalstromen die gescheiden moeten blijven, met hun geldigheid. Zonder token toegankelijk."
    ),
    responses={200: WasteStreamListSerializer, **AUTH_PROBLEMS},
    auth=[],
    tags=["Referentiegegevens"],
)
LIST = dict(
    operation_id="nonConformiteitenLijst",
    summary="Uw non-conformiteiten",
    description=(
        "De meldingen van uw organisatie, nieuwste eerst, per pagina. Volg `volgende` voor de rest. "
        "Met `gewijzigdSinds` haalt u de behandelstatus van OVAM op sinds uw vorige synchronisatie."
    ),
    parameters=[
        OpenApiParameter("datumVan", OpenApiTypes.DATE, description="Vastgesteld op of na deze datum."),
        OpenApiParameter("datumTot", OpenApiTypes.DATE, description="Vastgesteld op of voor deze datum."),
        OpenApiParameter("status", OpenApiTypes.STR, enum=STATUSES, description="Behandelstatus."),
        OpenApiParameter("producent", OpenApiTypes.STR, description="KBO-nummer van de producent."),
        OpenApiParameter(
            "gewijzigdSinds", OpenApiTypes.DATETIME, description="Gewijzigd op of na dit moment."
        ),
        OpenApiParameter("batch", OpenApiTypes.INT, description="Alleen de meldingen van deze batch."),
        OpenApiParameter("cursor", OpenApiTypes.STR, description="Uit de link `volgende`."),
        OpenApiParameter("limiet", OpenApiTypes.INT, description="Aantal per pagina (1-500, standaard 100)."),
    ],
    responses={200: RecordPageSerializer, **problems(s400="Een ongeldige parameter."), **AUTH_PROBLEMS},
    tags=["Non-conformiteiten"],
)
CREATE = dict(
    operation_id="nonConformiteitIndienen",
    summary="Een non-conformiteit indienen",
    description=(
        "Dezelfde velden en regels als het formulier. Een melding na de registratietermijn wordt "
        "geweigerd (`laattijdig`), tenzij `laattijdigBevestigd: true`. Onbekende velden worden geweigerd."
    ),
    request=RecordInputSerializer,
    parameters=[IDEMPOTENCY_KEY, CORRELATION_ID],
    examples=[OpenApiExample("Melding", value=EXAMPLE, request_only=True)],
    responses={
        201: RecordSerializer,
        **problems(s400="Geen geldige JSON."),
        **problems(s415="Geen application/json."),
        **problems(s409="De eerste oproep met deze Idempotency-Key loopt nog."),
        **problems(
            s422="Fouten per veld, een laattijdige melding zonder bevestiging, of een hergebruikte sleutel."
        ),
        **AUTH_PROBLEMS,
    },
    tags=["Non-conformiteiten"],
)
DETAIL = dict(
    operation_id="nonConformiteit",
    summary="Eén non-conformiteit",
    description="De melding met haar versie als ETag.",
    responses={
        200: RecordSerializer,
        **problems(s404="Bestaat niet of is niet van uw organisatie."),
        **AUTH_PROBLEMS,
    },
    tags=["Non-conformiteiten"],
)
CORRECT = dict(
    operation_id="nonConformiteitCorrigeren",
    summary="Een non-conformiteit corrigeren",
    description=(
        "Zolang OVAM de melding niet in behandeling nam. Stuur alleen de velden die wijzigen, met "
        "`If-Match` (de ETag uit GET)."
    ),
    request=RecordPatchSerializer,
    parameters=[ETAG, CORRELATION_ID],
    responses={
        200: RecordSerializer,
        **problems(s400="Geen geldige JSON."),
        **problems(s404="Bestaat niet of is niet van uw organisatie."),
        **problems(s409="OVAM behandelt de melding al."),
        **problems(s412="De melding wijzigde intussen."),
        **problems(s415="Geen application/json."),
        **problems(s422="Fouten per veld."),
        **problems(s428="If-Match ontbreekt."),
        **AUTH_PROBLEMS,
    },
    tags=["Non-conformiteiten"],
)
WITHDRAW = dict(
    operation_id="nonConformiteitIntrekken",
    summary="Een non-conformiteit intrekken",
    request=WithdrawalSerializer,
    parameters=[ETAG_OPTIONAL, IDEMPOTENCY_KEY, CORRELATION_ID],
    responses={
        200: RecordSerializer,
        **problems(s400="Geen geldige JSON."),
        **problems(s404="Bestaat niet of is niet van uw organisatie."),
        **problems(s409="Niet meer in te trekken."),
        **problems(s412="De melding wijzigde intussen."),
        **problems(s415="Geen application/json."),
        **problems(s422="De reden ontbreekt."),
        **AUTH_PROBLEMS,
    },
    tags=["Non-conformiteiten"],
)
PHOTOS = dict(
    operation_id="fotosToevoegen",
    summary="Foto's toevoegen",
    description=(
        "Zolang de melding nog gecorrigeerd mag worden; dezelfde grenzen en verwerking als het formulier."
    ),
    request={"multipart/form-data": PhotosSerializer},
    parameters=[ETAG_OPTIONAL, IDEMPOTENCY_KEY, CORRELATION_ID],
    responses={
        200: RecordSerializer,
        **problems(s404="Bestaat niet of is niet van uw organisatie."),
        **problems(s409="OVAM behandelt de melding al."),
        **problems(s412="De melding wijzigde intussen."),
        **problems(s400="Een ongeldige Idempotency-Key."),
        **problems(s415="Geen multipart/form-data."),
        **problems(s422="Geen geldige foto's, of te veel."),
        **AUTH_PROBLEMS,
    },
    tags=["Non-conformiteiten"],
)


class IntrospectionScheme(OpenApiAuthenticationExtension):
    """The bearer token of ACM/IDM's client-credentials grant."""

    target_class = "api.auth.IntrospectionAuthentication"
    name = "acmidm"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Toegangstoken van ACM/IDM (client-credentials) met de scopes vo_info en de API-scope."
            ),
        }


BATCH_CREATE = dict(
    operation_id="batchIndienen",
    summary="Een batch indienen",
    description=(
        "Een JSON-lijst van meldingen (zoals bij één melding; hoogstens NCR_API_BATCH_MAX_ITEMS, standaard "
        "1.000) of een CSV/XLSX-bestand in het sjabloon van de upload (veld `bestand`). Antwoord 202 met "
        "`Location`; de verwerker bewaart alles of niets, net als een upload. Volg de status met GET."
    ),
    request={
        "application/json": RecordInputSerializer(many=True),
        "multipart/form-data": BatchFileSerializer,
    },
    parameters=[IDEMPOTENCY_KEY, CORRELATION_ID],
    responses={
        202: BatchSerializer,
        **problems(s400="Geen geldige JSON of geen lijst."),
        **problems(s409="Deze batch werd al aanvaard, of de Idempotency-Key is nog bezig."),
        **problems(s415="Geen application/json of multipart/form-data."),
        **problems(s422="Fouten per item en veld; er werd niets bewaard."),
        **AUTH_PROBLEMS,
    },
    tags=["Batches"],
)
BATCH_DETAIL = dict(
    operation_id="batch",
    summary="Status van een batch",
    description="wachtrij, bezig, aanvaard, geweigerd (met elke fout per item of rij en veld) of mislukt.",
    parameters=[CORRELATION_ID],
    responses={
        200: BatchSerializer,
        **problems(s404="Bestaat niet of is niet van uw organisatie."),
        **AUTH_PROBLEMS,
    },
    tags=["Batches"],
)
