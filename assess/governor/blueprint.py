"""The governor's blueprint: its routes are in assess.governor.routes (sites, trend), .journey (start to
submit) and .results_pages (results and their downloads)."""

from flask import Blueprint

bp = Blueprint("governor", __name__, template_folder="templates")
