"""The shape of a questionnaire definition file (questionnaires/<id>/<version>.yaml).

Pure: no Flask, no SQLAlchemy. The models are frozen so a loaded definition can be shared
between requests. Cross-field rules (unique ids, levels that exist, a "looks like" entry for
every level) are checked here so every problem is reported with its place in the file.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The one place for site kinds, nations and the answers that are not levels (models, scoring, the sites
# CSV and the forms all read them from here).
SITE_KINDS = ("prison", "probation")
SiteKind = Literal["prison", "probation"]
NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")
DONT_KNOW = "dont-know"
NOT_APPLICABLE = "not-applicable"
SPECIAL_ANSWERS = (DONT_KNOW, NOT_APPLICABLE)
# Level values a definition may use (Level allows 0-10), and the two answers that are not levels.
ANSWER_CHOICES = tuple(str(value) for value in range(11)) + SPECIAL_ANSWERS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VERSION = re.compile(r"^\d+\.\d+$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _check_slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(
            f"'{value}' must be lower-case letters, digits and single hyphens (for example 'council-meets')"
        )
    return value


class Level(_Frozen):
    value: int = Field(ge=0, le=10)
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)


class Variant(_Frozen):
    """Wording that replaces the default for one kind of site."""

    text: str | None = None
    label: str | None = None
    hint: str | None = None
    evidence_prompt: str | None = None


class Option(_Frozen):
    level: int
    label: str = Field(min_length=1)
    hint: str | None = None
    variants: dict[SiteKind, Variant] = Field(default_factory=dict)

    def label_for(self, kind: str) -> str:
        variant = self.variants.get(kind)  # type: ignore[call-overload]
        return variant.label if variant and variant.label else self.label

    def hint_for(self, kind: str) -> str | None:
        variant = self.variants.get(kind)  # type: ignore[call-overload]
        return variant.hint if variant and variant.hint else self.hint


class Question(_Frozen):
    id: str
    text: str = Field(min_length=1)
    hint: str | None = None
    type: Literal["level"] = "level"
    options: tuple[Option, ...] = Field(min_length=2)
    dont_know: bool = True
    not_applicable: bool = False
    evidence_prompt: str = Field(min_length=1)
    variants: dict[SiteKind, Variant] = Field(default_factory=dict)

    _slug = field_validator("id")(_check_slug)

    @model_validator(mode="after")
    def _options_distinct(self) -> Question:
        seen: set[int] = set()
        for index, option in enumerate(self.options):
            if option.level in seen:
                raise ValueError(f"options[{index}].level: level {option.level} is used by more than one option")
            seen.add(option.level)
        return self

    def text_for(self, kind: str) -> str:
        variant = self.variants.get(kind)  # type: ignore[call-overload]
        return variant.text if variant and variant.text else self.text

    def hint_for(self, kind: str) -> str | None:
        variant = self.variants.get(kind)  # type: ignore[call-overload]
        return variant.hint if variant and variant.hint else self.hint

    def evidence_prompt_for(self, kind: str) -> str:
        variant = self.variants.get(kind)  # type: ignore[call-overload]
        return variant.evidence_prompt if variant and variant.evidence_prompt else self.evidence_prompt


class DomainLevel(_Frozen):
    """What a domain looks like at one level, and how to reach the next."""

    value: int
    looks_like: str = Field(min_length=1)
    next_steps: str | None = None


class SourceRef(_Frozen):
    source: str
    note: str | None = None


class Reference(_Frozen):
    """A heading of an inspectorate's own framework under which the area's subject is looked at (for example
    HM Inspectorate of Prisons Expectations, "Respect: Daily life – consultation"). Metadata: printed in the
    evidence pack, never used in scoring, and left out of the version's content hash (see the loader)."""

    scheme: str = Field(min_length=1, max_length=200)
    heading: str = Field(min_length=1, max_length=300)
    # The kinds of site the heading applies to (a prisons inspectorate's heading means nothing to probation).
    kinds: tuple[SiteKind, ...] = Field(default=("prison", "probation"), min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, value: object) -> object:
        if not isinstance(value, dict | Reference):
            raise ValueError(
                f"expected a reference such as {{scheme: HM Inspectorate of Prisons Expectations, heading: "
                f"'Respect: Daily life'}}, found {type(value).__name__} {str(value)[:60]!r}"
            )
        return value

    @field_validator("kinds")
    @classmethod
    def _kinds_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a kind of site is listed more than once")
        return value

    @property
    def text(self) -> str:
        """The reference as one line: '<scheme>: <heading>'."""
        return f"{self.scheme}: {self.heading}"


class Domain(_Frozen):
    id: str
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)
    # Ids this domain had in earlier versions, so benchmarks can compare a renamed domain.
    previous_ids: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = Field(min_length=1)
    levels: tuple[DomainLevel, ...]
    questions: tuple[Question, ...] = Field(min_length=1)
    # The inspectorates' own headings for this area (optional metadata, not part of the content hash).
    references: tuple[Reference, ...] = ()

    _slug = field_validator("id")(_check_slug)

    def level_guide(self, value: int) -> DomainLevel | None:
        return next((item for item in self.levels if item.value == value), None)

    def references_for(self, kind: str) -> tuple[Reference, ...]:
        """The references that apply to a kind of site, in the file's order."""
        return tuple(reference for reference in self.references if kind in reference.kinds)


