"""The commissioner's area overview, matrix, site summary and assurance decisions."""

from __future__ import annotations
