"""Questionnaire files: the real ones load, and every kind of mistake is reported with its place.

Broken files are the mini fixture's text with one thing changed, written to <tmp>/<id>/<version>.yaml.
The mini fixture shares its options (&options) and its level guide (&guide) between questions and
domains through YAML anchors, so breaking one of those breaks it in every place that uses it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assess.questionnaire.loader import (
    QuestionnaireError,
    Registry,
    check_published,
    content_hash,
    load_file,
    load_registry,
)

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRES = ROOT / "questionnaires"
MINI = ROOT / "tests" / "fixtures" / "questionnaires" / "mini" / "1.0.yaml"
MINI_TEXT = MINI.read_text(encoding="utf-8")
UNKNOWN_FIELD = "unknown field (check the spelling against questionnaires/README.md)"


def broken(*changes: tuple[str, str]) -> str:
    """The mini text with each (old, new) replaced; old must appear exactly once, so a fixture change is noticed."""
    text = MINI_TEXT
    for old, new in changes:
        assert text.count(old) == 1, f"expected exactly one {old!r} in the mini fixture"
        text = text.replace(old, new)
    return text


def write(root: Path, text: str, folder: str = "mini", name: str = "1.0.yaml") -> Path:
    path = root / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_in(path: Path) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


# --- the real files ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry([QUESTIONNAIRES])


def test_the_real_questionnaires_load(registry: Registry) -> None:
    assert ("sui-maturity", "1.0") in registry.items
    assert registry.latest("sui-maturity").definition.version == "1.0"


def test_sui_maturity_shape(registry: Registry) -> None:
    questionnaire = registry.get("sui-maturity", "1.0")
    questions = [question for domain in questionnaire.domains for question in domain.questions]

    assert [level.value for level in questionnaire.levels] == [0, 1, 2, 3, 4, 5]
    assert len(questionnaire.domains) == 12
    assert 30 <= len(questions) <= 40
    for domain in questionnaire.domains:
        assert 2 <= len(domain.questions) <= 4, domain.id
        assert [item.value for item in domain.levels] == [0, 1, 2, 3, 4, 5], domain.id
    for question in questions:
        assert {option.level for option in question.options} <= {0, 1, 2, 3, 4, 5}, question.id
    assert len({question.id for question in questions}) == len(questions)


def test_the_mini_fixture_loads() -> None:
    loaded = load_file(MINI)
    assert loaded.key == ("mini", "1.0")
    assert loaded.definition.key == "mini/1.0"
    assert [domain.id for domain in loaded.definition.domains] == ["alpha", "beta"]
    assert loaded.content_hash == content_hash(yaml.safe_load(MINI.read_text(encoding="utf-8")))
    assert len(loaded.content_hash) == 64


def test_the_hash_ignores_fields_the_file_does_not_set() -> None:
    """A schema that gains a field with a default must not change the hash of versions already used."""
    raw = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    before = content_hash(raw)
    definition = load_file(MINI).definition
    assert "previous_ids" not in raw["domains"][0]  # a field the schema has, with a default
    assert definition.domains[0].previous_ids == ()
    assert content_hash(raw) == before


# --- one mistake each ---------------------------------------------------------------------------


def test_duplicate_question_id(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("- id: beta-one", "- id: alpha-one")))
    assert problems_in(path) == ["mini/1.0.yaml: domains[1].questions[0].id: duplicate id 'alpha-one'"]


def test_duplicate_domain_id(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("  - id: beta\n", "  - id: alpha\n")))
    assert problems_in(path) == ["mini/1.0.yaml: domains[1].id: duplicate id 'alpha'"]


def test_unknown_level_in_an_option(tmp_path: Path) -> None:
    # The options are shared by all three questions, so all three are reported.
    path = write(tmp_path, broken(("{level: 5, label: They share power}", "{level: 7, label: They share power}")))
    assert problems_in(path) == [
        "mini/1.0.yaml: domains[0].questions[0].options[5].level: unknown level value 7",
        "mini/1.0.yaml: domains[0].questions[1].options[5].level: unknown level value 7",
        "mini/1.0.yaml: domains[1].questions[0].options[5].level: unknown level value 7",
    ]


def test_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("        evidence_prompt: Where is the proof?\n        variants:",
                                   "        variants:")))
    assert problems_in(path) == [
        "mini/1.0.yaml: domains[0].questions[0].evidence_prompt: required field is missing",
    ]


def test_missing_top_level_field(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("title: Mini test questionnaire\n", "")))
    assert problems_in(path) == ["mini/1.0.yaml: title: required field is missing"]


def test_unknown_field(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("      - id: alpha-one\n", "      - id: alpha-one\n        colour: blue\n")))
    assert problems_in(path) == [f"mini/1.0.yaml: domains[0].questions[0].colour: {UNKNOWN_FIELD}"]


def test_unknown_top_level_field(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("title: Mini test questionnaire\n", "title: Mini test questionnaire\ntitel: x\n")))
    assert problems_in(path) == [f"mini/1.0.yaml: titel: {UNKNOWN_FIELD}"]


def test_invalid_yaml_gives_line_and_column(tmp_path: Path) -> None:
    # Line 4 is "title: ..."; the second colon is in column 12.
    path = write(tmp_path, broken(("title: Mini test questionnaire", "title: Mini: test questionnaire")))
    assert problems_in(path) == ["mini/1.0.yaml: line 4, column 12: invalid YAML: mapping values are not allowed here"]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "mini" / "1.0.yaml"
    path.parent.mkdir()
    path.write_bytes(MINI_TEXT.encode("utf-8").replace(b"Mini test", b"Mini \xff test"))
    assert problems_in(path) == ["mini/1.0.yaml: the file is not UTF-8 text"]


def test_a_list_instead_of_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "- id: mini\n- version: '1.0'\n")
    assert problems_in(path) == ["mini/1.0.yaml: (top level): expected a mapping of fields, found list"]


def test_an_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "# nothing yet\n")
    problems = problems_in(path)
    assert len(problems) == 1
    assert problems[0].startswith("mini/1.0.yaml: (top level): ")


def test_id_not_matching_its_folder(tmp_path: Path) -> None:
    path = write(tmp_path, MINI_TEXT, folder="other")
    assert problems_in(path) == ["other/1.0.yaml: id: 'mini' does not match its folder 'other'"]


def test_version_not_matching_its_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, MINI_TEXT, name="2.0.yaml")
    assert problems_in(path) == ["mini/2.0.yaml: version: '1.0' does not match the file name '2.0.yaml'"]


def test_id_and_version_both_wrong(tmp_path: Path) -> None:
    path = write(tmp_path, MINI_TEXT, folder="other", name="2.0.yaml")
    assert problems_in(path) == [
        "other/2.0.yaml: id: 'mini' does not match its folder 'other'",
        "other/2.0.yaml: version: '1.0' does not match the file name '2.0.yaml'",
    ]


@pytest.mark.parametrize(
    ("written", "read_as"),
    [("1.0", "1.0"), ("1.10", "1.1"), ("1", "1")],  # YAML reads 1.10 as the float 1.1
)
def test_version_not_quoted(tmp_path: Path, written: str, read_as: str) -> None:
    path = write(tmp_path, broken(('version: "1.0"', f"version: {written}")))
    assert problems_in(path) == [f'mini/1.0.yaml: version: version {read_as} must be a quoted string such as "1.0"']


@pytest.mark.parametrize("version", ["v1.0", "1.0.0", "1", ""])
def test_version_not_in_major_minor_form(tmp_path: Path, version: str) -> None:
    path = write(tmp_path, broken(('version: "1.0"', f'version: "{version}"')))
    assert problems_in(path) == [f"mini/1.0.yaml: version: version '{version}' must be a quoted string such as \"1.0\""]


def test_domain_source_naming_an_unknown_source(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("{source: test-source, note: section 1}", "{source: nowhere, note: section 1}")))
    assert problems_in(path) == ["mini/1.0.yaml: domains[1].sources[0].source: unknown source 'nowhere'"]


def test_missing_looks_like_for_a_level(tmp_path: Path) -> None:
    # The guide is shared by both domains, so both are reported.
    path = write(tmp_path, broken(("      - {value: 2, looks_like: Asking., next_steps: Set up a council.}\n", "")))
    assert problems_in(path) == [
        "mini/1.0.yaml: domains[0].levels: no 'looks_like' entry for level 2",
        "mini/1.0.yaml: domains[1].levels: no 'looks_like' entry for level 2",
    ]


def test_missing_next_steps_below_the_top_level(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("{value: 3, looks_like: Taking part., next_steps: Design together.}",
                                   "{value: 3, looks_like: Taking part.}")))
    assert problems_in(path) == [
        "mini/1.0.yaml: domains[0].levels[3].next_steps: required below the top level",
        "mini/1.0.yaml: domains[1].levels[3].next_steps: required below the top level",
    ]


def test_unknown_level_in_a_domain_guide(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("{value: 5, looks_like: Sharing power.", "{value: 6, looks_like: Sharing power.")))
    assert problems_in(path) == [
        "mini/1.0.yaml: domains[0].levels: no 'looks_like' entry for level 5",
        "mini/1.0.yaml: domains[0].levels[5].value: unknown level value 6",
        "mini/1.0.yaml: domains[1].levels: no 'looks_like' entry for level 5",
        "mini/1.0.yaml: domains[1].levels[5].value: unknown level value 6",
    ]


def test_levels_out_of_order(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("{value: 1, name: Communication", "{value: 3, name: Communication")))
    problems = problems_in(path)
    assert problems[0] == "mini/1.0.yaml: levels: level values must be unique and in increasing order"


def test_bad_id_slug(tmp_path: Path) -> None:
    path = write(tmp_path, broken(("- id: alpha-one", "- id: Alpha_One")))
    assert problems_in(path) == [
        "mini/1.0.yaml: domains[0].questions[0].id: 'Alpha_One' must be lower-case letters, digits and single "
        "hyphens (for example 'council-meets')",
    ]


def test_two_options_with_the_same_level(tmp_path: Path) -> None:
    # Within one question: reported against the question's options, with the place joined on.
    text = broken(("      - id: alpha-two\n        text: How do you ask people?\n        options: *options\n",
                   "      - id: alpha-two\n        text: How do you ask people?\n        options:\n"
                   "          - {level: 0, label: Nothing}\n          - {level: 0, label: Still nothing}\n"))
    assert problems_in(write(tmp_path, text)) == [
        "mini/1.0.yaml: domains[0].questions[1].options[1].level: level 0 is used by more than one option",
    ]


def test_a_bad_question_in_a_one_question_domain_is_reported_once(tmp_path: Path) -> None:
    """APP BUG: pydantic also reports the domain's question list as too short ("Tuple should have at least
    1 item after validation, not 0") when its only question is invalid, though the file has one question."""
    path = write(tmp_path, broken(("- id: beta-one", "- id: Beta_One")))
    assert problems_in(path) == [
        "mini/1.0.yaml: domains[1].questions[0].id: 'Beta_One' must be lower-case letters, digits and single "
        "hyphens (for example 'council-meets')",
    ]


