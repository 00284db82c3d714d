"""Sites CSV import: good files become rows; every problem is reported with its line number."""

from __future__ import annotations

import pytest

from assess.admin.sites_csv import SitesCsvError, parse_sites_csv

ALL_COLUMNS = "code,name,kind,nation,region,category,function,population_band"
REQUIRED = "code,name,kind,nation,region"
GOOD_ROW = "AAA,Good site,prison,England,North West"  # line 2 in the files below
ALLOWED = "(allowed: code, name, kind, nation, region, category, function, population_band)"
NATIONS = "England, Wales, Scotland, Northern Ireland"


def csv_text(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


def problems(text: str) -> list[str]:
    with pytest.raises(SitesCsvError) as caught:
        parse_sites_csv(text)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def site(code: str, name: str, kind: str, nation: str, region: str, category: str | None = None,
         function: str | None = None, population_band: str | None = None) -> dict:
    return {"code": code, "name": name, "kind": kind, "nation": nation, "region": region, "category": category,
            "function": function, "population_band": population_band}


# --- good files ---------------------------------------------------------------------------------


def test_a_good_file_with_optional_columns_blank() -> None:
    text = csv_text(
        ALL_COLUMNS,
        "HMP-A,HMP Alpha,prison,England,North West,Category B,Reception,500-999",
        "PS-WAL,Probation Wales,probation,Wales,Wales,,,",
    )
    assert parse_sites_csv(text) == [
        site("HMP-A", "HMP Alpha", "prison", "England", "North West", "Category B", "Reception", "500-999"),
        site("PS-WAL", "Probation Wales", "probation", "Wales", "Wales"),
    ]


def test_optional_columns_may_be_left_out() -> None:
    expected = [site("AAA", "Good site", "prison", "England", "North West")]
    assert parse_sites_csv(csv_text(REQUIRED, GOOD_ROW)) == expected


def test_byte_order_mark() -> None:
    text = "\ufeff" + csv_text(REQUIRED, GOOD_ROW)
    assert parse_sites_csv(text) == [site("AAA", "Good site", "prison", "England", "North West")]


def test_codes_are_upper_cased_and_kind_and_nation_matched_whatever_the_case() -> None:
    text = csv_text(REQUIRED, "hmp-a1,HMP Alpha,Prison,northern IRELAND,Belfast",
                    "ps-sc,Probation,PROBATION,SCOTLAND,X")
    assert parse_sites_csv(text) == [
        site("HMP-A1", "HMP Alpha", "prison", "Northern Ireland", "Belfast"),
        site("PS-SC", "Probation", "probation", "Scotland", "X"),
    ]


def test_header_in_any_order_and_case_with_values_trimmed() -> None:
    text = csv_text(" Region , NATION,Kind,Name,CODE", '  North East , England , prison ,"HMP Beta, North", BB ')
    assert parse_sites_csv(text) == [site("BB", "HMP Beta, North", "prison", "England", "North East")]


def test_blank_lines_are_skipped_and_line_numbers_still_count_them() -> None:
    text = csv_text(REQUIRED, GOOD_ROW, "", ",,,,", "BAD,Site,castle,England,North")
    assert problems(text) == ["line 5: kind 'castle' must be one of: prison, probation"]


def test_unix_line_endings() -> None:
    text = f"{REQUIRED}\n{GOOD_ROW}\nBBB,Other,probation,Wales,South\n"
    assert [row["code"] for row in parse_sites_csv(text)] == ["AAA", "BBB"]


@pytest.mark.parametrize("code", ["AB", "A" * 20, "1-2", "X9-Y9"])
def test_code_lengths_and_characters_that_are_allowed(code: str) -> None:
    assert parse_sites_csv(csv_text(REQUIRED, f"{code},Site,prison,England,North"))[0]["code"] == code


def test_a_name_of_exactly_200_characters_is_allowed() -> None:
    assert parse_sites_csv(csv_text(REQUIRED, f"AAA,{'n' * 200},prison,England,North"))[0]["name"] == "n" * 200


# --- bad rows, each with its line number ---------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("BBB,Site,hospital,England,North", ["line 3: kind 'hospital' must be one of: prison, probation"]),
        ("BBB,Site,,England,North", ["line 3: kind '' must be one of: prison, probation"]),
        ("BBB,Site,prison,France,North", [f"line 3: nation 'France' must be one of: {NATIONS}"]),
        ("BBB,Site,prison,,North", [f"line 3: nation '' must be one of: {NATIONS}"]),
        ("BBB,,prison,England,North", ["line 3: name is empty"]),
        ("BBB,   ,prison,England,North", ["line 3: name is empty"]),
        ("BBB,Site,prison,England,", ["line 3: region is empty"]),
        ("aaa,Other site,prison,England,North", ["line 3: code 'AAA' is already used on line 2"]),
        ("B B,Site,prison,England,North", ["line 3: code 'B B' must be 2 to 20 letters, digits or hyphens"]),
        ("B,Site,prison,England,North", ["line 3: code 'B' must be 2 to 20 letters, digits or hyphens"]),
        ("-BB,Site,prison,England,North", ["line 3: code '-BB' must be 2 to 20 letters, digits or hyphens"]),
        ("B_B,Site,prison,England,North", ["line 3: code 'B_B' must be 2 to 20 letters, digits or hyphens"]),
        (f"{'B' * 21},Site,prison,England,North",
         [f"line 3: code '{'B' * 21}' must be 2 to 20 letters, digits or hyphens"]),
        (",Site,prison,England,North", ["line 3: code '' must be 2 to 20 letters, digits or hyphens"]),
        (f"BBB,{'n' * 201},prison,England,North", ["line 3: name is longer than 200 characters"]),
        (f"BBB,Site,prison,England,{'r' * 101}", ["line 3: region is longer than 100 characters"]),
        ("BBB,Site,prison,England,North,extra", ["line 3: more values than columns"]),
        ("BBB,Site,prison", ["line 3: region is empty", f"line 3: nation '' must be one of: {NATIONS}"]),
    ],
)
def test_a_bad_row_is_reported_with_its_line(row: str, expected: list[str]) -> None:
    assert sorted(problems(csv_text(REQUIRED, GOOD_ROW, row))) == sorted(expected)


