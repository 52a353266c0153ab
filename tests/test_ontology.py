"""Tests for flashpoint.ontology: the CAMEO 1.1b3 table and its lookups."""

from __future__ import annotations

import pytest

from flashpoint import ontology
from flashpoint.ontology import CameoCode

ALL = ontology.all_codes()
ALL_IDS = [c.code for c in ALL]
ROOTS = [f"{n:02d}" for n in range(1, 21)]

ROOT_PLOVER = {
    "01": None,
    "02": "REQUEST",
    "03": "AGREE",
    "04": "CONSULT",
    "05": "SUPPORT",
    "06": "COOPERATE",
    "07": "AID",
    "09": "ACCUSE",
    "10": "REQUEST",
    "11": "ACCUSE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "ASSAULT",
    "20": "ASSAULT",
}


def test_ontology_table_size_and_order() -> None:
    assert len(ALL) == 313
    assert len(set(ALL_IDS)) == len(ALL_IDS)
    assert sorted(ALL_IDS) == ALL_IDS  # codebook order: each root, then its codes
    assert sum(len(c) == 2 for c in ALL_IDS) == 20


def test_ontology_all_codes_returns_a_new_list() -> None:
    codes = ontology.all_codes()
    codes.clear()
    assert len(ontology.all_codes()) == len(ALL)


def test_ontology_0256_takes_its_parent_score() -> None:
    # The codebook scores 025 "Appeal to yield" but none of its sub-codes 0251-0256:
    # they take the parent's -0.3.
    assert ontology.describe("0256").goldstein == ontology.describe("025").goldstein == -0.3


@pytest.mark.parametrize("root", ROOTS)
def test_ontology_every_root_exists(root: str) -> None:
    assert ontology.is_code(root)
    assert ontology.describe(root).root == root


@pytest.mark.parametrize("cc", ALL, ids=ALL_IDS)
def test_ontology_code_shape(cc: CameoCode) -> None:
    assert isinstance(cc, CameoCode)
    assert cc.code.isdigit() and len(cc.code) in (2, 3, 4)
    assert cc.root == cc.code[:2]
    assert cc.name and cc.name == cc.name.strip()
    assert ontology.describe(cc.code) is cc


@pytest.mark.parametrize("cc", ALL, ids=ALL_IDS)
def test_ontology_quad_class_agrees_with_root(cc: CameoCode) -> None:
    root = int(cc.root)
    expected = 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4
    assert cc.quad_class == expected
    assert ontology.quad_class(cc.root) == expected
    assert ontology.quad_class(cc.code) == expected


@pytest.mark.parametrize("cc", ALL, ids=ALL_IDS)
def test_ontology_goldstein_in_range(cc: CameoCode) -> None:
    assert isinstance(cc.goldstein, float)
    assert -10.0 <= cc.goldstein <= 10.0


@pytest.mark.parametrize("cc", [c for c in ALL if len(c.code) >= 3], ids=lambda c: c.code)
def test_ontology_parent_exists(cc: CameoCode) -> None:
    parent = cc.code[:-1]
    assert ontology.is_code(parent), f"{cc.code} has no parent {parent}"
    assert ontology.is_code(cc.root)


@pytest.mark.parametrize("cc", [c for c in ALL if len(c.code) == 4], ids=lambda c: c.code)
def test_ontology_four_digit_code_has_three_digit_parent(cc: CameoCode) -> None:
    parent = ontology.describe(cc.code[:3])
    assert len(parent.code) == 3
    assert cc.plover_type == parent.plover_type


@pytest.mark.parametrize("cc", ALL, ids=ALL_IDS)
def test_ontology_plover_type_follows_root(cc: CameoCode) -> None:
    if cc.root == "08":
        expected = "RETREAT" if cc.code[2:3] in {"4", "5", "6", "7"} else "CONCEDE"
    else:
        expected = ROOT_PLOVER[cc.root]
    assert cc.plover_type == expected
    assert ontology.plover_type(cc.code) == expected
    if cc.plover_type is None:
        assert cc.plover_mode is None


@pytest.mark.parametrize(
    ("code", "name", "goldstein"),
    [
        ("0256", "Appeal for de-escalation of military engagement", -0.3),
        ("025", "Appeal to yield, not specified below", -0.3),
        ("018", "Make empathetic comment", 3.4),
        ("019", "Express accord", 3.4),
        ("040", "Consult, not specified below", 1.0),
        ("041", "Discuss by telephone", 1.0),
        ("190", "Use conventional military force, not specified below", -10.0),
        ("195", "Employ aerial weapons", -10.0),
        ("0874", "Retreat or surrender militarily", 10.0),
        ("163", "Impose embargo, boycott, or sanctions", -8.0),
        ("166", "Expel or withdraw, not specified below", -7.0),
        ("129", "Veto", -5.0),
    ],
)
def test_ontology_known_names_and_scores(code: str, name: str, goldstein: float) -> None:
    cc = ontology.describe(code)
    assert cc.name == name
    assert cc.goldstein == goldstein


@pytest.mark.parametrize(
    ("code", "plover", "mode"),
    [
        ("041", "CONSULT", "phone"),
        ("042", "CONSULT", "visit"),
        ("040", "CONSULT", None),
        ("195", "ASSAULT", "heavy-weapons"),
        ("084", "RETREAT", None),
        ("0871", "RETREAT", "ceasefire"),
        ("080", "CONCEDE", None),
        ("081", "CONCEDE", None),
        ("0813", "CONCEDE", None),
        ("087", "RETREAT", "disarm"),
        ("0256", "REQUEST", None),
        ("1056", "REQUEST", "yield"),
        ("163", "SANCTION", None),
        ("173", "COERCE", "arrest"),
        ("010", None, None),
        ("01", None, None),
        ("018", None, None),
    ],
)
def test_ontology_plover_type_and_mode(code: str, plover: str | None, mode: str | None) -> None:
    assert ontology.plover_type(code) == plover
    assert ontology.describe(code).plover_mode == mode


@pytest.mark.parametrize("code", [c for c in ALL_IDS if c.startswith("01")])
def test_ontology_statements_have_no_plover_type(code: str) -> None:
    assert ontology.plover_type(code) is None


@pytest.mark.parametrize("code", ["256", "41", "0", "", "21", "000", "0257", "1457", "abc", " 041"])
def test_ontology_unknown_code_raises_key_error_naming_it(code: str) -> None:
    assert not ontology.is_code(code)
    with pytest.raises(KeyError) as info:
        ontology.describe(code)
    assert repr(code) in str(info.value)
    with pytest.raises(KeyError):
        ontology.plover_type(code)
    with pytest.raises(KeyError):
        ontology.quad_class(code)


def test_ontology_unknown_code_hints_at_leading_zero() -> None:
    with pytest.raises(KeyError, match="did you mean '0256'"):
        ontology.describe("256")


@pytest.mark.parametrize("value", [None, 41, ["041"]])
def test_ontology_non_string_is_not_a_code(value: object) -> None:
    assert not ontology.is_code(value)  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        ontology.describe(value)  # type: ignore[arg-type]


def test_ontology_records_are_frozen() -> None:
    cc = ontology.describe("041")
    with pytest.raises(AttributeError):
        cc.goldstein = 0.0  # type: ignore[misc]