# --- several at once ----------------------------------------------------------------------------


def test_several_cross_reference_problems_are_all_reported(tmp_path: Path) -> None:
    text = broken(
        ("- id: beta-one", "- id: alpha-one"),
        ("  - id: beta\n", "  - id: alpha\n"),
        ("{source: test-source, note: section 1}", "{source: nowhere, note: section 1}"),
    )
    assert problems_in(write(tmp_path, text)) == [
        "mini/1.0.yaml: domains[1].id: duplicate id 'alpha'",
        "mini/1.0.yaml: domains[1].sources[0].source: unknown source 'nowhere'",
        "mini/1.0.yaml: domains[1].questions[0].id: duplicate id 'alpha-one'",
    ]


def test_several_field_problems_are_all_reported(tmp_path: Path) -> None:
    text = broken(
        ("        evidence_prompt: Where is the proof?\n        variants:", "        variants:"),
        ("title: Mini test questionnaire\n", "title: Mini test questionnaire\ntitel: x\n"),
        ('version: "1.0"', "version: 1.0"),
    )
    assert sorted(problems_in(write(tmp_path, text))) == sorted([
        'mini/1.0.yaml: version: version 1.0 must be a quoted string such as "1.0"',
        f"mini/1.0.yaml: titel: {UNKNOWN_FIELD}",
        "mini/1.0.yaml: domains[0].questions[0].evidence_prompt: required field is missing",
    ])


