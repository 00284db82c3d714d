"""The commissioner's distributions against national and the area's trend."""

from __future__ import annotations
