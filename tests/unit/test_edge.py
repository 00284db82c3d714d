"""The edge (assess/common/edge.py): control characters and direction overrides cleaned as Werkzeug parses
form and query values; a control character in the path gets 404; the body limits; sign-in's `next`; the
direction overrides removed from every rendered value (issue 14, item 5)."""

from __future__ import annotations

import io

import pytest
from flask import Flask, request
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from assess.auth.routes import _safe_next
from assess.common import edge
from assess.common.filters import neutralise_direction

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize(
    ("typed", "multiline", "kept"),
    [
        ("ada@example.org\x00", True, "ada@example.org"),
        ("a\x01b\x08c\x0bd\x0ce\x1bf\x7fg\x85h\x9fi", True, "abcdefghi"),
        ("line one\r\n\tline two", True, "line one\r\n\tline two"),
        ("line one\r\n\tline two", False, "line oneline two"),
        ("Paid \u202e0001\u202c pounds" + BIDI, True, "Paid 0001 pounds"),
        (" ", True, ""),
        ("\u00a0\t ", True, ""),
        (" 2 ", True, " 2 "),
        ("\U0001f600 e\u0301 \u200b", True, "\U0001f600 e\u0301 \u200b"),
        ("", True, ""),
    ],
)
def test_clean_text(typed, multiline, kept):
    assert edge.clean_text(typed, multiline=multiline) == kept


def test_form_and_args_are_cleaned_as_parsed_files_left_alone():
    app = Flask(__name__)
    edge.register(app)
    seen = {}

    @app.post("/echo")
    def echo():
        seen["form"] = request.form.to_dict(flat=False)
        seen["args"] = request.args.to_dict(flat=False)
        seen["file"] = request.files["upload"].read()
        return "ok"

    response = app.test_client().post(
        "/echo?next=/a%0D%0Ab%00&x=%E2%80%AE1",
        data={
            "email": "a\x00b",
            "evidence": ["one\r\ntwo\x00", "\u2066x\u2069"],
            "upload": (io.BytesIO(b"\x00\x01raw"), "f.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert seen["form"] == {"email": ["ab"], "evidence": ["one\r\ntwo", "x"]}
    assert seen["args"] == {"next": ["/ab"], "x": ["1"]}
    assert seen["file"] == b"\x00\x01raw"


def test_a_value_longer_than_any_field_takes_is_cut_and_said_so():
    app = Flask(__name__)
    app.secret_key = "test"
    edge.register(app)

    @app.post("/echo")
    def echo():
        from flask import get_flashed_messages

        return {"lengths": [len(v) for v in request.form.getlist("text")], "said": get_flashed_messages()}

    response = app.test_client().post("/echo", data={"text": ["a" * 50_000, "b" * edge.MAX_FIELD_LENGTH]})
    assert response.json == {
        "lengths": [edge.MAX_FIELD_LENGTH, edge.MAX_FIELD_LENGTH],
        "said": [edge.TRUNCATED_MESSAGE],
    }


def test_every_field_of_the_service_is_shorter_than_the_cut():
    from assess.assurance import MAX_TEXT as ASSURANCE_MAX
    from assess.questionnaire.forms import EVIDENCE_MAX_LENGTH
    from assess.validation import MAX_TEXT as VALIDATION_MAX

    assert max(EVIDENCE_MAX_LENGTH, ASSURANCE_MAX, VALIDATION_MAX, 255) < edge.MAX_FIELD_LENGTH


def test_a_clean_dict_accepts_every_shape_werkzeug_builds_it_from():
    assert edge.CleanFormDict([("a", "1\x00")]).to_dict() == {"a": "1"}
    assert edge.CleanFormDict({"a": "1\x00"}).to_dict() == {"a": "1"}
    assert edge.CleanFormDict(MultiDict([("a", "x\x00"), ("a", "y")])).getlist("a") == ["x", "y"]
    assert edge.CleanFormDict().to_dict() == {}


@pytest.mark.parametrize("path", ["/page%00", "/pa%0Age", "/page%0D", "/%1B", "/page%7F"])
def test_a_control_character_in_the_path_gets_404_before_the_view(path):
    app = Flask(__name__)
    edge.register(app)
    called = []

    @app.route("/<name>")
    def view(name):
        called.append(name)
        return "ok"

    assert app.test_client().get(path).status_code == 404
    assert called == []
    assert app.test_client().get("/page").status_code == 200


def test_the_body_limits_are_set_and_can_be_configured(monkeypatch):
    app = Flask(__name__)
    edge.register(app)
    assert app.config["MAX_CONTENT_LENGTH"] == edge.MAX_CONTENT_LENGTH
    assert app.config["MAX_FORM_MEMORY_SIZE"] == edge.MAX_FORM_MEMORY_SIZE
    assert app.config["MAX_FORM_PARTS"] == edge.MAX_FORM_PARTS
    monkeypatch.setenv("ASSESS_MAX_CONTENT_LENGTH", "2000000")
    monkeypatch.setenv("ASSESS_MAX_FORM_PARTS", "nonsense")
    configured = Flask(__name__)
    configured.config["MAX_FORM_MEMORY_SIZE"] = 4096  # set on purpose in the app's configuration: kept
    edge.register(configured)
    assert configured.config["MAX_CONTENT_LENGTH"] == 2_000_000
    assert configured.config["MAX_FORM_PARTS"] == edge.MAX_FORM_PARTS
    assert configured.config["MAX_FORM_MEMORY_SIZE"] == 4096


def test_an_area_page_full_of_four_byte_characters_fits_the_limits():
    """Twelve evidence boxes (more than any area has) of 2,000 four-byte characters, percent-encoded."""
    from assess.questionnaire.forms import EVIDENCE_MAX_LENGTH

    box = EVIDENCE_MAX_LENGTH * 4 * 3
    assert box < edge.MAX_FORM_MEMORY_SIZE
    assert 12 * box < edge.MAX_CONTENT_LENGTH


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/sites", "/sites"),
        ("/sites/GOV-A/trend?x=1", "/sites/GOV-A/trend?x=1"),
        (None, None),
        ("", None),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("/\t/evil.example", None),
        ("/sites\r\nSet-Cookie: x=1", None),
        ("/sites\nLocation: //evil.example", None),
        ("\r\n/sites", None),
        ("/sites\x00", None),
        ("/sites\x7f", None),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("sites", None),
    ],
)
def test_safe_next(target, kept):
    assert _safe_next(target) == kept


def test_rendered_values_lose_direction_overrides_and_markup_stays_markup():
    assert neutralise_direction("Budget \u202egnitsil\u202c set" + BIDI) == "Budget gnitsil set"
    cleaned = neutralise_direction(Markup("<b>\u2066x\u2069</b>"))
    assert isinstance(cleaned, Markup) and cleaned == Markup("<b>x</b>")
    assert neutralise_direction(42) == 42
    assert neutralise_direction(None) is None
    plain = "no overrides here"
    assert neutralise_direction(plain) is plain


def test_every_template_expression_goes_through_the_neutraliser():
    from assess.common import filters

    app = Flask(__name__)
    filters.register(app)
    with app.test_request_context():
        rendered = app.jinja_env.from_string("{{ a }}|{{ b|e }}|{% if true %}{{ c ~ 'd' }}{% endif %}").render(
            a="x\u202ey", b="<\u2067>", c="\u202d"
        )
    assert rendered == "xy|&lt;&gt;|d"
