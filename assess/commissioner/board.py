"""The commissioner's board pack: an area PDF and CSV, named and anonymised (issue 12, item 8).

Both are for the commissioners who cover the area (`area_required`: 404 for any other area). `?version=
anonymised` gives the anonymised variant (sites as letters, no free text), for circulation beyond the
commissioner's office; the named variant is the default (`?version=named`); any other value is not found, so
that a mistyped request never hands out names. `?period=` chooses the coverage year, as on the overview (the
current year by default; a year not offered is not found). One BoardPack (assess.services.board_pack) feeds
both files; the PDF is made within REPORT_TIME_LIMIT and cached under a digest of the pack, and when it cannot
be made the person gets a "try again" page (503) that still offers the CSV."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import TYPE_CHECKING

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.auth.decorators import commissioner_required
from assess.auth.loaders import area_required
from assess.auth.policy import scope_for
from assess.commissioner import board_build as build
from assess.commissioner import bp
from assess.common.downloads import csv_download, pdf_download
from assess.pdf.inflight import cached_pdf
from assess.services.area import offered_periods
from assess.services.board_pack import ANONYMISED, NAMED, BoardPack, board_pack, pack_csv

if TYPE_CHECKING:
    from assess.models import Area

log = logging.getLogger(__name__)

VERSIONS = {"": NAMED, NAMED: NAMED, ANONYMISED: ANONYMISED, "anonymized": ANONYMISED}


def _variant() -> str:
    asked = request.args.get("version", "").strip().lower()[:20]
    if asked not in VERSIONS:
        abort(404)
    return VERSIONS[asked]


def _period(today: date) -> str:
    asked = request.args.get("period", "").strip()[:20]
    offered = offered_periods(today)
    if asked and asked not in offered:
        abort(404)
    return asked or offered[0]


def _pack(area: Area, variant: str, period: str, today: date, *, full: bool = True) -> BoardPack:
    scope = scope_for(current_user)
    return board_pack(
        area,
        variant=variant,
        period=period,
        today=today,
        visible_site_ids=None if scope.all_sites else scope.site_ids,
        min_size=current_app.config["MIN_PEER_GROUP"],
        secret=current_app.config["SECRET_KEY"],
        full=full,
    )


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/areas/<string:area_code>/board-pack.pdf", endpoint="board_pdf")
@commissioner_required
@area_required
def board_pdf(area: Area) -> Response | tuple[str, int, dict[str, str]]:
    today = date.today()
    variant, period = _variant(), _period(today)
    build.warm_up()  # Chromium and the render process start (once) while the pack is gathered
    pack = _pack(area, variant, period, today)
    key = build.cache_key(pack)
    store = build.pack_cache()
    started = time.perf_counter()
    try:
        served = cached_pdf(store, key, lambda: build.make_pdf(pack))
    except build.BoardTimedOut as exc:
        log.warning("board pack %s for area %s timed out: %s", key[:12], area.code, exc)
        return _unavailable(area, pack, timed_out=True)
    except build.BoardUnavailable as exc:
        log.error("board pack %s for area %s failed: %s", key[:12], area.code, exc)
        return _unavailable(area, pack, timed_out=False)
    if served.refused:
        log.warning("board pack %s: the fetcher refused %s", key[:12], ", ".join(served.refused))
    log.info(
        "board pack %s for area %s (%s): cache %s, %d bytes, %.2f s",
        key[:12],
        area.code,
        pack.variant,
        served.status,
        len(served.body),
        time.perf_counter() - started,
    )
    return pdf_download(served.body, pack.filename("pdf"), key, served.status)


@bp.route("/areas/<string:area_code>/board-pack.csv", endpoint="board_csv")
@commissioner_required
@area_required
def board_csv(area: Area) -> Response:
    today = date.today()
    pack = _pack(area, _variant(), _period(today), today, full=False)
    return _no_store(csv_download(pack_csv(pack), pack.filename("csv")))


def _unavailable(area: Area, pack: BoardPack, *, timed_out: bool) -> tuple[str, int, dict[str, str]]:
    version = pack.variant if pack.anonymised else None
    page = render_template(
        "commissioner/board/unavailable.html",
        area=area,
        pack=pack,
        timed_out=timed_out,
        back_url=url_for("commissioner.area", area_code=area.code, period=pack.period),
        csv_url=url_for("commissioner.board_csv", area_code=area.code, period=pack.period, version=version),
    )
    return page, 503, {"Retry-After": "60"}
