"""An area against national, and the area's trend (issue 12, items 4 and 5), for a commissioner's pages and their
CSV files. The rules are in docs/disclosure.md ("An area against national").

Distribution, for a chosen period: for each kind of site in the area a panel of the area's sites of that kind
(each site's latest submitted self-assessment in the period, by name) against every other site of that kind;
then, for each category the area's sites of that kind have (prisons: Category B, C, D, women's ...), a panel of
the area's sites in it against every other site in that category. "Other" means outside every area the person
covers (and outside the sites they govern): they see those sites by name, so the national figures are drawn
only from sites they cannot see, and disclosure control (assess.benchmarking.decide_figures) decides on
exactly those. It decides the groups first (too few sites; two groups a site apart; a group less the other
groups inside it leaving one site), then each area of the questionnaire among the groups shown, from how many
sites have a score there. A figure held back reads "Too few to show" or says it would reveal one site's result.

Trend: the median and quartiles of the area's sites in each period (each site's latest submitted result in
the period). Results are pooled only across questionnaire versions that can be compared: for the overall
score, versions with exactly the same areas; for one area of the questionnaire, the versions that have it
(its id, or an id it had before). Each run of comparable versions is a series; a new series starts with a
break, shown in the chart and the table.

Statements: a fixed number for each page, whatever the number of sites (tests/integration/test_area_stats.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from assess.benchmarking import (
    DIFFERS_BY_ONE_SITE,
    OVERALL,
    TOO_FEW_SITES,
    GroupBenchmark,
    GroupDecision,
    NotShown,
    PeerGroup,
    Summary,
    compare_with_group,
    members,
    quantile,
    shared_filters,
)
from assess.benchmarking.compare import version_maps
from assess.benchmarking.disclosure import Figure, decide_figures
from assess.benchmarking.groups import kind_plural
from assess.charts import Chart
from assess.charts.area import (
    TOO_FEW_TO_SHOW,
    WOULD_REVEAL,
    AreaSite,
    NationalFigures,
    TrendBreak,
    TrendFigure,
    TrendSeries,
    area_trend_chart,
    distribution_chart,
    key_label,
    keys_of,
    trend_breaks,
)
from assess.data import area_stats as area_data
from assess.data import benchmarks as benchmark_data
from assess.data import results_cache as cache_data
from assess.data.reviews import get_review_states, get_validated_levels
from assess.models import Area, AreaValidation, AssessmentScore, Site
from assess.questionnaire.schema import Questionnaire
from assess.services.benchmarks import (
    benchmark_dict,
    benchmark_from,
    decision_dict,
    decision_from,
    read_through,
    reason_dict,
    reason_from,
)
from assess.services.questionnaires import latest, registry

OUTSIDE_THIS_AREA = "outside this area"
OUTSIDE_YOUR_AREAS = "outside the areas you cover"
VALIDATED = "validated"  # the review state of a final review


def excluded_sites(area: Area, visible_site_ids: Collection[int] | None) -> frozenset[int]:
    """The sites national figures leave out: the area's, and every other site the person sees by name
    (`visible_site_ids`: the sites of all their areas and any they govern; None for someone who sees every site,
    an administrator, who is given the figures of a commissioner of this area alone)."""
    own = frozenset(site.id for site in area.sites)
    return own if visible_site_ids is None else own | frozenset(visible_site_ids)


# -- the area against national -----------------------------------------------------------------------------


@dataclass
class Panel:
    """The area's sites of one kind (and category) against the other sites of that kind (and category)."""

    id: str  # "prison", "prison-category-c": the chart's id and the CSV's `chart` parameter
    kind: str
    category: str | None
    heading: str  # "Prisons", "Category C prisons"
    group: PeerGroup
    decision: GroupDecision  # the whole group's
    sites: list[Site]  # the area's, alphabetical, with a result in the period
    without_result: list[Site]  # the area's, alphabetical, without one
    versions: tuple[str, ...]  # the questionnaire versions the other sites answered (when shown)
    held_back: dict[str, NotShown] = field(default_factory=dict)  # key -> why (rows not shown)
    chart: Chart | None = None
    group_note: str | None = None  # why the group is not shown, in words
    row_notes: list[tuple[str, str]] = field(default_factory=list)  # (row label, why it is not shown)

    @property
    def reason(self) -> NotShown | None:
        return self.decision.reason


