"""Each area's `references` to the inspectorates' own headings (issue 11, evidence pack): an optional field,
validated like the rest with its place in the file, and metadata that the content hash leaves out (adding or
correcting references does not change a used version's hash; changing a question still does)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assess.questionnaire.loader import QuestionnaireError, content_hash, load_file, load_registry

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "questionnaires" / "mini" / "1.0.yaml"
MINI_TEXT = MINI.read_text(encoding="utf-8")
# Where references go in the mini fixture: after the first domain's sources, before its shared level guide.
ANCHOR = "    sources: [{source: test-source}]\n"


def with_references(block: str, text: str = MINI_TEXT) -> str:
    assert text.count(ANCHOR) == 1, "the mini fixture changed: update ANCHOR"
    return text.replace(ANCHOR, ANCHOR + block)


def write(root: Path, text: str) -> Path:
    path = root / "mini" / "1.0.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_in(path: Path) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    return caught.value.problems


TWO = """    references:
      - scheme: HM Inspectorate of Prisons Expectations
        heading: "Respect: Daily life – consultation"
        kinds: [prison]
      - {scheme: HM Inspectorate of Probation standards, heading: Leadership, kinds: [probation]}
      - {scheme: A scheme for both, heading: Both kinds}
"""


# --- the field --------------------------------------------------------------------------------------------


def test_references_are_optional() -> None:
    definition = load_file(MINI).definition
    assert all(domain.references == () for domain in definition.domains)
    assert definition.domains[0].references_for("prison") == ()


def test_references_load_in_order_with_their_kinds(tmp_path: Path) -> None:
    domain = load_file(write(tmp_path, with_references(TWO))).definition.domains[0]
    assert [(item.scheme, item.heading, item.kinds) for item in domain.references] == [
        ("HM Inspectorate of Prisons Expectations", "Respect: Daily life – consultation", ("prison",)),
        ("HM Inspectorate of Probation standards", "Leadership", ("probation",)),
        ("A scheme for both", "Both kinds", ("prison", "probation")),  # default: every kind
    ]
    assert [item.heading for item in domain.references_for("prison")] == [
        "Respect: Daily life – consultation",
        "Both kinds",
    ]
    assert [item.heading for item in domain.references_for("probation")] == ["Leadership", "Both kinds"]
    assert domain.references[0].text == "HM Inspectorate of Prisons Expectations: Respect: Daily life – consultation"


def test_the_real_questionnaire_has_references_for_both_kinds_of_site() -> None:
    registry = load_registry([ROOT / "questionnaires"])
    definition = registry.latest("sui-maturity").definition
    prisons = [domain.id for domain in definition.domains if domain.references_for("prison")]
    probation = [domain.id for domain in definition.domains if domain.references_for("probation")]
    assert prisons == [domain.id for domain in definition.domains]  # every area has a prisons heading
    assert {"leadership", "voice", "influence", "welfare", "resources"} <= set(probation)
    voice = definition.domain("voice")
    assert any(
        item.scheme == "HM Inspectorate of Prisons Expectations" and item.heading.startswith("Respect: Daily life")
        for item in voice.references_for("prison")
    )
    headings = [item.heading for domain in definition.domains for item in domain.references]
    assert not any(char.isdigit() for heading in headings for char in heading), "no invented paragraph numbers"


# --- mistakes, each reported with its place -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "    references: HMIP Respect\n",
            "mini/1.0.yaml: domains[0].references: expected a list (one item per line, each starting with '- '), "
            "found the text 'HMIP Respect'",
        ),
        (
            "    references: {scheme: HMIP, heading: Respect}\n",
            "mini/1.0.yaml: domains[0].references: expected a list (one item per line, each starting with '- '), "
            "found a mapping of fields",
        ),
        (
            "    references:\n      - 'HMIP: Respect'\n",
            "mini/1.0.yaml: domains[0].references[0]: expected a reference such as {scheme: HM Inspectorate of "
            "Prisons Expectations, heading: 'Respect: Daily life'}, found str 'HMIP: Respect'",
        ),
        (
            "    references:\n      - {scheme: HMIP}\n",
            "mini/1.0.yaml: domains[0].references[0].heading: required field is missing",
        ),
        (
            "    references:\n      - {scheme: HMIP, heading: '  '}\n",
            "mini/1.0.yaml: domains[0].references[0].heading: String should have at least 1 character",
        ),
        (
            "    references:\n      - {scheme: HMIP, heading: 4}\n",
            "mini/1.0.yaml: domains[0].references[0].heading: Input should be a valid string",
        ),
        (
            "    references:\n      - {scheme: HMIP, heading: Respect, paragraph: 4}\n",
            "mini/1.0.yaml: domains[0].references[0].paragraph: unknown field (check the spelling against "
            "questionnaires/README.md)",
        ),
        (
            "    references:\n      - {scheme: HMIP, heading: Respect, kinds: [jail]}\n",
            "mini/1.0.yaml: domains[0].references[0].kinds[0]: Input should be 'prison' or 'probation'",
        ),
        (
            "    references:\n      - {scheme: HMIP, heading: Respect, kinds: prison}\n",
            "mini/1.0.yaml: domains[0].references[0].kinds: expected a list (one item per line, each starting "
            "with '- '), found the text 'prison'",
        ),
        (
            "    references:\n      - {scheme: HMIP, heading: Respect, kinds: []}\n",
            "mini/1.0.yaml: domains[0].references[0].kinds: needs at least 1 item",
        ),
        (
            "    references:\n      - {scheme: HMIP, heading: Respect, kinds: [prison, prison]}\n",
            "mini/1.0.yaml: domains[0].references[0].kinds: a kind of site is listed more than once",
        ),
        (
            "    references:\n      - {scheme: HMIP, heading: Respect}\n      - {scheme: hmip, heading: 'respect '}\n",
            "mini/1.0.yaml: domains[0].references[1]: 'respect' of 'hmip' is listed more than once",
        ),
    ],
)
def test_a_wrong_shape_is_reported_with_its_place(tmp_path: Path, block: str, expected: str) -> None:
    assert problems_in(write(tmp_path, with_references(block))) == [expected]


def test_a_kind_the_questionnaire_is_not_for(tmp_path: Path) -> None:
    text = with_references(
        "    references:\n      - {scheme: HMI Probation, heading: Leadership, kinds: [probation]}\n"
    )
    text = text.replace("title: Mini test questionnaire\n", "title: Mini test questionnaire\nkinds: [prison]\n", 1)
    assert problems_in(write(tmp_path, text)) == [
        "mini/1.0.yaml: domains[0].references[0].kinds: 'probation' is not one of the kinds of site this "
        "questionnaire is for (prison)"
    ]


def test_reference_problems_are_reported_with_the_others(tmp_path: Path) -> None:
    block = "    references:\n      - {scheme: HMIP, heading: Respect}\n      - {scheme: HMIP, heading: Respect}\n"
    text = with_references(block).replace("- id: beta-one", "- id: alpha-one")
    assert problems_in(write(tmp_path, text)) == [
        "mini/1.0.yaml: domains[0].references[1]: 'Respect' of 'HMIP' is listed more than once",
        "mini/1.0.yaml: domains[1].questions[0].id: duplicate id 'alpha-one'",
    ]


# --- the content hash -------------------------------------------------------------------------------------


def test_adding_references_does_not_change_the_content_hash(tmp_path: Path) -> None:
    before = load_file(MINI).content_hash
    assert load_file(write(tmp_path, with_references(TWO))).content_hash == before


def test_changing_or_removing_references_does_not_change_the_content_hash(tmp_path: Path) -> None:
    first = load_file(write(tmp_path, with_references(TWO))).content_hash
    reworded = with_references(
        TWO.replace("Both kinds", "Both kinds of site").replace("[prison]", "[prison, probation]")
    )
    assert load_file(write(tmp_path, reworded)).content_hash == first
    assert load_file(write(tmp_path, MINI_TEXT)).content_hash == first


def test_changing_a_question_still_changes_the_content_hash(tmp_path: Path) -> None:
    with_refs = load_file(write(tmp_path, with_references(TWO))).content_hash
    changed = with_references(TWO).replace("How do you tell people?", "How do you inform people?")
    assert load_file(write(tmp_path, changed)).content_hash != with_refs
    assert load_file(write(tmp_path, changed)).content_hash != load_file(MINI).content_hash


def test_the_hash_leaves_out_references_without_changing_the_parsed_file(tmp_path: Path) -> None:
    raw = yaml.safe_load(with_references(TWO))
    hashed = content_hash(raw)
    assert "references" in raw["domains"][0], "the parsed file keeps its references"
    del raw["domains"][0]["references"]
    assert content_hash(raw) == hashed == load_file(MINI).content_hash


def test_the_real_questionnaire_keeps_the_hash_it_had_before_references(tmp_path: Path) -> None:
    """sui-maturity 1.0 is in use: its references must not change the hash recorded at first use."""
    path = ROOT / "questionnaires" / "sui-maturity" / "1.0.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert any(domain.get("references") for domain in raw["domains"])
    without = {**raw, "domains": [{k: v for k, v in d.items() if k != "references"} for d in raw["domains"]]}
    assert load_file(path).content_hash == content_hash(without)
    # The hash sui-maturity 1.0 had when it was published, without references (recorded at its first use).
    assert load_file(path).content_hash == "52f788eb73dc8f63b9cfd19d04df7be46845fbfdf2e46f1cca26cd14a5115fd7"
