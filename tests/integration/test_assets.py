"""Light pages on the wire (issue 15, item 4): static files compressed, named after their content and cached
for a year; plotly.js cut to the trace types the charts use; a results page's first view at most 1.5 MB and a
repeat view only the HTML. The assets are the ones `make assets` built (assess/static)."""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import brotli
import plotly.offline
import pytest
from bs4 import BeautifulSoup

from assess.common import assets
from tests.integration.helpers import page

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "assess" / "static"
FIRST_VIEW_LIMIT = 1_500_000  # bytes on the wire, the page included
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium asks for
# Linked by the GOV.UK template with its assetPath (no url_for): plain names, kept an hour.
TEMPLATE_LINKS = {"icon", "mask-icon", "apple-touch-icon", "manifest"}

pytestmark = pytest.mark.skipif(
    not (STATIC / assets.MANIFEST).is_file(), reason="the assets are not built: run `make assets`"
)


def fetch(client: Any, url: str) -> tuple[Any, bytes]:
    """The response as a browser gets it, and its body decoded."""
    response = client.get(url, headers={"Accept-Encoding": BROWSER_ENCODINGS}, buffered=True)  # file closed
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    decoded = brotli.decompress(body) if encoding == "br" else gzip.decompress(body) if encoding == "gzip" else body
    return response, decoded


def linked_assets(soup: BeautifulSoup) -> dict[str, str]:
    """Each /assets/ address the page links to -> how (the link's rel, or "script")."""
    found: dict[str, str] = {}
    for link in soup.find_all("link", href=True):
        if link["href"].startswith("/assets/"):
            found[link["href"]] = " ".join(link.get("rel", []))
    for tag in soup.find_all(["script", "img"], src=True):
        if tag["src"].startswith("/assets/"):
            found[tag["src"]] = tag.name
    return found


def references(url: str, text: str) -> set[str]:
    """What a style sheet (url(...)) or a module (import ... from '...') loads in its turn, as addresses."""
    folder = url.rsplit("/", 1)[0] + "/"
    if url.endswith(".css"):
        found = re.findall(r"""url\(\s*['"]?([^'")\s]+)""", text)
    elif url.endswith(".mjs"):
        found = re.findall(r"""\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]""", text)
        found = [first or second for first, second in found]
    else:
        return set()
    resolved = set()
    for reference in found:
        if reference.startswith("data:"):
            continue
        absolute = reference if reference.startswith("/") else os.path.normpath(folder + reference)
        resolved.add(absolute.split("?")[0].split("#")[0])
    return resolved


@pytest.fixture()
def results_url(make: Any) -> tuple[Any, str]:
    """A submitted assessment with six peers (every chart of the results page drawn) and its owner."""
    peers = make.user("governor", sites=(), email="peers-assets@example.org")
    for number in range(6):
        peer = make.site(code=f"PEER-{number}", name=f"HMP Peer {number}", region="South West")
        make.submitted(peer, peers, "2025-26", choice=str(1 + number % 4))
    own = make.site(code="OWN-1", name="HMP Own", region="South West")
    owner = make.user("governor", sites=(own,), email="own-assets@example.org")
    make.submitted(own, owner, "2024-25", choice="2")
    assessment = make.submitted(own, owner, "2025-26", choice="3")
    return owner, f"/assessments/{assessment.id}/results"


def test_a_results_page_first_view_is_at_most_1_5_mb_and_a_repeat_view_fetches_only_the_page(
    results_url, client_as
):
    owner, url = results_url
    client = client_as(owner)
    response = client.get(url, headers={"Accept-Encoding": BROWSER_ENCODINGS})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # the page itself: always asked for again
    html = response.get_data()
    soup = page(response)
    linked = linked_assets(soup)
    assert any("plotly" in address for address in linked), "the results page draws no charts"

    total = len(html)
    queue, seen, sizes = list(linked), set(), {}
    while queue:
        address = queue.pop()
        if address in seen:
            continue
        seen.add(address)
        asset, body = fetch(client, address)
        assert asset.status_code == 200, address
        sizes[address] = len(asset.get_data())
        total += sizes[address]
        queue.extend(references(address, body.decode("utf-8")) if address.endswith((".css", ".mjs")) else [])

        cache = asset.headers.get("Cache-Control", "")
        assert "no-store" not in cache and "no-cache" not in cache, address
        if linked.get(address) in TEMPLATE_LINKS:  # plain name: fresh for an hour, then checked by its ETag
            assert cache == f"max-age={assets.PLAIN_MAX_AGE}, public", address
            assert asset.headers.get("ETag"), address
        else:  # everything url_for links, and everything those load: named after its content, kept a year
            assert assets.is_hashed(address), f"{address} is not fingerprinted"
            assert cache == "public, max-age=31536000, immutable", address
        assert asset.headers["X-Content-Type-Options"] == "nosniff"
        if address.endswith((".js", ".mjs", ".css")) and sizes[address] > 1024:
            assert asset.headers.get("Content-Encoding") == "br", f"{address} is not compressed"
            assert "Accept-Encoding" in asset.headers.get("Vary", "")

    assert total <= FIRST_VIEW_LIMIT, f"first view {total:,} bytes: {sorted(sizes.items(), key=lambda x: -x[1])}"
    fonts = [address for address in seen if address.endswith(".woff2")]
    assert fonts and all(assets.is_hashed(font) for font in fonts)  # reached through the style sheet


