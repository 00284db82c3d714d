"""Read an areas CSV file into validated areas. Pure: all or nothing, every problem with its line number.

One row per site in an area (header row required, columns in any order):
  area_code   2 to 20 letters, digits or hyphens (the area's key: importing again updates by code)
  area_name   the area's name, as pages show it
  area_type   region, prison group, probation region, contract, or pcc area (Police and Crime
              Commissioner area); words are matched without regard to case
  site_code   the code of a site already imported (checked against the database by the caller)

Every row of one area must give the same name and type. An area's sites are exactly the rows given for it:
importing again replaces the list of sites of each area in the file, and leaves other areas alone.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

REQUIRED = ("area_code", "area_name", "area_type", "site_code")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
MAX_NAME = 200
TYPES = {
    "region": "region",
    "prison group": "prison group",
    "probation region": "probation region",
    "contract": "contract",
    "pcc area": "pcc area",
    "police and crime commissioner area": "pcc area",
    "pcc": "pcc area",
}


class AreasCsvError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ParsedArea:
    code: str
    name: str
    type: str
    line: int  # where it first appears
    site_codes: list[tuple[str, int]] = field(default_factory=list)  # (site code, line)


def parse_areas_csv(text: str) -> list[ParsedArea]:
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise AreasCsvError([f"line 1: missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"])
    reader.fieldnames = header
    problems: list[str] = []
    areas: dict[str, ParsedArea] = {}
    for record in reader:
        line = reader.line_num
        if None in record:
            problems.append(f"line {line}: more values than columns")
            continue
        values = {key: (value or "").strip() for key, value in record.items()}
        if not any(values.values()):
            continue
        problems.extend(f"line {line}: {problem}" for problem in _check_row(values, line, areas))
    if problems:
        raise AreasCsvError(problems)
    if not areas:
        raise AreasCsvError(["the file has no area rows"])
    return list(areas.values())


def _check_row(values: dict[str, str], line: int, areas: dict[str, ParsedArea]) -> list[str]:
    problems = []
    code = values["area_code"].upper()
    site = values["site_code"].upper()
    name = values["area_name"]
    kind = TYPES.get(" ".join(values["area_type"].lower().split()))
    if not CODE.match(code):
        problems.append(f"area_code '{values['area_code']}' must be 2 to 20 letters, digits or hyphens")
    if not name:
        problems.append("area_name is empty")
    elif len(name) > MAX_NAME:
        problems.append(f"area_name is longer than {MAX_NAME} characters")
    if kind is None:
        problems.append(
            f"area_type '{values['area_type']}' must be one of: region, prison group, probation region, "
            "contract, pcc area"
        )
    if not site:
        problems.append("site_code is empty")
    if problems:
        return problems
    assert kind is not None
    area = areas.get(code)
    if area is None:
        area = areas[code] = ParsedArea(code, name, kind, line)
    else:
        if area.name != name:
            problems.append(f"area '{code}' is named '{area.name}' on line {area.line}, not '{name}'")
        if area.type != kind:
            problems.append(f"area '{code}' has the type '{area.type}' on line {area.line}, not '{kind}'")
    earlier = next((seen for code_, seen in area.site_codes if code_ == site), None)
    if earlier is not None:
        problems.append(f"site '{site}' is already in area '{code}' on line {earlier}")
    if not problems:
        area.site_codes.append((site, line))
    return problems
