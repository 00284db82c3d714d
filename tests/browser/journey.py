"""Helpers for the journeys: which answer each question gets, reading the check-your-answers page back, and
a keyboard-only driver that checks the focus can be seen after every key press."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.audit import TitleBook, assert_focus_visible, audit, focus_state
from tests.browser.data import Seed
from tests.browser.pages import PageKey, keys_of_pages, page_key


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Planned:
    question_id: str
    text: str
    value: str
    label: str
    evidence: str | None


class AnswerPlan:
    """A different, known answer for every question (all levels, "I don't know" and "does not apply" among
    them), worded for the kind of site, with evidence for the first question of each domain."""

    def __init__(self, seed: Seed, kind: str, short_evidence: bool = False):
        self.kind = kind
        self.domains = seed.domains
        self.by_domain: dict[str, list[Planned]] = {}
        number = 0
        for domain in seed.domains:
            planned = []
            for index, question in enumerate(domain["questions"]):
                choices = question["choices"][kind]
                value, label = choices[(number * 3 + 1) % len(choices)]
                evidence = None
                if index == 0:
                    # Typed a key at a time in the keyboard journey, so kept short there (with a new line).
                    evidence = (
                        f"Minutes {number}.\nLog."
                        if short_evidence
                        else f"Evidence for {question['id']}: minutes of the meeting in March."
                    )
                planned.append(Planned(question["id"], squash(question["text"][kind]), value, label, evidence))
                number += 1
            self.by_domain[domain["id"]] = planned

    def questions(self, domain_id: str) -> list[Planned]:
        return self.by_domain[domain_id]

    def all(self) -> list[Planned]:
        return [planned for domain in self.domains for planned in self.by_domain[domain["id"]]]

    def other_choice(self, planned: Planned, seed: Seed) -> tuple[str, str]:
        """Another answer for the same question (for the change-link step)."""
        for domain in seed.domains:
            for question in domain["questions"]:
                if question["id"] == planned.question_id:
                    choices = question["choices"][self.kind]
                    return next((value, label) for value, label in choices if value != planned.value)
        raise KeyError(planned.question_id)


# Pages axe-core has checked in this session (pages.page_key), so that a journey does not check again a page
# another journey has checked.
AXE_CHECKED: set[PageKey] = set()


class Auditor:
    """audit() for every page a journey reaches, in every state it reaches it (pages.page_key: its path
    without ids, its query, the fields its error summary links to, a notification banner). A page seen again
    in the same state, with only other answers in its fields, is not audited again. Titles must be unique
    across the journey.

    axe-core, the slow check, is left out for a page that is in PAGES (test_pages.py checks it, in a test of
    its own) or that another journey has checked in this session; every other check runs on every page."""

    def __init__(self, seed: Seed) -> None:
        self.titles = TitleBook()
        self.in_pages = keys_of_pages(seed.placeholders)
        self.done: set[PageKey] = set()
        self.audited: list[str] = []

    def __call__(self, page: Page) -> None:
        page.wait_for_load_state("load")
        errors = tuple(page.locator(".govuk-error-summary a").evaluate_all("links => links.map(a => a.hash)"))
        key = page_key(page.url, errors, page.locator(".govuk-notification-banner").count() > 0)
        if key in self.done:
            return
        self.done.add(key)
        self.audited.append(page.url)
        run_axe = key not in self.in_pages and key not in AXE_CHECKED
        audit(page, self.titles, axe=run_axe)
        AXE_CHECKED.add(key)


# ---------------------------------------------------------------- mouse (and fill) journeys


def arrive(page: Page, url: str | re.Pattern[str]) -> None:
    """Wait for the address, then for that page to finish loading: the address changes as soon as the new
    page starts to arrive, before its content is all there to be read."""
    expect(page).to_have_url(url)
    page.wait_for_load_state("load")


def answer_domain(page: Page, plan: list[Planned]) -> None:
    for planned in plan:
        page.locator(f'input[name="q-{planned.question_id}"][value="{planned.value}"]').check()
        if planned.evidence:
            page.locator(f"#evidence-{planned.question_id}").fill(planned.evidence)


def assert_domain_answers(page: Page, plan: list[Planned]) -> None:
    for planned in plan:
        radio = page.locator(f'input[name="q-{planned.question_id}"][value="{planned.value}"]')
        assert radio.is_checked(), f"the answer to {planned.question_id} was not kept ({planned.label!r})"
        evidence = page.locator(f"#evidence-{planned.question_id}").input_value()
        assert evidence == (planned.evidence or ""), f"the evidence for {planned.question_id} was not kept"


# ---------------------------------------------------------------- check your answers, read back

CHECK_ROWS_JS = """
() => [...document.querySelectorAll('.govuk-summary-list__row')].map(row => {
  const value = row.querySelector('.govuk-summary-list__value');
  const paragraphs = [...value.querySelectorAll('p')].map(p => p.innerText.trim());
  const change = row.querySelector('.govuk-summary-list__actions a');
  const evidence = value.querySelector('.app-evidence');
  return {key: row.querySelector('.govuk-summary-list__key').innerText, answer: paragraphs[0] || '',
          evidence: evidence ? evidence.innerText : null, change: change ? change.getAttribute('href') : null};
})
"""


def check_answers_rows(page: Page) -> dict[str, dict[str, Any]]:
    rows = page.evaluate(CHECK_ROWS_JS)
    return {squash(row["key"]): row for row in rows}


def assert_check_answers_show(page: Page, expected: list[Planned]) -> None:
    rows = check_answers_rows(page)
    missing = [planned.text for planned in expected if planned.text not in rows]
    assert not missing, f"questions missing from check your answers: {missing}"
    for planned in expected:
        row = rows[planned.text]
        assert squash(row["answer"]) == squash(planned.label), (
            f"check your answers shows {row['answer']!r} for {planned.question_id}, not {planned.label!r}"
        )
        if planned.evidence:
            assert row["evidence"] is not None and squash(row["evidence"]) == squash(planned.evidence), (
                f"check your answers shows evidence {row['evidence']!r} for {planned.question_id}"
            )
        assert row["change"] and row["change"].endswith(f"#q-{planned.question_id}"), row["change"]


def assert_results_show_every_domain(page: Page, seed: Seed) -> None:
    titles = [domain["title"] for domain in seed.domains]
    assert len(titles) == 12
    table = [squash(text) for text in page.locator("table.govuk-table").first.locator("tbody tr th").all_inner_texts()]
    assert table == titles, f"the results table lists {table}, not the 12 domains {titles}"
    headings = [squash(text) for text in page.locator("main :is(h2, h3, h4)").all_inner_texts()]
    for title in titles:
        assert title in headings, f"the results have no heading for {title!r}"


# ---------------------------------------------------------------- keyboard only


class KeyboardOnly:
    """Drives a page with Tab, Shift+Tab, Space, Enter and the arrow keys only (typing into the focused field).

    After every key that moves focus or changes a control, the focused element must show a visible focus
    indicator (audit.FOCUS_STATE_JS)."""

    def __init__(self, page: Page, auditor: Auditor):
        self.page = page
        self.audit = auditor
        self.presses = 0

    def press(self, key: str) -> dict[str, Any]:
        self.page.keyboard.press(key)
        self.presses += 1
        return assert_focus_visible(self.page)

    def tab_to(self, selector: str, backwards: bool = False, limit: int = 200) -> dict[str, Any]:
        """Tab (or Shift+Tab) until the focused element matches the selector."""
        key = "Shift+Tab" if backwards else "Tab"
        visited = []
        for _ in range(limit):
            self.page.keyboard.press(key)
            self.presses += 1
            state = focus_state(self.page, selector)
            if state["element"] is None:
                visited.append("(outside the page)")
                continue  # past the last element focus leaves the page; the next Tab comes back to the top
            assert_focus_visible(self.page, state)
            if state["matches"]:
                return state
            visited.append(state["element"])
        raise AssertionError(
            f"{limit} presses of {key} on {self.page.url} never reached {selector}; focus went to: {visited[:40]}"
        )

    def type(self, text: str) -> None:
        """Type into the focused field (a newline is the Enter key)."""
        self.page.keyboard.type(text)
        assert_focus_visible(self.page)

    def follow(self, key: str = "Enter") -> None:
        """Press a key that loads another page (or the same page after a form is sent), then audit it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.presses += 1
        self.audit(self.page)

    def choose(self, name: str, value: str) -> None:
        """Tab into a radio group, move to the answer with the arrow keys (or Space when focus is already on it)."""
        self.tab_to(f'input[type="radio"][name="{name}"]')
        values = self.page.evaluate("(name) => [...document.getElementsByName(name)].map(radio => radio.value)", name)
        current = self.page.evaluate("() => document.activeElement.value")
        steps = values.index(value) - values.index(current)
        for _ in range(abs(steps)):
            self.press("ArrowDown" if steps > 0 else "ArrowUp")
        radio = self.page.locator(f'input[name="{name}"][value="{value}"]')
        if not radio.is_checked():
            self.press("Space")
        assert radio.is_checked(), f"could not choose {value} for {name} with the keyboard"
        assert self.page.evaluate("() => document.activeElement.value") == value

    def answer_domain(self, plan: list[Planned]) -> None:
        for planned in plan:
            self.choose(f"q-{planned.question_id}", planned.value)
            if planned.evidence:
                self.tab_to(f"#evidence-{planned.question_id}")
                self.type(planned.evidence)
