from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_login import current_user
from markupsafe import Markup

from assess import periods
from assess.admin.remit import describe_remit
from assess.charts import figure_json, percentile_text, percentile_words, score_text
from assess.common.edge import has_bidi, strip_bidi
from assess.questionnaire.forms import EVIDENCE_MAX_LENGTH, choice_field_name, evidence_field_name

LONDON = ZoneInfo("Europe/London")


def uk_datetime(value: datetime | None) -> str:
    """'25 November 2026 at 3:04pm', in UK time, as GOV.UK writes dates and times."""
    if value is None:
        return ""
    local = value.astimezone(LONDON) if value.tzinfo else value.replace(tzinfo=UTC).astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def uk_date(value: datetime | date | None) -> str:
    """'25 November 2026': a datetime in UK time, or a calendar date (a due date) as it is."""
    if value is None:
        return ""
    local = value.astimezone(LONDON) if isinstance(value, datetime) else value
    return f"{local.day} {local:%B %Y}"


def service_navigation() -> list[dict[str, object]]:
    """The links in the service navigation for the signed-in person's audiences."""
    if not current_user.is_authenticated:
        return []
    endpoint = request.endpoint or ""
    items: list[dict[str, object]] = []
    if current_user.has_audience("governor"):
        items.append(
            {"href": url_for("governor.sites"), "text": "Your sites", "active": endpoint.startswith("governor.")}
        )
    if current_user.has_audience("inspector"):
        items.append(
            {"href": url_for("inspector.home"), "text": "Caseload", "active": endpoint.startswith("inspector.")}
        )
    if current_user.has_audience("commissioner"):
        items.append(
            {"href": url_for("commissioner.home"), "text": "Areas", "active": endpoint.startswith("commissioner.")}
        )
    if current_user.has_audience("admin"):
        items.append({"href": url_for("admin.home"), "text": "Administration", "active": endpoint.startswith("admin.")})
    if not items:
        items.append({"href": url_for("common.home"), "text": "Home", "active": endpoint == "common.home"})
    items.append({"href": url_for("auth.account"), "text": "Your account", "active": endpoint.startswith("auth.")})
    return items


def remit_lines(remits: Iterable[Any]) -> list[str]:
    """An inspector's remit in words, a line per kind of site ("Prisons in England and Wales")."""
    return describe_remit((remit.kind, remit.nation) for remit in remits)


def chart_json(figure: object) -> Markup:
    """Figure JSON for <script type="application/json">, where HTML entities are not decoded, so it must not be
    HTML-escaped. Safe: figure_json escapes '<', '>' and '/' as JSON unicode escapes, so nothing can close the
    script element."""
    return Markup(figure_json(figure))


def neutralise_direction(value: Any) -> Any:
    """Jinja's `finalize`: every `{{ ... }}` on every page and in every PDF passes through here. Text-direction
    embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069) are removed, so evidence
    stored before the edge refused them (or imported) cannot make the text around it read differently. Markup
    stays Markup: these characters are never part of HTML syntax."""
    if isinstance(value, str) and not value.isascii() and has_bidi(value):  # isascii: most text, and quick
        return Markup(strip_bidi(value)) if isinstance(value, Markup) else strip_bidi(value)
    return value


def register(app: Flask) -> None:
    app.jinja_env.finalize = neutralise_direction
    app.add_template_global(chart_json)
    app.add_template_global(score_text)
    app.add_template_global(percentile_text)
    app.add_template_global(percentile_words)
    app.add_template_global(service_navigation)
    app.add_template_global(remit_lines)
    app.add_template_global(choice_field_name)
    app.add_template_global(evidence_field_name)
    app.jinja_env.globals["evidence_max"] = EVIDENCE_MAX_LENGTH
    app.add_template_filter(uk_datetime, "uk_datetime")
    app.add_template_filter(uk_date, "uk_date")
    app.add_template_filter(periods.describe, "period_description")
