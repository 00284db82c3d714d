"""The questionnaire versions in use, for the admin: every version the app loaded (assess.questionnaire.loader's
registry, with each file's content hash as check_published compares it), whether it is the latest of its
questionnaire, how many assessments use it (drafts and submitted), and the hash recorded when it was first
used (assess.data.assessments.get_recorded_versions). A recorded hash that differs from the file's, or a
version in use whose file is missing, should never be seen (the app refuses to start), but is shown if so."""

from __future__ import annotations

from dataclasses import dataclass

from assess.data.assessments import count_assessments_by_version, get_recorded_versions
from assess.models import AssessmentStatus
from assess.questionnaire.loader import display_name
from assess.services.questionnaires import registry


@dataclass(frozen=True)
class VersionRow:
    questionnaire_id: str
    version: str
    title: str
    file: str  # '<questionnaire folder>/<file>', or '' when no file was loaded
    kinds: tuple[str, ...]
    areas: int
    questions: int
    file_hash: str  # '' when no file was loaded
    recorded_hash: str  # '' when no assessment has used it yet
    latest: bool
    drafts: int
    submitted: int

    @property
    def assessments(self) -> int:
        return self.drafts + self.submitted

    @property
    def hash_differs(self) -> bool:
        return bool(self.recorded_hash and self.file_hash and self.recorded_hash != self.file_hash)

    @property
    def file_missing(self) -> bool:
        return not self.file_hash


def questionnaire_versions() -> list[VersionRow]:
    loaded = registry()
    recorded = get_recorded_versions()
    counts = count_assessments_by_version()
    latest: dict[str, tuple[str, str]] = {}
    for item in loaded:
        latest.setdefault(item.key[0], loaded.latest(item.key[0]).key)
    rows = []
    for item in loaded:
        definition = item.definition
        by_status = counts.get(item.key, {})
        rows.append(
            VersionRow(
                questionnaire_id=definition.id,
                version=definition.version,
                title=definition.title,
                file=display_name(item.path),
                kinds=tuple(definition.kinds),
                areas=len(definition.domains),
                questions=sum(len(domain.questions) for domain in definition.domains),
                file_hash=item.content_hash,
                recorded_hash=recorded.get(item.key, ""),
                latest=latest[item.key[0]] == item.key,
                drafts=by_status.get(AssessmentStatus.DRAFT.value, 0),
                submitted=by_status.get(AssessmentStatus.SUBMITTED.value, 0),
            )
        )
    # Versions the database knows and no file gives (the app refuses to start so: shown if it happens).
    for key in sorted((set(recorded) | set(counts)) - set(loaded.items)):
        by_status = counts.get(key, {})
        rows.append(
            VersionRow(
                questionnaire_id=key[0],
                version=key[1],
                title="",
                file="",
                kinds=(),
                areas=0,
                questions=0,
                file_hash="",
                recorded_hash=recorded.get(key, ""),
                latest=False,
                drafts=by_status.get(AssessmentStatus.DRAFT.value, 0),
                submitted=by_status.get(AssessmentStatus.SUBMITTED.value, 0),
            )
        )
    return rows
