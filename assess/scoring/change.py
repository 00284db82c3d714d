"""Change since last year: a result set against the site's previous submitted result, for the overall score and
each area.

Pure: no Flask, no SQLAlchemy. Areas are matched across questionnaire versions as benchmarks match them
(assess.benchmarking.versions: the same id, or an id listed in `previous_ids`); an area with no match is
"not comparable", and the overall score is comparable only when every area of both versions matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from assess.benchmarking.versions import map_versions
from assess.questionnaire.schema import Questionnaire

OVERALL = "overall"

NO_EARLIER_YEAR = "No earlier year"
NOT_COMPARABLE = "Not comparable: the questions changed"
NOT_SCORED = "Not scored"


@dataclass(frozen=True)
class PreviousResult:
    """A site's earlier submitted result as stored: its period and questionnaire version, the overall score and
    level, and each scored area's (score, level). Scores in hundredths (2.7 -> 270), as the database keeps them."""

    period: str
    version: str
    overall_hundredths: int | None
    overall_level: int | None
    domains: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # domain id -> (hundredths, level)


@dataclass(frozen=True)
class Change:
    """One row of the change since last year: the overall score (key "overall") or one area (its domain id)."""

    key: str
    level: int | None  # this year's
    score: Decimal | None
    previous_period: str | None = None  # None when there is no earlier submitted year
    previous_level: int | None = None
    previous_score: Decimal | None = None
    comparable: bool = True  # False when the questions changed, so last year's figure means something else

    @property
    def has_previous(self) -> bool:
        return self.previous_period is not None

    @property
    def level_change(self) -> int | None:
        """This year's level minus last year's; None without both, or when not comparable."""
        if not self.comparable or self.level is None or self.previous_level is None:
            return None
        return self.level - self.previous_level

    @property
    def score_change(self) -> Decimal | None:
        if not self.comparable or self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score

    @property
    def text(self) -> str:
        """The change in plain words: "Up 1 level", "No change", "Down 2 levels", "Not comparable: …"."""
        if not self.has_previous:
            return NO_EARLIER_YEAR
        if not self.comparable:
            return NOT_COMPARABLE
        if self.previous_level is None:
            return f"Not scored in {self.previous_period}"
        if self.level is None:
            return "Not scored this year"
        delta = self.level_change or 0
        if delta == 0:
            return "No change"
        steps = abs(delta)
        return f"{'Up' if delta > 0 else 'Down'} {steps} level{'' if steps == 1 else 's'}"


@dataclass(frozen=True)
class ChangeSinceLastYear:
    previous_period: str | None
    previous_version: str | None
    overall: Change
    domains: dict[str, Change]

    @property
    def has_previous(self) -> bool:
        return self.previous_period is not None

    def domain(self, domain_id: str) -> Change:
        return self.domains[domain_id]


def _score(hundredths: int | None, decimals: int) -> Decimal | None:
    """A stored score (hundredths) to the places this year's scores are shown with (2.7, not 2.70)."""
    if hundredths is None:
        return None
    return (Decimal(hundredths) / 100).quantize(Decimal(1).scaleb(-decimals))


def change_since(
    questionnaire: Questionnaire,
    overall: tuple[Decimal | None, int | None],
    domains: Mapping[str, tuple[Decimal | None, int | None]],
    previous: PreviousResult | None,
    previous_questionnaire: Questionnaire | None,
) -> ChangeSinceLastYear:
    """The change from `previous` (answered on `previous_questionnaire`) to this result (on `questionnaire`):
    `overall` and `domains` hold this year's (score, level), domains by id. With no previous result, every
    row says there is no earlier year."""
    rows: dict[str, Change] = {}
    if previous is None or previous_questionnaire is None:
        for domain in questionnaire.domains:
            score, level = domains.get(domain.id, (None, None))
            rows[domain.id] = Change(domain.id, level, score)
        return ChangeSinceLastYear(None, None, Change(OVERALL, overall[1], overall[0]), rows)
    maps = map_versions(
        [domain.id for domain in questionnaire.domains],
        {domain.id: domain.previous_ids for domain in questionnaire.domains},
        {previous.version: [domain.id for domain in previous_questionnaire.domains]},
        {previous.version: {domain.id: domain.previous_ids for domain in previous_questionnaire.domains}},
    )
    mapping = maps[previous.version]
    to_previous = {site: earlier for earlier, site in mapping.to_site_domain.items()}
    decimals = questionnaire.scoring.decimals
    for domain in questionnaire.domains:
        score, level = domains.get(domain.id, (None, None))
        earlier_id = to_previous.get(domain.id)
        before = previous.domains.get(earlier_id) if earlier_id is not None else None
        rows[domain.id] = Change(
            domain.id,
            level,
            score,
            previous.period,
            before[1] if before else None,
            _score(before[0], decimals) if before else None,
            comparable=earlier_id is not None,
        )
    overall_row = Change(
        OVERALL,
        overall[1],
        overall[0],
        previous.period,
        previous.overall_level,
        _score(previous.overall_hundredths, decimals),
        comparable=mapping.complete,
    )
    return ChangeSinceLastYear(previous.period, previous.version, overall_row, rows)


def _levels(count: int) -> str:
    return f"{count} level{'' if count == 1 else 's'}"


def gap_to_target_text(gap: int | None) -> str:
    """Own level minus the target, in words: "2 levels below the target", "Target reached", "1 level above
    the target"; "No target" for None."""
    if gap is None:
        return "No target"
    if gap == 0:
        return "Target reached"
    return f"{_levels(abs(gap))} {'below' if gap < 0 else 'above'} the target"


def gap_to_peers_text(gap: int | None) -> str:
    """Own level minus the peer median level, in words: "1 level below the peer median", "At the peer median";
    "Not shown" for None (no peer figures for this area)."""
    if gap is None:
        return "Not shown"
    if gap == 0:
        return "At the peer median"
    return f"{_levels(abs(gap))} {'below' if gap < 0 else 'above'} the peer median"