@dataclass
class Distribution:
    area: Area
    questionnaire: Questionnaire
    periods: list[str]  # newest first: those in which any site of the area submitted
    period: str | None  # the one shown (None: no site of the area has submitted)
    outside: str  # OUTSIDE_THIS_AREA or OUTSIDE_YOUR_AREAS
    min_size: int
    panels: list[Panel]
    submitted: dict[str, int] = field(default_factory=dict)  # period -> how many of the area's sites submitted

    def panel(self, panel_id: str) -> Panel | None:
        return next((panel for panel in self.panels if panel.id == panel_id), None)


def default_period(submitted: Mapping[str, int], sites: int) -> str | None:
    """The newest period in which at least half the area's sites submitted (so that the first page seen is not a
    year only a few have reached yet), else the newest in which any did. `submitted`: period -> sites."""
    if not submitted:
        return None
    newest_first = sorted(submitted, reverse=True)
    return next((period for period in newest_first if 2 * submitted[period] >= sites), newest_first[0])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "other"


def national_groups(sites: Sequence[Site], outside: str) -> list[tuple[PeerGroup, str, str, str | None]]:
    """(group, panel heading, kind, category) for each kind of site in the area, then each category it has."""
    found: list[tuple[PeerGroup, str, str, str | None]] = []
    for kind in sorted({site.kind for site in sites}):
        kinds = kind_plural(kind)
        national = PeerGroup(kind, f"All other {kinds}, {outside}", (("kind", kind),))
        found.append((national, kinds.capitalize(), kind, None))
        for category in sorted({site.category for site in sites if site.kind == kind and site.category}):
            group = PeerGroup(
                f"{kind}-{_slug(category)}",
                f"Other {category} {kinds}, {outside}",
                (("kind", kind), ("category", category)),
            )
            found.append((group, f"{category} {kinds}", kind, category))
    return found


def _validated_text(row: AreaValidation, names: Mapping[int, str]) -> str:
    if row.decision == "unable":
        return "unable to validate"
    level = row.validated_level
    return "not scored" if level is None else f"{level} – {names.get(level, level)}"


def _area_site(
    site: Site,
    stored: AssessmentScore,
    questionnaire: Questionnaire,
    decisions: Mapping[str, AreaValidation],
    final: bool,
) -> AreaSite:
    """The site's scores on the keys of `questionnaire` (its own version's areas matched by id)."""
    version = registry().get(stored.questionnaire_id, stored.questionnaire_version)
    mapping = version_maps(questionnaire, {version.version: version})[version.version]
    scores: dict[str, Fraction | None] = {}
    if mapping.complete and stored.overall_hundredths is not None:
        scores[OVERALL] = Fraction(stored.overall_hundredths, 100)
    for row in stored.domains:
        target = mapping.to_site_domain.get(row.domain_id)
        if target is not None:
            scores[target] = Fraction(row.score_hundredths, 100)
    matched = set(mapping.to_site_domain.values())
    not_comparable = {domain.id for domain in questionnaire.domains if domain.id not in matched}
    if not mapping.complete:
        not_comparable.add(OVERALL)
    names = {level.value: level.name for level in questionnaire.levels}
    validated = {
        mapping.to_site_domain[domain_id]: _validated_text(row, names)
        for domain_id, row in decisions.items()
        if domain_id in mapping.to_site_domain
    }
    return AreaSite(site.name, scores, frozenset(not_comparable), validated, final)


