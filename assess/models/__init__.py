"""Typed SQLAlchemy models. Invariants that matter live in the database as constraints."""

from assess.models.area import AREA_TYPES, Area, Assurance, AssuranceDecision, area_sites, user_areas
from assess.models.assessment import Answer, Assessment, AssessmentSection, AssessmentStatus, QuestionnaireVersion
from assess.models.audit import AuditEvent
from assess.models.base import Base, UTCDateTime, utcnow
from assess.models.review import (
    OPEN_QUERY_STATUSES,
    AreaValidation,
    AssessmentReview,
    Confidence,
    Decision,
    Query,
    QueryEntry,
    QueryStatus,
    ReviewState,
)
from assess.models.scores import AssessmentScore, DomainScore
from assess.models.sign_in import SignInAttempt
from assess.models.site import Site
from assess.models.target import SiteTarget
from assess.models.user import Remit, Role, User, user_roles, user_sites

__all__ = [
    "AREA_TYPES",
    "Area",
    "Assurance",
    "AssuranceDecision",
    "area_sites",
    "user_areas",
    "OPEN_QUERY_STATUSES",
    "AreaValidation",
    "AssessmentReview",
    "Confidence",
    "Decision",
    "Query",
    "QueryEntry",
    "QueryStatus",
    "ReviewState",
    "Answer",
    "Assessment",
    "AssessmentSection",
    "AuditEvent",
    "AssessmentScore",
    "DomainScore",
    "AssessmentStatus",
    "Base",
    "QuestionnaireVersion",
    "Remit",
    "Role",
    "SignInAttempt",
    "Site",
    "SiteTarget",
    "User",
    "UTCDateTime",
    "user_roles",
    "user_sites",
    "utcnow",
]
from assess.models.password_link import PasswordLink as PasswordLink  # noqa: E402  (issue 14: one-time password links)
from assess.models.results_cache import FiguresCacheEntry as FiguresCacheEntry  # noqa: E402  (issue 15)
from assess.models.results_cache import ResultsCacheEntry as ResultsCacheEntry  # noqa: E402  (issue 15: the results cache)
