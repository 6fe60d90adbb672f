"""The no-access page: which right, where it is granted, and for which organisation a right was received."""

import dataclasses

import pytest

from accounts.grants import load_grant, save_grant
from accounts.models import Organisation
from accounts.roles import ROLE_MAP, organisations_with_rights
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def signed_in_for_gamma_with(client, *claim_values):
    gamma = Organisation.objects.create(code="0566988259", name="Transport Gamma BVBA", audience="EA")
    sign_in(client, vo_id="vo-eva", organisation=gamma, roles=[])
    session = client.session
    save_grant(session, dataclasses.replace(load_grant(session), claim_values=claim_values))
    session.save()


def test_it_names_the_organisation_the_right_is_for(client, organisation_a):
    signed_in_for_gamma_with(client, "OVAMGebruiker-NonConformiteitenIndiener:0405546706")
    html = client.get("/geen-toegang/").content.decode()
    assert "U bent aangemeld voor Transport Gamma BVBA, maar" in html
    assert "<li><strong>Afvalinzameling Alfa NV (0405.546.706)</strong></li>" in html


def test_an_organisation_never_seen_here_is_named_by_its_number(client):
    signed_in_for_gamma_with(client, "OVAMGebruiker-NonConformiteitenIndiener:0353456320")
    assert "<li><strong>0353.456.320</strong></li>" in client.get("/geen-toegang/").content.decode()


def test_rights_for_other_applications_name_nothing(client, organisation_a):
    signed_in_for_gamma_with(client, "DienstenchequesErkendeOnderneming-50042:0405546706")
    assert "Uw recht is voor een andere organisatie" not in client.get("/geen-toegang/").content.decode()


def test_it_links_to_the_user_management_of_this_environment(client, no_right, settings):
    settings.NCR_IDM_URL = "https://gebruikersbeheer.example/"
    html = client.get("/geen-toegang/").content.decode()
    assert 'href="https://gebruikersbeheer.example/">Gebruikersbeheer T&amp;I</a>' in html
    help_page = client.get("/hulp/lokale-beheerder/").content.decode()
    assert (
        '<a href="https://gebruikersbeheer.example/">‘Gebruikersbeheer van de Vlaamse overheid T&amp;I’</a>'
        in help_page
    )


def test_organisations_with_rights_reads_every_value_of_the_claim():
    claim = [
        "OVAMGebruiker-NonConformiteitenIndiener:0405546706, 0353456320",
        "ovamgebruiker - nonconformiteitenbehandelaar:OVO000000",
        "OVAMGebruiker-MATISMelder:0566988259",
    ]
    assert organisations_with_rights(claim, ROLE_MAP) == ["0353456320", "0405546706", "OVO000000"]
