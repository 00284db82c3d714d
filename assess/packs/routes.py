"""The evidence pack downloads."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("packs", __name__, template_folder="templates")
