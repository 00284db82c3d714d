"""Two to six sites side by side, area by area (an inspector's comparison): grouped horizontal bars of each
site's self-assessed level, with a table of the same numbers. Pure. Sites are in the order given
(alphabetical); nothing is ranked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .chart import Chart, bar, plain_figure
from .style import (
    AREA,
    LEVEL_COLOURS,
    LEVEL_PATTERNS,
    TEXT_COLOUR,
    WRAP_AT,
    base_layout,
    category_axis,
    escape,
    label_colour,
    left_margin,
    linear_axis,
    row_height,
    wrap,
)
from .table import Row, Table

HOVER = "%{hovertext}<extra></extra>"

NOT_COMPARABLE = "Not comparable"
NOT_SCORED = "Not scored"
OVERALL_ROW = "Overall"


@dataclass(frozen=True)
class ComparedSite:
    """One column: a site's self-assessed levels by area (domain id), and the areas that cannot be compared
    (its questionnaire version has no such area)."""

    label: str
    period: str
    overall: int | None
    levels: Mapping[str, int | None]
    not_comparable: frozenset[str] = field(default_factory=frozenset)
    # An inspector's validated level of each area decided so far, in words ("2 – Consultation", "Unable to
    # validate"), and whether the review is final (otherwise the table says provisional).
    validated: Mapping[str, str] = field(default_factory=dict)
    validated_final: bool = False

    def self_assessed(self, domain_id: str, level_names: Mapping[int, str]) -> str:
        if domain_id in self.not_comparable:
            return NOT_COMPARABLE
        level = self.levels.get(domain_id)
        return NOT_SCORED if level is None else f"{level} – {level_names[level]}"

    def cell(self, domain_id: str, level_names: Mapping[int, str]) -> str:
        """The self-assessed level, and the validated level where there is one."""
        text = self.self_assessed(domain_id, level_names)
        if domain_id in self.validated and domain_id not in self.not_comparable:
            text += f" (validated{'' if self.validated_final else ', provisional'}: {self.validated[domain_id]})"
        return text


def comparison_chart(
    areas: Sequence[tuple[str, str]], sites: Sequence[ComparedSite], level_names: Mapping[int, str]
) -> Chart:
    """`areas`: (domain id, title) in questionnaire order. One bar per site in each area."""
    title = "Self-assessed level of each site in each area"
    headers = (AREA, *(f"{site.label} ({site.period})" for site in sites))
    rows = [Row(OVERALL_ROW, tuple(_overall(site, level_names) for site in sites))]
    rows += [
        Row(area_title, tuple(site.cell(domain_id, level_names) for site in sites)) for domain_id, area_title in areas
    ]
    table = Table(caption=title, headers=headers, rows=tuple(rows))

    labels = [wrap(area_title, WRAP_AT) for _, area_title in areas]
    top = max(level_names)
    traces = []
    for index, site in enumerate(sites):
        colour = LEVEL_COLOURS[(index + 3) % len(LEVEL_COLOURS)]
        values = [None if domain_id in site.not_comparable else site.levels.get(domain_id) for domain_id, _ in areas]
        traces.append(
            bar(
                name=escape(site.label),
                orientation="h",
                y=labels,
                x=values,
                marker={
                    "color": colour,
                    "line": {"color": TEXT_COLOUR, "width": 1},
                    "pattern": {
                        "shape": LEVEL_PATTERNS[index % len(LEVEL_PATTERNS)],
                        "fgcolor": label_colour(colour),
                        "solidity": 0.15,
                    },
                },
                hovertext=[
                    f"{escape(title_)}<br>{escape(site.label)}: {escape(site.self_assessed(domain_id, level_names))}"
                    for domain_id, title_ in areas
                ],
                hovertemplate=HOVER,
            )
        )
    description = (
        f"The self-assessed level of {len(sites)} sites in each of {len(areas)} areas, side by side, from 0 to {top}. "
        "Areas a site's questionnaire version does not have are marked not comparable in the table, which also "
        "gives an inspector's validated level where there is one."
    )
    layout = base_layout(
        title,
        description,
        plot_height=row_height(labels) * max(len(areas), 1) * max(1, (len(sites) + 1) // 2),
        legend=[site.label for site in sites],
        left=left_margin(labels),
    )
    layout["barmode"] = "group"
    layout["xaxis"] = linear_axis("Self-assessed level", 0, top, 1, "d")
    layout["yaxis"] = category_axis(labels, reversed_=True)
    return Chart("comparison", title, plain_figure(data=traces, layout=layout), table, description)


def _overall(site: ComparedSite, level_names: Mapping[int, str]) -> str:
    if site.not_comparable:
        return NOT_COMPARABLE
    return NOT_SCORED if site.overall is None else f"{site.overall} – {level_names[site.overall]}"
