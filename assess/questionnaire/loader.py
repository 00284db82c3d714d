"""Load and validate questionnaire files; keep every published version in a registry.

Every problem is reported as "<id>/<version>.yaml: <place in the file>: <what is wrong>",
so a maintainer can go straight to it. Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .schema import Questionnaire

_PATH_PREFIX = re.compile(r"^([A-Za-z_][\w]*(?:\[\d+\])*(?:\.[A-Za-z_][\w]*(?:\[\d+\])*)*): ")


class QuestionnaireError(Exception):
    """One or more problems in questionnaire files; `problems` holds one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedQuestionnaire:
    definition: Questionnaire
    path: Path
    content_hash: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.definition.id, self.definition.version)


def display_name(path: Path) -> str:
    """How a file is named in messages: '<questionnaire folder>/<file>'."""
    return f"{path.parent.name}/{path.name}"


def _place(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _join(place: str, path: str) -> str:
    if not place:
        return path
    return f"{place}{path}" if path.startswith("[") else f"{place}.{path}"


def format_validation_error(name: str, error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors():
        if item["type"] == "too_short" and len(item.get("input") or ()) >= item.get("ctx", {}).get("min_length", 0):
            continue  # only the items inside failed; they are reported on their own
        place = _place(part for part in item["loc"] if part not in ("function-after", "function-before"))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "required field is missing"
        elif item["type"] == "extra_forbidden":
            message = "unknown field (check the spelling against questionnaires/README.md)"
        elif item["type"] in ("tuple_type", "list_type"):
            found = _kind_of(item.get("input"))
            message = f"expected a list (one item per line, each starting with '- '), found {found}"
        elif item["type"] == "too_short":
            wanted = item.get("ctx", {}).get("min_length", 1)
            message = f"needs at least {wanted} item{'' if wanted == 1 else 's'}"
        for line in message.splitlines():
            match = _PATH_PREFIX.match(line)
            if match:
                problems.append(f"{name}: {_join(place, match.group(1))}: {line[match.end() :]}")
            else:
                problems.append(f"{name}: {place or '(top level)'}: {line}")
    return problems


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping of fields"
    if isinstance(value, str):
        return f"the text {value[:60]!r}"
    return f"{type(value).__name__} {value!r}"[:80]


# Fields of a domain that are metadata: they describe the area (where an inspectorate looks at the same
# subject) without changing what is asked or how it is scored, so they may be added to or corrected in a
# version already in use. They are left out of the content hash (questionnaires/README.md).
METADATA_DOMAIN_FIELDS = ("references",)


def hashed_content(raw: object) -> object:
    """What the content hash covers: the parsed file less the metadata fields of each domain. The file's own
    data is not changed (YAML anchors may share objects between places)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("domains"), list):
        return raw
    domains = [
        {name: value for name, value in domain.items() if name not in METADATA_DOMAIN_FIELDS}
        if isinstance(domain, dict)
        else domain
        for domain in raw["domains"]
    ]
    return {**raw, "domains": domains}


def content_hash(raw: object) -> str:
    """A hash of the file's parsed content, not of its bytes: comments and layout may change, wording may not.
    Hashing what the file says (rather than the validated model) keeps old hashes valid when the schema
    gains a field with a default. Metadata (each domain's `references`) is left out: see hashed_content."""
    canonical = json.dumps(hashed_content(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def load_file(path: Path) -> LoadedQuestionnaire:
    name = display_name(path)
    if path.suffix != ".yaml":
        raise QuestionnaireError([f"{name}: questionnaire files must end in .yaml (for example 1.0.yaml)"])
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise QuestionnaireError([f"{name}: the file is not UTF-8 text"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise QuestionnaireError([f"{name}: {where}invalid YAML: {problem}"]) from None
    if raw is None:
        raise QuestionnaireError([f"{name}: (top level): the file is empty"])
    if not isinstance(raw, dict):
        raise QuestionnaireError([f"{name}: (top level): expected a mapping of fields, found {type(raw).__name__}"])
    try:
        definition = Questionnaire.model_validate(raw)
    except ValidationError as exc:
        raise QuestionnaireError(format_validation_error(name, exc)) from None
    problems = []
    if definition.id != path.parent.name:
        problems.append(f"{name}: id: '{definition.id}' does not match its folder '{path.parent.name}'")
    if f"{definition.version}.yaml" != path.name:
        problems.append(f"{name}: version: '{definition.version}' does not match the file name '{path.name}'")
    if problems:
        raise QuestionnaireError(problems)
    return LoadedQuestionnaire(definition=definition, path=path, content_hash=content_hash(raw))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the questionnaire files under them (<root>/<id>/<version>.yaml)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            nested = sorted(path.glob("*/*.yaml"))
            direct = sorted(path.glob("*.yaml"))
            files.extend(nested or direct)
        else:
            files.append(path)
    return files


@dataclass
class Registry:
    """Every questionnaire version found, by (id, version)."""

    items: dict[tuple[str, str], LoadedQuestionnaire] = field(default_factory=dict)

    def get(self, questionnaire_id: str, version: str) -> Questionnaire:
        return self.items[(questionnaire_id, version)].definition

    def loaded(self, questionnaire_id: str, version: str) -> LoadedQuestionnaire:
        return self.items[(questionnaire_id, version)]

    def latest(self, questionnaire_id: str) -> LoadedQuestionnaire:
        versions = [item for key, item in self.items.items() if key[0] == questionnaire_id]
        if not versions:
            raise KeyError(questionnaire_id)
        return max(versions, key=lambda item: _version_key(item.definition.version))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self.items.values(), key=lambda item: (item.key[0], _version_key(item.key[1]))))


def load_registry(paths: Iterable[Path]) -> Registry:
    """Load every file; raise one QuestionnaireError listing every problem in every file."""
    registry = Registry()
    problems: list[str] = []
    files = find_files(paths)
    for path in files:
        if not path.exists():
            problems.append(f"{path}: no such file or folder")
            continue
        try:
            loaded = load_file(path)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
            continue
        if loaded.key in registry.items:
            other = display_name(registry.items[loaded.key].path)
            problems.append(f"{display_name(path)}: version {loaded.key[1]} of '{loaded.key[0]}' is also in {other}")
            continue
        registry.items[loaded.key] = loaded
    if not files:
        problems.append("no questionnaire files found (expected <folder>/<id>/<version>.yaml)")
    if problems:
        raise QuestionnaireError(problems)
    return registry


def check_published(registry: Registry, recorded: dict[tuple[str, str], str], require_all: bool = True) -> list[str]:
    """Problems for each used version whose content no longer matches the hash recorded when first used.

    With require_all, a used version missing from the registry is a problem too (the app's own folder);
    without it, only the files given are checked (validating a few files, or a copy elsewhere).
    """
    problems = []
    for key, recorded_hash in sorted(recorded.items()):
        item = registry.items.get(key)
        if item is None:
            if not require_all:
                continue
            problems.append(
                f"{key[0]}/{key[1]}.yaml: this version is used by assessments but its file is missing; restore it"
            )
        elif item.content_hash != recorded_hash:
            problems.append(
                f"{display_name(item.path)}: this version is already used by assessments and its content has "
                f"changed since (recorded hash {recorded_hash[:12]}, file now {item.content_hash[:12]}). "
                "Undo the change and publish a new version instead (copy the file to a new version number)."
            )
    return problems