def test_the_registry_reports_problems_in_every_file(tmp_path: Path) -> None:
    write(tmp_path, broken(("- id: beta-one", "- id: alpha-one")), name="1.0.yaml")
    write(tmp_path, broken(('version: "1.0"', 'version: "1.1"'), ("  - id: beta\n", "  - id: alpha\n")),
          name="1.1.yaml")
    write(tmp_path, MINI_TEXT, folder="other")

    with pytest.raises(QuestionnaireError) as caught:
        load_registry([tmp_path])
    assert caught.value.problems == [
        "mini/1.0.yaml: domains[1].questions[0].id: duplicate id 'alpha-one'",
        "mini/1.1.yaml: domains[1].id: duplicate id 'alpha'",
        "other/1.0.yaml: id: 'mini' does not match its folder 'other'",
    ]


def test_the_same_version_twice(tmp_path: Path) -> None:
    path = write(tmp_path, MINI_TEXT)
    with pytest.raises(QuestionnaireError) as caught:
        load_registry([path, path])
    assert caught.value.problems == ["mini/1.0.yaml: version 1.0 of 'mini' is also in mini/1.0.yaml"]


def test_a_missing_path_and_an_empty_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(QuestionnaireError) as caught:
        load_registry([missing])
    assert caught.value.problems == [f"{missing}: no such file or folder"]

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(QuestionnaireError) as caught:
        load_registry([empty])
    assert caught.value.problems == ["no questionnaire files found (expected <folder>/<id>/<version>.yaml)"]


