"""Choosing a password from a one-time link an admin made (the service sends no email): being written
(issue 14, item 8)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("choose_password", __name__, template_folder="templates")
