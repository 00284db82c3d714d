"""The table shown with every chart (and offered as a CSV download): exactly the chart's numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

NOT_SHOWN = "Not shown"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (an area title starting with '=')."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell


@dataclass(frozen=True)
class Row:
    """One row: a label (the first column, a row header) and display strings for the other columns.

    A row whose figures are not shown has no values and a `not_shown` reason instead; the page shows
    "Not shown. <reason>" across the other columns (one cell with colspan)."""

    label: str
    values: tuple[str, ...] = ()
    not_shown: str | None = None

    @property
    def shown(self) -> bool:
        return self.not_shown is None

    @property
    def note(self) -> str:
        """The text for a row that is not shown: 'Not shown. <reason>'."""
        return f"{NOT_SHOWN}. {self.not_shown}" if self.not_shown else ""

    def __iter__(self) -> Iterator[str]:
        """The cells as a template loops over them: the label, then the values or the note."""
        return iter((self.label, *self.values) if self.shown else (self.label, self.note))

    def __len__(self) -> int:
        return 1 + len(self.values) if self.shown else 2

    def __getitem__(self, index: int) -> str:
        return tuple(self)[index]

    def cells(self, columns: int) -> tuple[str, ...]:
        """Exactly `columns` cells: the label then the values, or the note then blanks."""
        if self.shown:
            return (self.label, *self.values)
        return (self.label, self.note, *([""] * (columns - 2)))


@dataclass(frozen=True)
class Table:
    """`csv_columns`: (header, value) pairs the CSV file adds to every row after the table's own columns
    (what the page says once, in the caption, such as the year the figures come from), so that a file on
    its own still says what it holds and stays one header row then data rows."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    csv_columns: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for row in self.rows:
            if row.shown and len(row.values) != len(self.headers) - 1:
                raise ValueError(f"row {row.label!r} has {len(row.values)} values for {len(self.headers) - 1} columns")

    @property
    def has_figures(self) -> bool:
        return any(row.shown for row in self.rows)

    def row(self, label: str) -> Row:
        return next(row for row in self.rows if row.label == label)

    def csv(self) -> str:
        """CSV text (RFC 4180, CRLF line ends) with a header row; not-shown rows carry the reason."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        extra_headers = tuple(header for header, _ in self.csv_columns)
        extra_values = tuple(value for _, value in self.csv_columns)
        writer.writerow([csv_safe(cell) for cell in (*self.headers, *extra_headers)])
        for row in self.rows:
            writer.writerow([csv_safe(cell) for cell in (*row.cells(len(self.headers)), *extra_values)])
        return out.getvalue()