def test_a_yml_file_found_in_a_folder_is_not_rejected_for_its_extension(tmp_path: Path) -> None:
    """APP BUG: find_files collects <id>/<version>.yml files, but load_file then rejects every one of them
    with "version: '1.0' does not match the file name '1.0.yml'", which is misleading."""
    write(tmp_path, MINI_TEXT, name="1.0.yml")
    try:
        registry = load_registry([tmp_path])
    except QuestionnaireError as exc:
        assert not any("does not match the file name" in problem for problem in exc.problems), exc.problems
    else:
        assert registry.get("mini", "1.0").id == "mini"


# --- content hash and publishing ----------------------------------------------------------------


def test_content_hash_ignores_comments_and_layout(tmp_path: Path) -> None:
    relaid = broken(
        ("# A small, valid questionnaire", "# Reworded comment.\n\n# A small, valid questionnaire"),
        ('  - {id: test-source, citation: "Test source (2026). A source for tests."}',
         "  - id: test-source   # the only source\n    citation: 'Test source (2026). A source for tests.'"),
        ("title: Mini test questionnaire\ndescription: A small questionnaire used by the test suite.\n",
         "description: >-\n  A small questionnaire\n  used by the test suite.\ntitle: Mini test questionnaire\n"),
    )
    assert load_file(write(tmp_path, relaid)).content_hash == load_file(MINI).content_hash


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("How do you tell people?", "How do you inform people?"),
        ("{level: 1, label: We tell them}", "{level: 1, label: We tell them often}"),
        ("weight: 2", "weight: 3"),
        ("dont_know: lowest", "dont_know: exclude"),
    ],
)
def test_content_hash_changes_with_the_content(tmp_path: Path, old: str, new: str) -> None:
    assert load_file(write(tmp_path, broken((old, new)))).content_hash != load_file(MINI).content_hash


def _registry_of(tmp_path: Path, text: str = MINI_TEXT) -> Registry:
    write(tmp_path, text)
    return load_registry([tmp_path])


def test_check_published_accepts_an_unchanged_version(tmp_path: Path) -> None:
    registry = _registry_of(tmp_path)
    recorded = {("mini", "1.0"): load_file(MINI).content_hash}
    assert check_published(registry, recorded) == []


def test_check_published_reports_a_changed_version(tmp_path: Path) -> None:
    recorded_hash = load_file(MINI).content_hash
    registry = _registry_of(tmp_path, broken(("How do you tell people?", "How do you inform people?")))
    now = registry.loaded("mini", "1.0").content_hash
    assert now != recorded_hash

    assert check_published(registry, {("mini", "1.0"): recorded_hash}) == [
        "mini/1.0.yaml: this version is already used by assessments and its content has changed since "
        f"(recorded hash {recorded_hash[:12]}, file now {now[:12]}). Undo the change and publish a new version "
        "instead (copy the file to a new version number)."
    ]


def test_check_published_reports_a_missing_used_version_only_when_all_are_required(tmp_path: Path) -> None:
    registry = _registry_of(tmp_path)
    recorded = {("mini", "1.0"): load_file(MINI).content_hash, ("mini", "0.9"): "0" * 64}

    assert check_published(registry, recorded, require_all=True) == [
        "mini/0.9.yaml: this version is used by assessments but its file is missing; restore it",
    ]
    assert check_published(registry, recorded) == check_published(registry, recorded, require_all=True)
    assert check_published(registry, recorded, require_all=False) == []


def test_check_published_still_reports_changes_without_require_all(tmp_path: Path) -> None:
    registry = _registry_of(tmp_path)
    problems = check_published(registry, {("mini", "1.0"): "f" * 64, ("gone", "1.0"): "0" * 64}, require_all=False)
    assert len(problems) == 1
    assert problems[0].startswith("mini/1.0.yaml: this version is already used by assessments")


# --- versions -----------------------------------------------------------------------------------


def test_latest_compares_versions_as_numbers(tmp_path: Path) -> None:
    for version in ("1.9", "1.10", "1.2"):
        write(tmp_path, broken(('version: "1.0"', f'version: "{version}"')), name=f"{version}.yaml")
    registry = load_registry([tmp_path])

    assert registry.latest("mini").definition.version == "1.10"
    assert [item.key for item in registry] == [("mini", "1.2"), ("mini", "1.9"), ("mini", "1.10")]


def test_latest_of_an_unknown_questionnaire(tmp_path: Path) -> None:
    registry = _registry_of(tmp_path)
    with pytest.raises(KeyError):
        registry.latest("nope")
