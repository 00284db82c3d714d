"""An inspector's remit as typed on the command line, read into (kind of site, nation) pairs. Pure.

Each value is `all`, a kind of site (`prison`, `probation`: in every nation), or a kind with nations after
a colon (`prison:England,Wales`). Repeat the option for more: `--remit prison:England,Wales --remit
probation:Wales`. Kinds and nations are matched without regard to case; plurals ("prisons") are accepted.
"""

from __future__ import annotations

from collections.abc import Iterable

from assess.questionnaire.schema import NATIONS, SITE_KINDS

EVERYTHING = "all"


class RemitError(ValueError):
    """The value cannot be read; the message says which part and what is allowed."""


def _kind(text: str) -> str:
    word = text.strip().lower()
    word = word[:-1] if word.endswith("s") and word[:-1] in SITE_KINDS else word
    if word not in SITE_KINDS:
        raise RemitError(f"'{text.strip()}' is not a kind of site: use {', '.join(SITE_KINDS)} or {EVERYTHING}")
    return word


def _nation(text: str) -> str:
    found = next((nation for nation in NATIONS if nation.lower() == text.strip().lower()), None)
    if found is None:
        raise RemitError(f"'{text.strip()}' is not a nation: use {', '.join(NATIONS)}")
    return found


def parse_remit(values: Iterable[str]) -> list[tuple[str, str]]:
    """The (kind, nation) pairs the values cover, sorted and without repeats."""
    pairs: set[tuple[str, str]] = set()
    for value in values:
        if value.strip().lower() == EVERYTHING:
            pairs.update((kind, nation) for kind in SITE_KINDS for nation in NATIONS)
            continue
        kind_text, _, nations_text = value.partition(":")
        kind = _kind(kind_text)
        if not nations_text.strip():
            pairs.update((kind, nation) for nation in NATIONS)
            continue
        pairs.update((kind, _nation(nation)) for nation in nations_text.split(",") if nation.strip())
    return sorted(pairs)


def describe_remit(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """In words, a line per kind: "Prisons in England and Wales"."""
    by_kind: dict[str, list[str]] = {}
    for kind, nation in sorted(pairs):
        by_kind.setdefault(kind, []).append(nation)
    lines = []
    for kind in SITE_KINDS:
        nations = [nation for nation in NATIONS if nation in by_kind.get(kind, [])]
        if not nations:
            continue
        label = "Prisons" if kind == "prison" else "Probation services"
        where = (
            "every nation"
            if len(nations) == len(NATIONS)
            else " and ".join([", ".join(nations[:-1]), nations[-1]] if len(nations) > 1 else nations)
        )
        lines.append(f"{label} in {where}")
    return lines