def test_an_optional_value_too_long() -> None:
    text = csv_text(ALL_COLUMNS, f"BBB,Site,prison,England,North,,,{'9' * 41}")
    assert problems(text) == ["line 2: population_band is longer than 40 characters"]


def test_several_problems_in_one_row_are_all_reported() -> None:
    text = csv_text(REQUIRED, "?,,castle,Narnia,")
    assert problems(text) == [
        "line 2: code '?' must be 2 to 20 letters, digits or hyphens",
        "line 2: name is empty",
        "line 2: region is empty",
        "line 2: kind 'castle' must be one of: prison, probation",
        f"line 2: nation 'Narnia' must be one of: {NATIONS}",
    ]


def test_several_bad_rows_are_all_reported_and_nothing_is_returned() -> None:
    text = csv_text(
        REQUIRED,
        GOOD_ROW,
        "BBB,Site,castle,England,North",
        "CCC,Site,prison,England,North",
        "aaa,Again,prison,England,North",
        "DDD,Site,prison,Mars,North",
        "EEE,Site,prison,England,North,extra",
    )
    assert problems(text) == [
        "line 3: kind 'castle' must be one of: prison, probation",
        "line 5: code 'AAA' is already used on line 2",
        f"line 6: nation 'Mars' must be one of: {NATIONS}",
        "line 7: more values than columns",
    ]


# --- the header ---------------------------------------------------------------------------------


def test_missing_column() -> None:
    assert problems(csv_text("code,name,kind,nation", "AAA,Site,prison,England")) == ["line 1: missing column: region"]


def test_missing_columns() -> None:
    assert problems(csv_text("code,name,kind", "AAA,Site,prison")) == ["line 1: missing columns: nation, region"]


def test_unknown_column() -> None:
    text = csv_text(f"{REQUIRED},colour", f"{GOOD_ROW},blue")
    assert problems(text) == [f"line 1: unknown column: colour {ALLOWED}"]


def test_unknown_columns_and_missing_columns_together() -> None:
    text = csv_text("code,name,kind,nation,colour,size", "AAA,Site,prison,England,blue,big")
    assert problems(text) == [
        "line 1: missing column: region",
        f"line 1: unknown columns: colour, size {ALLOWED}",
    ]


# --- empty files --------------------------------------------------------------------------------


def test_an_empty_file() -> None:
    assert problems("") == ["line 1: missing columns: code, name, kind, nation, region"]


def test_a_header_and_no_rows() -> None:
    assert problems(csv_text(REQUIRED)) == ["the file has no site rows"]


def test_a_header_and_only_blank_rows() -> None:
    assert problems(csv_text(REQUIRED, ",,,,", "", " , , , , ")) == ["the file has no site rows"]
