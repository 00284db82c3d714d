"""The app's Jinja environment: Flask's, with template globals whose key lookups are quick.

Every GOV.UK component macro imports other macros each time it is called, and Jinja then compares the
rendering context's globals with the template's (`ctx.globals_keys - template.globals.keys()`). Jinja's
globals are a collections.ChainMap, whose `keys()` view answers each membership test in Python code: about
40 microseconds a macro call, several milliseconds on a page of tags or checkboxes (issue 15). Here the keys
are a plain set of the same names, made when asked for, so the comparison runs in C. Nothing else changes: the
maps, their order and what each name means are Jinja's.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from typing import Any

from flask import Flask
from flask.templating import Environment as FlaskEnvironment


class TemplateGlobals(ChainMap[str, Any]):
    def keys(self) -> set[str]:  # type: ignore[override]
        return set().union(*self.maps)

    def __contains__(self, key: object) -> bool:
        for mapping in self.maps:
            if key in mapping:
                return True
        return False


class Environment(FlaskEnvironment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, self.globals)


class App(Flask):
    jinja_environment = Environment
