import pytest

from accounts.roles import RoleValue, granted_roles, parse_role_claim
from ncregister.identifiers import normalise_orgcode

ROLE_MAP = {
    ("OVAMGebruiker", "NonConformiteitenIndiener"): "Indieners",
    ("OVAMGebruiker", "NonConformiteitenBehandelaar"): "OVAM-behandelaars",
    ("OVAMGebruiker", "NonConformiteitenBeheerder"): "OVAM-beheerders",
}
STAFF = ["OVO000000"]


def test_it_parses_one_value():
    assert parse_role_claim(["OVAMGebruiker-NonConformiteitenIndiener:0405546706"]) == [
        RoleValue("ovamgebruiker", ("nonconformiteitenindiener",), ("0405546706",))
    ]


def test_it_accepts_a_bare_string():
    assert len(parse_role_claim("OVAMGebruiker-NonConformiteitenIndiener:0405546706")) == 1


def test_it_reads_several_contexts_and_organisations_with_spaces():
    [value] = parse_role_claim(
        [" WegwijsBeheerder - algemeenbeheerder , beheerder : OVO002949 , 0405546706 "]
    )
    assert value.contexts == ("algemeenbeheerder", "beheerder")
    assert value.organisations == ("OVO002949", "0405546706")


def test_it_reads_a_2d_value_without_context():
    assert parse_role_claim(["DVMetadata:OVO002949"]) == [RoleValue("dvmetadata", (), ("OVO002949",))]


@pytest.mark.parametrize(
    "claim",
    [
        None,
        "",
        [],
        {},
        42,
        3.5,
        True,
        [None],
        [42],
        [""],
        ["   "],
        ["no-colon-here"],
        [":0405546706"],
        ["Right-ctx:"],
        ["x" * 5000 + ":0405546706"],
        [["nested"]],
        [{"a": 1}],
    ],
)
def test_garbage_grants_nothing_and_raises_nothing(claim):
    assert parse_role_claim(claim) == []
    assert granted_roles(claim, "0405546706", ROLE_MAP, STAFF) == frozenset()


def test_a_very_long_list_is_cut_off():
    claim = ["OVAMGebruiker-NonConformiteitenIndiener:0405546706"] * 100_000
    assert len(parse_role_claim(claim)) == 200


def test_garbage_is_logged_without_its_content(caplog):
    parse_role_claim(["secret-person-data 85.07.30-033.28"])
    assert "85.07.30" not in caplog.text
    assert "unparseable" in caplog.text


@pytest.mark.parametrize(
    ("code", "normalised"),
    [
        ("405546706", "0405546706"),
        ("0405.546.706", "0405546706"),
        ("BE0405546706", "0405546706"),
        ("ovo002949", "OVO002949"),
        ("0456765432", "0456765432"),
    ],
)
def test_organisation_codes_are_normalised_never_checksummed(code, normalised):
    assert normalise_orgcode(code) == normalised


def test_the_right_counts_for_the_signed_in_organisation():
    claim = ["ovamgebruiker-nonconformiteitenindiener:405546706"]
    assert granted_roles(claim, "0405546706", ROLE_MAP, STAFF) == {"Indieners"}


def test_a_right_for_another_organisation_grants_nothing():
    claim = ["OVAMGebruiker-NonConformiteitenIndiener:0405546706"]
    assert granted_roles(claim, "0566988259", ROLE_MAP, STAFF) == frozenset()


def test_one_value_for_two_organisations_counts_for_the_one_signed_in():
    claim = ["OVAMGebruiker-NonConformiteitenIndiener:0405546706,0353456320"]
    assert granted_roles(claim, "0353456320", ROLE_MAP, STAFF) == {"Indieners"}


def test_unknown_rights_and_contexts_grant_nothing():
    claim = ["OVAMGebruiker-MATISMelder:0405546706", "Other-NonConformiteitenIndiener:0405546706"]
    assert granted_roles(claim, "0405546706", ROLE_MAP, STAFF) == frozenset()


def test_staff_rights_count_only_for_ovam():
    claim = ["OVAMGebruiker-NonConformiteitenBehandelaar,NonConformiteitenBeheerder:0353456320"]
    assert granted_roles(claim, "0353456320", ROLE_MAP, STAFF) == frozenset()
    ovam_claim = ["OVAMGebruiker-NonConformiteitenBehandelaar,NonConformiteitenBeheerder:OVO000000"]
    assert granted_roles(ovam_claim, "ovo000000", ROLE_MAP, STAFF) == {"OVAM-behandelaars", "OVAM-beheerders"}


def test_two_values_with_one_context_each_add_up():
    claim = [
        "OVAMGebruiker-NonConformiteitenBehandelaar:OVO000000",
        "OVAMGebruiker-NonConformiteitenBeheerder:OVO000000",
    ]
    assert granted_roles(claim, "OVO000000", ROLE_MAP, STAFF) == {"OVAM-behandelaars", "OVAM-beheerders"}


def test_no_signed_in_organisation_grants_nothing():
    assert (
        granted_roles(["OVAMGebruiker-NonConformiteitenIndiener:0405546706"], None, ROLE_MAP, STAFF)
        == frozenset()
    )