@dataclass
class NationalDecision:
    """The national groups decided: each group's decision, the benchmarks of those shown, and the rows held back
    in a shown group (key -> why)."""

    decisions: list[GroupDecision]
    benchmarks: dict[str, GroupBenchmark]
    held_back: dict[str, dict[str, NotShown]]


def decide_national(
    groups: Sequence[PeerGroup],
    exclude: frozenset[int],
    period: str,
    questionnaire: Questionnaire,
    min_size: int,
) -> NationalDecision:
    """Three statements whatever the number of groups: the other sites' attributes, then every shown group's
    counts (areas of the questionnaire, then overall)."""
    questionnaire_id = questionnaire.id
    attributes = benchmark_data.get_peer_attributes(shared_filters(groups), exclude, period, questionnaire_id)
    group_members = {group.id: members(group, attributes, exclude) for group in groups}
    decisions = decide_figures([Figure(group.id, group.label, group_members[group.id]) for group in groups], min_size)
    shown = [group for group, decision in zip(groups, decisions, strict=True) if decision.shown]
    counts = benchmark_data.get_groups_counts(shown, exclude, period, questionnaire_id)
    benchmarks: dict[str, GroupBenchmark] = {}
    for group, decision in zip(groups, decisions, strict=True):
        if decision.shown:
            found = counts[group.id]
            versions = {version: registry().get(questionnaire_id, version) for version in found.versions}
            benchmarks[group.id] = compare_with_group(decision, found, questionnaire, versions, min_size)
    # Each row (the overall score, each area of the questionnaire) is decided again among the groups shown,
    # from how many of each group's sites have a score there.
    held_back: dict[str, dict[str, NotShown]] = defaultdict(dict)
    keys = keys_of(questionnaire)
    for key in keys:
        candidates = []
        for group in shown:
            summary = _summary(benchmarks[group.id], key)
            if summary is not None:
                candidates.append(Figure(group.id, group.label, group_members[group.id], summary.peers))
        for decision in decide_figures(candidates, min_size):
            if decision.reason is not None:
                held_back[decision.group_id][key] = decision.reason
    for group in shown:
        for key, peers in benchmarks[group.id].suppressed_domains.items():
            held_back[group.id].setdefault(key, NotShown(TOO_FEW_SITES, peers, min_size))
    ordered = {
        group_id: dict(sorted(reasons.items(), key=lambda item: keys.index(item[0])))
        for group_id, reasons in held_back.items()
    }
    return NationalDecision(decisions, benchmarks, ordered)


# -- Kept in the database once worked out (issue 15) ---------------------------------------------------------

# Raised whenever the encoding below changes, so that rows written by an older version are worked out again.
NATIONAL_FORMAT = 1


def cached_national(
    groups: Sequence[PeerGroup],
    exclude: frozenset[int],
    period: str,
    questionnaire: Questionnaire,
    min_size: int,
) -> NationalDecision:
    """`decide_national`, kept in the database's figures cache (assess.data.results_cache) once worked out, so
    that every worker and host shares it: the national figures change only when a site submits or a site
    changes, and working them out was a third of the distribution page's time. The row's name is a hash of the
    parameters (the groups, the sites left out, the period, the questionnaire, the threshold); its key adds the
    stamp of the submissions and sites as they stand and the questionnaire's loaded versions, so any new
    submission anywhere, or any change to a site, means they are worked out again and the row replaced."""
    parameters = {
        "groups": [[group.id, group.label, [list(item) for item in group.filters]] for group in groups],
        "exclude": sorted(exclude),
        "period": period,
        "questionnaire": questionnaire.id,
        "min_size": min_size,
    }
    name = _hash(parameters)
    found = cache_data.read_figures(name)
    versions = sorted((item.key[1], item.content_hash) for item in registry() if item.key[0] == questionnaire.id)
    key = _hash({"format": NATIONAL_FORMAT, "name": name, "stamp": list(found.stamp), "versions": versions})
    return read_through(
        found,
        key,
        decode_national,
        lambda: decide_national(groups, exclude, period, questionnaire, min_size),
        lambda built: cache_data.store_figures(name, key, encode_national(built)),
    )