def test_a_compressed_asset_is_sent_only_to_a_browser_that_accepts_it(client):
    copy = client.application.extensions["asset_manifest"]["js/plotly-strict.min.js"]
    plain = client.get("/assets/" + copy, headers={"Accept-Encoding": "identity"}, buffered=True)
    gzipped = client.get("/assets/" + copy, headers={"Accept-Encoding": "gzip"}, buffered=True)
    brotlied = client.get("/assets/" + copy, headers={"Accept-Encoding": "gzip, br"}, buffered=True)
    assert "Content-Encoding" not in plain.headers
    assert gzipped.headers["Content-Encoding"] == "gzip" and brotlied.headers["Content-Encoding"] == "br"
    assert gzip.decompress(gzipped.get_data()) == plain.get_data() == brotli.decompress(brotlied.get_data())
    assert len(brotlied.get_data()) < len(gzipped.get_data()) < len(plain.get_data()) / 2


def test_a_plain_name_still_works_and_is_checked_again_by_its_etag(client):
    first = client.get("/assets/app/app.css", buffered=True)
    assert first.status_code == 200 and first.headers["Cache-Control"] == f"max-age={assets.PLAIN_MAX_AGE}, public"
    again = client.get("/assets/app/app.css", headers={"If-None-Match": first.headers["ETag"]}, buffered=True)
    assert again.status_code == 304
    assert client.get("/assets/app/app.0123456789ab.css").status_code == 404  # a copy that was never made


def test_pages_keep_no_store_and_their_security_headers(client):
    response = client.get("/sign-in")
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self' 'nonce-" in response.headers["Content-Security-Policy"]
    soup = page(response)
    scripts = [tag["src"] for tag in soup.find_all("script", src=True)]
    assert scripts and all(src.startswith("/assets/") and assets.is_hashed(src) for src in scripts)


# -- the names ----------------------------------------------------------------------------------------------


def test_the_name_changes_with_the_content_and_only_with_it():
    one = assets.hashed_name("app/app.css", b"body { color: black }")
    other = assets.hashed_name("app/app.css", b"body { color: red }")
    assert one != other
    assert one == assets.hashed_name("app/app.css", b"body { color: black }")
    assert re.fullmatch(r"app/app\.[0-9a-f]{12}\.css", one) and assets.is_hashed(one)
    assert re.fullmatch(r"js/plotly-strict\.min\.[0-9a-f]{12}\.js", assets.hashed_name("js/plotly-strict.min.js", b"x"))
    assert not assets.is_hashed("fonts/bold-b542beb274-v2.woff2")  # GOV.UK's own names are not ours


