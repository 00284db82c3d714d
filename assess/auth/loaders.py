"""Object loaders: a route that names a site or an assessment in its URL loads it here, through the access
policy, and gets the object instead of the identifier. Outside the person's scope, or unknown, the answer
is 404 (never 403), so nobody learns which sites or assessments exist.

Put a loader under the route's one audience decorator (which signs the person in first). A test walks the
URL map to prove every route with `site_code` or `assessment_id` in its URL has one (`_loads`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from assess.auth.policy import can_view_area, can_view_site
from assess.data.areas import get_area_by_code
from assess.data.assessments import get_assessment
from assess.data.queries import get_query
from assess.data.sites import get_site_by_code
from assess.data.users import get_user

F = TypeVar("F", bound=Callable[..., Any])

# The largest id either database stores (PostgreSQL's integer): a larger number names nothing.
MAX_ID = 2**31 - 1
MAX_CODE_LENGTH = 20


def _mark(view: Callable[..., Any], loads: str) -> None:
    view._loads = loads  # type: ignore[attr-defined]


def site_required(view: F) -> F:
    """`site_code` in the URL -> `site` (a Site the person may see), else 404."""

    @wraps(view)
    def wrapped(*args: Any, site_code: str, **kwargs: Any) -> Any:
        site = get_site_by_code(site_code) if 0 < len(site_code) <= MAX_CODE_LENGTH else None
        if site is None or not can_view_site(current_user, site):
            abort(404)
        return view(*args, site=site, **kwargs)

    _mark(wrapped, "site")
    return wrapped  # type: ignore[return-value]


def assessment_required(view: F) -> F:
    """`assessment_id` in the URL -> `assessment` (of a site the person may see), else 404."""

    @wraps(view)
    def wrapped(*args: Any, assessment_id: int, **kwargs: Any) -> Any:
        assessment = get_assessment(assessment_id) if 0 < assessment_id <= MAX_ID else None
        if assessment is None or not can_view_site(current_user, assessment.site):
            abort(404)
        return view(*args, assessment=assessment, **kwargs)

    _mark(wrapped, "assessment")
    return wrapped  # type: ignore[return-value]


def query_required(view: F) -> F:
    """`query_id` in the URL -> `query` (on an assessment of a site the person may see), else 404."""

    @wraps(view)
    def wrapped(*args: Any, query_id: int, **kwargs: Any) -> Any:
        query = get_query(query_id) if 0 < query_id <= MAX_ID else None
        if query is None or not can_view_site(current_user, query.assessment.site):
            abort(404)
        return view(*args, query=query, **kwargs)

    _mark(wrapped, "query")
    return wrapped  # type: ignore[return-value]


def area_required(view: F) -> F:
    """`area_code` in the URL -> `area` (one of the person's areas), else 404."""

    @wraps(view)
    def wrapped(*args: Any, area_code: str, **kwargs: Any) -> Any:
        area = get_area_by_code(area_code.upper()) if 0 < len(area_code) <= MAX_CODE_LENGTH else None
        if area is None or not can_view_area(current_user, area):
            abort(404)
        return view(*args, area=area, **kwargs)

    _mark(wrapped, "area")
    return wrapped  # type: ignore[return-value]


def user_required(view: F) -> F:
    """`user_id` in the URL -> `user` (admin pages only: an admin's scope is every account), else 404."""

    @wraps(view)
    def wrapped(*args: Any, user_id: int, **kwargs: Any) -> Any:
        user = get_user(user_id) if 0 < user_id <= MAX_ID else None
        if user is None or not current_user.has_audience("admin"):
            abort(404)
        return view(*args, user=user, **kwargs)

    _mark(wrapped, "user")
    return wrapped  # type: ignore[return-value]