def _hash(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def encode_national(national: NationalDecision) -> str:
    """The national decision as JSON (exact: fractions as numerator and denominator)."""
    return json.dumps(
        {
            "format": NATIONAL_FORMAT,
            "decisions": [decision_dict(decision) for decision in national.decisions],
            "benchmarks": [[group_id, benchmark_dict(item)] for group_id, item in national.benchmarks.items()],
            "held_back": [
                [group_id, [[key, reason_dict(reason)] for key, reason in reasons.items()]]
                for group_id, reasons in national.held_back.items()
            ],
        },
        separators=(",", ":"),
    )


def decode_national(text: str) -> NationalDecision:
    """What encode_national wrote, as it was (ValueError for another format)."""
    data = json.loads(text)
    if data.get("format") != NATIONAL_FORMAT:
        raise ValueError(f"figures cache format {data.get('format')!r}, not {NATIONAL_FORMAT}")
    return NationalDecision(
        decisions=[decision_from(item) for item in data["decisions"]],
        benchmarks={group_id: benchmark_from(item) for group_id, item in data["benchmarks"]},
        held_back={
            group_id: {key: reason for key, value in reasons if (reason := reason_from(value))}
            for group_id, reasons in data["held_back"]
        },
    )


# The names assess.services.area (the overview's national medians) first used.
_groups = national_groups
_national = cached_national


def area_distribution(
    area: Area, period: str | None, visible_site_ids: Collection[int] | None, min_size: int
) -> Distribution:
    """The distribution page for a period (None, or one in which no site of the area submitted: the default,
    `default_period`)."""
    questionnaire = latest().definition
    submitted = dict(area_data.get_area_periods(area.id, questionnaire.id))
    periods = list(submitted)
    sites = sorted(area.sites, key=lambda site: (site.name, site.id))
    if period not in submitted:
        period = default_period(submitted, len(sites))
    exclude = excluded_sites(area, visible_site_ids)
    outside = OUTSIDE_THIS_AREA if exclude == frozenset(site.id for site in sites) else OUTSIDE_YOUR_AREAS
    distribution = Distribution(area, questionnaire, periods, period, outside, min_size, [], submitted)
    if period is None or not sites:
        return distribution

    results = area_data.get_area_latest_scores(area.id, period, questionnaire.id)
    assessment_ids = [stored.assessment_id for stored in results.values()]
    decisions = get_validated_levels(assessment_ids)
    states = get_review_states(assessment_ids)
    groups = national_groups(sites, outside)
    national = cached_national([group for group, _, _, _ in groups], exclude, period, questionnaire, min_size)

    for (group, heading, kind, category), decision in zip(groups, national.decisions, strict=True):
        in_panel = [site for site in sites if site.kind == kind and (category is None or site.category == category)]
        benchmark = national.benchmarks.get(group.id)
        panel = Panel(
            id=group.id,
            kind=kind,
            category=category,
            heading=heading,
            group=group,
            decision=decision,
            sites=[site for site in in_panel if site.id in results],
            without_result=[site for site in in_panel if site.id not in results],
            versions=benchmark.versions if benchmark else (),
            held_back=national.held_back.get(group.id, {}),
        )
        if decision.reason is not None:
            panel.group_note = not_shown_sentence(decision.reason, period)
        panel.row_notes = [
            (key_label(questionnaire, key), not_shown_sentence(reason, period, row=True))
            for key, reason in panel.held_back.items()
        ]
        kinds = kind_plural(kind)
        if category is None:
            title = f"{kinds.capitalize()} in {area.name} against all other {kinds}"
        else:
            title = f"{category} {kinds} in {area.name} against other {category} {kinds}"
        area_sites = []
        for site in panel.sites:
            stored = results[site.id]
            own_decisions = decisions.get(stored.assessment_id, {})
            final = states.get(stored.assessment_id) == VALIDATED
            area_sites.append(_area_site(site, stored, questionnaire, own_decisions, final))
        panel.chart = distribution_chart(
            questionnaire,
            _national_figures(questionnaire, group, decision, benchmark, panel.held_back),
            area_sites,
            chart_id=group.id,
            title=title,
            area_label=area.name,
        )
        distribution.panels.append(panel)
    return distribution


def _summary(benchmark: GroupBenchmark, key: str) -> Summary | None:
    return benchmark.overall if key == OVERALL else benchmark.domains.get(key)


def cell_text(reason: NotShown) -> str:
    """What a table cell says for a figure held back."""
    return TOO_FEW_TO_SHOW if reason.code == TOO_FEW_SITES else WOULD_REVEAL


def _national_figures(
    questionnaire: Questionnaire,
    group: PeerGroup,
    decision: GroupDecision,
    benchmark: GroupBenchmark | None,
    held_back: Mapping[str, NotShown],
) -> NationalFigures:
    keys = keys_of(questionnaire)
    if benchmark is None or decision.reason is not None:
        text = cell_text(decision.reason) if decision.reason is not None else TOO_FEW_TO_SHOW
        return NationalFigures(group.label, {}, {key: text for key in keys})
    summaries = {}
    for key in keys:
        summary = _summary(benchmark, key)
        if summary is not None and key not in held_back:
            summaries[key] = summary
    return NationalFigures(group.label, summaries, {key: cell_text(reason) for key, reason in held_back.items()})


def not_shown_sentence(reason: NotShown, period: str, *, row: bool = False) -> str:
    """Why a whole group (or, with `row`, one row of it: the overall score or an area of the questionnaire) is
    not shown."""
    if reason.code == TOO_FEW_SITES:
        which = "have a score here" if row else f"submitted a self-assessment for {period}"
        return (
            f"Too few to show: fewer than {reason.min_size} of these sites {which}. Figures are shown only for at "
            f"least {reason.min_size}, so that no site's result can be worked out."
        )
    these = "the sites with a score here" if row else "these sites"
    if reason.code == DIFFERS_BY_ONE_SITE:
        return (
            f"Not shown: {these} differ by exactly one site from those of ‘{reason.broader}’, so showing both "
            "would reveal that site's result."
        )
    together = "".join(f" and ‘{label}’" for label in reason.together)
    return (
        f"Not shown: ‘{reason.broader}’ less {these}{together} would leave exactly one site, so showing them all "
        "would reveal that site's result."
    )


# -- the area's trend --------------------------------------------------------------------------------------


@dataclass
class AreaTrend:
    area: Area
    questionnaire: Questionnaire
    measure: str  # OVERALL or a domain id of the questionnaire
    measure_label: str  # "Overall score", or the area of the questionnaire's title
    series: list[TrendSeries]
    figures: list[TrendFigure]
    breaks: list[TrendBreak]
    left_out: list[str]  # versions without this area of the questionnaire: their results are not used
    chart: Chart

    @property
    def measures(self) -> list[tuple[str, str]]:
        return [(key, key_label(self.questionnaire, key)) for key in keys_of(self.questionnaire)]


def _ordered_versions(questionnaire_id: str) -> list[str]:
    return [item.definition.version for item in registry() if item.key[0] == questionnaire_id]


def _measure_ids(versions: Mapping[str, Questionnaire], questionnaire: Questionnaire, measure: str) -> dict[str, str]:
    """The id the area of the questionnaire `measure` has in each version that has it (its own, or one it had)."""
    found = {}
    for version, mapping in version_maps(questionnaire, versions).items():
        own = next((key for key, value in mapping.to_site_domain.items() if value == measure), None)
        if own is not None:
            found[version] = own
    return found


def _trend_values(
    area: Area, questionnaire: Questionnaire, versions: Mapping[str, Questionnaire], measure: str
) -> tuple[dict[tuple[str, int], tuple[str, int]], set[str]]:
    """(period, site id) -> (version, hundredths) of each site's latest result in each period, and the versions
    whose results are left out (they do not have the area of the questionnaire)."""
    own_ids = {} if measure == OVERALL else _measure_ids(versions, questionnaire, measure)
    rows = area_data.get_area_history(area.id, questionnaire.id, set(own_ids.values()) or ({measure} - {OVERALL}))
    left_out: set[str] = set()
    values: dict[tuple[str, int], tuple[str, int]] = {}
    for row in rows:
        if row.version not in versions or (measure != OVERALL and row.version not in own_ids):
            left_out.add(row.version)
        elif (measure == OVERALL or row.domain_id == own_ids[row.version]) and row.hundredths is not None:
            values[(row.period, row.site_id)] = (row.version, row.hundredths)
    return values, left_out


def _classes(versions: Mapping[str, Questionnaire], used: Sequence[str], measure: str) -> list[list[str]]:
    """The versions used, in version order, put together where their results can be compared."""
    classes: list[list[str]] = []
    for version in used:
        home = next((item for item in classes if _comparable(versions, item[0], version, measure)), None)
        if home is None:
            classes.append([version])
        else:
            home.append(version)
    return classes


def area_trend(area: Area, measure: str = OVERALL) -> AreaTrend:
    """The area's median and quartiles by period of `measure` (OVERALL or a domain id of the latest version)."""
    questionnaire = latest().definition
    order = _ordered_versions(questionnaire.id)
    versions = {version: registry().get(questionnaire.id, version) for version in order}
    values, left_out = _trend_values(area, questionnaire, versions, measure)
    classes = _classes(versions, sorted({version for version, _ in values.values()}, key=order.index), measure)
    class_of = {version: index for index, item in enumerate(classes) for version in item}

    counted: dict[tuple[str, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    seen_versions: dict[tuple[str, int], set[str]] = defaultdict(set)
    for (period, _), (version, hundredths) in values.items():
        cell = (period, class_of[version])
        counted[cell][hundredths] += 1
        seen_versions[cell].add(version)
    # Series numbered by the period they start in (then version order), so that breaks read left to right.
    starts = {index: min(period for period, item in counted if item == index) for index in range(len(classes))}
    renumber = {old: new for new, old in enumerate(sorted(starts, key=lambda index: (starts[index], index)))}
    series = [TrendSeries(tuple(classes[old])) for old in sorted(renumber, key=renumber.__getitem__)]
    hundred = Fraction(100)
    figures = [
        TrendFigure(
            period=period,
            series=renumber[index],
            versions=tuple(sorted(seen_versions[(period, index)], key=order.index)),
            sites=sum(found.values()),
            lower_quartile=quantile(found, Fraction(1, 4)) / hundred,
            median=quantile(found, Fraction(1, 2)) / hundred,
            upper_quartile=quantile(found, Fraction(3, 4)) / hundred,
        )
        for (period, index), found in sorted(counted.items(), key=lambda item: (item[0][0], renumber[item[0][1]]))
    ]
    label = key_label(questionnaire, measure)
    return AreaTrend(
        area=area,
        questionnaire=questionnaire,
        measure=measure,
        measure_label=label,
        series=series,
        figures=figures,
        breaks=trend_breaks(figures, series),
        left_out=sorted(left_out, key=lambda version: order.index(version) if version in order else len(order)),
        chart=area_trend_chart(figures, series, subject=area.name, measure=label, top_level=questionnaire.top_level),
    )


def _comparable(versions: Mapping[str, Questionnaire], first: str, other: str, measure: str) -> bool:
    """Whether results on two versions can be pooled: for the overall score, the same areas (matched by id);
    for one area of the questionnaire, both have it (every version here does: the others were left out)."""
    if measure != OVERALL:
        return True
    return version_maps(versions[first], {other: versions[other]})[other].complete
