"""The commissioner's pages (issue 12): an area's coverage, its sites against the twelve areas of the
questionnaire, the area against national, trends, assurance decisions and the board pack.

One blueprint, `commissioner`, whose views live in three modules: routes.py (the area overview, the matrix,
a site in the area, assurance decisions), stats.py (distributions against national, the trend) and board.py
(the board pack)."""

from flask import Blueprint

bp = Blueprint("commissioner", __name__, template_folder="templates")

from assess.commissioner import board, routes, stats  # noqa: E402,F401  (they add their views to bp)