def test_fingerprint_points_style_sheets_and_modules_at_the_copies_and_drops_old_copies(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "css").mkdir()
    (tmp_path / "js").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "fonts" / "f.woff2").write_bytes(b"font one")
    (tmp_path / "css" / "site.css").write_text(
        "@font-face{src:url(/assets/fonts/f.woff2) format('woff2')}\n"
        ".a{background:url('../fonts/f.woff2?v=1#x')}\n.b{background:url(data:image/png;base64,AAAA)}\n"
        ".c{background:url(https://example.org/x.png)}"
    )
    (tmp_path / "js" / "lib.js").write_text("export const x = 1")
    (tmp_path / "app" / "init.mjs").write_text("import { x } from '../js/lib.js'\nimport('../js/lib.js')\n")

    first = assets.fingerprint(tmp_path)
    assert set(first) == {"fonts/f.woff2", "css/site.css", "js/lib.js", "app/init.mjs"}
    font = first["fonts/f.woff2"].rsplit("/", 1)[1]
    css = (tmp_path / first["css/site.css"]).read_text()
    assert f"url(/assets/fonts/{font})" in css and f"url('../fonts/{font}?v=1#x')" in css
    assert "url(data:image/png;base64,AAAA)" in css and "url(https://example.org/x.png)" in css
    module = (tmp_path / first["app/init.mjs"]).read_text()
    library = first["js/lib.js"].rsplit("/", 1)[1]
    assert module.count(f"'../js/{library}'") == 2
    assert (tmp_path / "css" / "site.css").read_text().count("/assets/fonts/f.woff2") == 1  # the file itself kept
    assert json.loads((tmp_path / assets.MANIFEST).read_text()) == first

    (tmp_path / "fonts" / "f.woff2").write_bytes(b"font two")  # a new font: new names for it and its style sheet
    (tmp_path / first["css/site.css"]).with_suffix(".css.br").write_bytes(b"old")
    second = assets.fingerprint(tmp_path)
    assert second["fonts/f.woff2"] != first["fonts/f.woff2"]
    assert second["css/site.css"] != first["css/site.css"]
    assert second["js/lib.js"] == first["js/lib.js"] and second["app/init.mjs"] == first["app/init.mjs"]
    assert not (tmp_path / first["fonts/f.woff2"]).exists() and not (tmp_path / first["css/site.css"]).exists()
    assert not (tmp_path / first["css/site.css"]).with_suffix(".css.br").exists()


def test_a_file_edited_after_the_build_is_linked_by_its_plain_name(tmp_path):
    (tmp_path / "app.css").write_text("a{}")
    (tmp_path / "other.css").write_text("b{}")
    built = assets.fingerprint(tmp_path)
    assert assets.load_manifest(tmp_path) == built
    later = time.time() + 5
    os.utime(tmp_path / "app.css", (later, later))
    assert assets.load_manifest(tmp_path) == {"other.css": built["other.css"]}
    assert assets.load_manifest(tmp_path / "missing") == {}


# -- plotly.js ----------------------------------------------------------------------------------------------


def test_the_chart_script_is_the_plotly_js_version_plotly_py_writes_for_with_only_the_traces_we_use():
    script = (STATIC / "js" / "plotly-strict.min.js").read_text(encoding="utf-8")
    banner = re.match(r"/\*! plotly\.js (\S+) \(MIT\), only the trace types ([a-z, ]+):", script)
    assert banner, "not the partial bundle of scripts/assets_plotly.mjs"
    assert banner.group(1) == plotly.offline.get_plotlyjs_version()
    bundled = set(banner.group(2).split(", "))
    assert bundled == set(json.loads((ROOT / "package.json").read_text())["plotly"]["traces"])
    assert len(script) < 2_000_000  # the full strict bundle was 5.2 MB
    assert "new Function(" not in script  # no 'unsafe-eval' in the Content Security Policy

    used = set()
    for source in (ROOT / "assess" / "charts").glob("*.py"):
        text = source.read_text()
        used |= {name.lower() for name in re.findall(r"\bgo\.([A-Z][a-z]+)\(", text)}
        # Traces built as plain dicts (assess.charts.chart): {"type": "bar", ...} in a function returning a trace.
        used |= set(re.findall(r'return \{"type": "([a-z]+)"', text))
    used -= {"figure"}
    assert used and used <= bundled, f"trace types drawn but not in the bundle: {used - bundled}"


def test_every_chart_on_the_results_and_trend_pages_is_of_a_bundled_trace_type(results_url, client_as):
    owner, url = results_url
    client = client_as(owner)
    figures = []
    for address in (url, "/sites/OWN-1/trend"):
        response = client.get(address)
        assert response.status_code == 200, address
        tags = page(response).select("script[type='application/json'][id^='chart-']")
        assert tags, f"no charts on {address}"
        figures += [json.loads(tag.string) for tag in tags]
    types = {trace.get("type", "scatter") for figure in figures for trace in figure["data"]}
    bundled = set(json.loads((ROOT / "package.json").read_text())["plotly"]["traces"])
    assert types <= bundled, types - bundled