class Source(_Frozen):
    id: str
    citation: str = Field(min_length=1)
    url: str | None = None

    _slug = field_validator("id")(_check_slug)


class Scoring(_Frozen):
    """How answers become scores. Read by assess.scoring; documented in questionnaires/README.md."""

    domain: Literal["mean", "minimum"] = "mean"
    overall: Literal["weighted-mean", "minimum"] = "weighted-mean"
    dont_know: Literal["lowest", "exclude"] = "lowest"
    not_applicable: Literal["exclude"] = "exclude"
    decimals: int = Field(default=1, ge=0, le=2)
    level_from_score: Literal["floor-of-rounded"] = "floor-of-rounded"


class Questionnaire(_Frozen):
    id: str
    version: str
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    kinds: tuple[SiteKind, ...] = ("prison", "probation")
    levels: tuple[Level, ...] = Field(min_length=2)
    scoring: Scoring = Scoring()
    sources: tuple[Source, ...] = Field(min_length=1)
    domains: tuple[Domain, ...] = Field(min_length=1)

    _slug = field_validator("id")(_check_slug)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, value: object) -> object:
        if not isinstance(value, str) or not VERSION.match(value):
            raise ValueError(f'version {value!r} must be a quoted string such as "1.0"')
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> Questionnaire:
        problems: list[str] = []
        values = [level.value for level in self.levels]
        if values != sorted(set(values)):
            problems.append("levels: level values must be unique and in increasing order")
        known = set(values)
        source_ids = {source.id for source in self.sources}
        domain_ids: set[str] = set()
        question_ids: set[str] = set()
        for d, domain in enumerate(self.domains):
            where = f"domains[{d}]"
            if domain.id in domain_ids:
                problems.append(f"{where}.id: duplicate id '{domain.id}'")
            domain_ids.add(domain.id)
            problems.extend(_domain_problems(where, domain, known, source_ids))
            problems.extend(_reference_problems(where, domain, self.kinds))
            for q, question in enumerate(domain.questions):
                qwhere = f"{where}.questions[{q}]"
                if question.id in question_ids:
                    problems.append(f"{qwhere}.id: duplicate id '{question.id}'")
                question_ids.add(question.id)
                for o, option in enumerate(question.options):
                    if option.level not in known:
                        problems.append(f"{qwhere}.options[{o}].level: unknown level value {option.level}")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def key(self) -> str:
        return f"{self.id}/{self.version}"

    @property
    def top_level(self) -> int:
        return self.levels[-1].value

    def level(self, value: int) -> Level:
        return next(level for level in self.levels if level.value == value)

    def domain(self, domain_id: str) -> Domain:
        return next(domain for domain in self.domains if domain.id == domain_id)

    def has_domain(self, domain_id: str) -> bool:
        return any(domain.id == domain_id for domain in self.domains)

    def source(self, source_id: str) -> Source:
        return next(source for source in self.sources if source.id == source_id)


def _domain_problems(where: str, domain: Domain, known: set[int], source_ids: set[str]) -> list[str]:
    """Sources that exist, and a "looks like" entry (with next steps below the top) for every level."""
    problems = []
    for s, ref in enumerate(domain.sources):
        if ref.source not in source_ids:
            problems.append(f"{where}.sources[{s}].source: unknown source '{ref.source}'")
    guide_values = [item.value for item in domain.levels]
    for value in sorted(known - set(guide_values)):
        problems.append(f"{where}.levels: no 'looks_like' entry for level {value}")
    for g, item in enumerate(domain.levels):
        if item.value not in known:
            problems.append(f"{where}.levels[{g}].value: unknown level value {item.value}")
        if item.value != max(known) and not item.next_steps:
            problems.append(f"{where}.levels[{g}].next_steps: required below the top level")
    if len(guide_values) != len(set(guide_values)):
        problems.append(f"{where}.levels: a level appears more than once")
    return problems


def _reference_problems(where: str, domain: Domain, kinds: tuple[str, ...]) -> list[str]:
    """References for kinds of site the questionnaire is for, each heading once per area."""
    problems = []
    seen: set[tuple[str, str]] = set()
    for r, reference in enumerate(domain.references):
        place = f"{where}.references[{r}]"
        for kind in reference.kinds:
            if kind not in kinds:
                problems.append(
                    f"{place}.kinds: '{kind}' is not one of the kinds of site this questionnaire is for "
                    f"({', '.join(kinds)})"
                )
        key = (reference.scheme.casefold(), reference.heading.casefold())
        if key in seen:
            problems.append(f"{place}: '{reference.heading}' of '{reference.scheme}' is listed more than once")
        seen.add(key)
    return problems
