"""Read a sites CSV file into validated rows. Pure: all or nothing, every problem with its line number.

Columns (header row required, in any order):
  code, name, kind, nation, region            required
  category, function, population_band         optional (blank allowed)
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from assess.questionnaire.schema import NATIONS, SITE_KINDS

REQUIRED = ("code", "name", "kind", "nation", "region")
OPTIONAL = ("category", "function", "population_band")
KINDS = SITE_KINDS
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
MAX_LENGTHS = {"name": 200, "region": 100, "category": 100, "function": 100, "population_band": 40}


class SitesCsvError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_sites_csv(text: str) -> list[dict[str, Any]]:
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte order mark, as spreadsheet programs write
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    problems = _header_problems(header)
    if problems:
        raise SitesCsvError(problems)
    reader.fieldnames = header

    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if None in record:
            problems.append(f"line {line}: more values than columns")
            continue
        values = {key: (value or "").strip() for key, value in record.items()}
        if not any(values.values()):
            continue
        row, row_problems = _check_row(values, seen)
        if row is None:
            problems.extend(f"line {line}: {problem}" for problem in row_problems)
            continue
        seen[row["code"]] = line
        rows.append(row)
    if problems:
        raise SitesCsvError(problems)
    if not rows:
        raise SitesCsvError(["the file has no site rows"])
    return rows


def _check_row(values: dict[str, str], seen: dict[str, int]) -> tuple[dict[str, Any] | None, list[str]]:
    problems = []
    code = values["code"].upper()
    if not CODE.match(code):
        problems.append(f"code '{values['code']}' must be 2 to 20 letters, digits or hyphens")
    elif code in seen:
        problems.append(f"code '{code}' is already used on line {seen[code]}")
    for name in ("name", "region"):
        if not values[name]:
            problems.append(f"{name} is empty")
    kind = values["kind"].lower()
    if kind not in KINDS:
        problems.append(f"kind '{values['kind']}' must be one of: {', '.join(KINDS)}")
    nation = next((item for item in NATIONS if item.lower() == values["nation"].lower()), None)
    if nation is None:
        problems.append(f"nation '{values['nation']}' must be one of: {', '.join(NATIONS)}")
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            problems.append(f"{name} is longer than {limit} characters")
    if problems:
        return None, problems
    row: dict[str, Any] = {
        "code": code,
        "name": values["name"],
        "kind": kind,
        "nation": nation,
        "region": values["region"],
    }
    for name in OPTIONAL:
        row[name] = values.get(name) or None
    return row, []


def _header_problems(header: list[str]) -> list[str]:
    problems = []
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name and name not in REQUIRED + OPTIONAL]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if "" in header:
        problems.append("line 1: a column has no name (check for an extra comma at the end of the header)")
    if repeated:
        problems.append(f"line 1: column{'s' if len(repeated) > 1 else ''} named more than once: {', '.join(repeated)}")
    if missing:
        problems.append(f"line 1: missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    if unknown:
        problems.append(
            f"line 1: unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} "
            f"(allowed: {', '.join(REQUIRED + OPTIONAL)})"
        )
    return problems
