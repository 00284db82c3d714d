"""Static assets on the wire: names that change with the content, compressed copies, a year in the cache.

At build time (`make assets`: scripts/assets_build.py calls `fingerprint`), each file in assess/static gets a
copy named after its content (`app/app.css` -> `app/app.0123456789ab.css`), with the references inside
style sheets (`url(...)`) and the app's ES modules (`import ... from '../js/x.js'`) pointing at the other
copies, and a manifest (assets-manifest.json: name -> copy); then WhiteNoise's compressor writes gzip and
Brotli versions of each copy beside it (of the copies only: a plain name is always sent as it is on disk).

At run time (`register`) WhiteNoise serves the folder in front of Flask (`/assets/...`): the version the
browser accepts (br, gzip or none, with `Vary: Accept-Encoding`), a copy named after its content with
`Cache-Control: public, max-age=31536000, immutable` (its name changes whenever its content does), and a plain
name with a short lifetime (`PLAIN_MAX_AGE`) and an ETag, so old links and the GOV.UK template's icons keep
working. `url_for('static', filename=...)` gives the copy's name wherever the manifest has one, so every
template links to the copies. Pages never pass through WhiteNoise and keep `Cache-Control: no-store`.

A copy older than the file it was made from (the file was edited after `make assets`) is not used: that
file is linked by its plain name until the next `make assets`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

MANIFEST = "assets-manifest.json"
HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
PLAIN_MAX_AGE = 3600  # seconds: a plain name may change content, so it is checked again after an hour
_HASHED = re.compile(rf"\.[0-9a-f]{{{HASH_LENGTH}}}\.[A-Za-z0-9]+$")
_NOT_FINGERPRINTED = (".gz", ".br", ".map")
# url(...) in a style sheet; an import's module specifier in an ES module (relative ones only).
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")
_MODULE_IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}/[^'"]+)\2""")


def hashed_name(name: str, content: bytes) -> str:
    """The name of a copy of `name` with this content: 'app/app.css' -> 'app/app.<12 hex digits>.css'."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    folder, base = posixpath.split(name)
    stem, dot, extension = base.rpartition(".")
    hashed = f"{stem}.{digest}.{extension}" if dot and stem else f"{base}.{digest}"
    return posixpath.join(folder, hashed)


def is_hashed(name: str) -> bool:
    return bool(_HASHED.search(name))


def fingerprint(static: Path, url_prefix: str = "/assets/") -> dict[str, str]:
    """Write a copy of each file in `static` named after its content (references inside style sheets and the
    app's .mjs modules rewritten to the copies), remove the copies of earlier builds, write the manifest, and
    return it (name -> copy name, both relative to `static`, with forward slashes)."""
    sources = {
        path.relative_to(static).as_posix(): path
        for path in sorted(static.rglob("*"))
        if path.is_file()
        and path.name != MANIFEST
        and not path.name.startswith(".")
        and not path.name.endswith(_NOT_FINGERPRINTED)
        and not is_hashed(path.name)
    }
    manifest: dict[str, str] = {}

    def copy_of(name: str, seen: tuple[str, ...] = ()) -> str:
        if name in manifest:
            return manifest[name]
        content = sources[name].read_bytes()
        if name not in seen:  # a cycle of references keeps the plain names inside the cycle
            content = _rewrite(name, content, lambda other: copy_of(other, (*seen, name)), sources, url_prefix)
        copy = hashed_name(name, content)
        target = static / copy
        if target.is_file() and target.read_bytes() == content:
            target.touch()  # newer than its file again (load_manifest compares them)
        else:
            target.write_bytes(content)
        manifest[name] = copy
        return copy

    for name in sources:
        copy_of(name)
    current = {static / copy for copy in manifest.values()}
    for path in static.rglob("*"):
        plain = path.name.removesuffix(".gz").removesuffix(".br")
        if path.is_file() and is_hashed(plain) and path.with_name(plain) not in current:
            path.unlink()  # a copy (or its compressed versions) from an earlier build
    (static / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _rewrite(
    name: str, content: bytes, copy_of: Callable[[str], str], sources: dict[str, Path], url_prefix: str
) -> bytes:
    if name.endswith(".css"):
        pattern, group = _CSS_URL, 2
    elif name.endswith(".mjs"):
        pattern, group = _MODULE_IMPORT, 3
    else:
        return content
    text = content.decode("utf-8")

    def replace(match: re.Match[str]) -> str:
        reference = match.group(group)
        path, _, rest = reference.partition("?")
        path, hash_mark, fragment = path.partition("#")
        suffix = ("?" + rest if rest else "") + (hash_mark + fragment)
        if path.startswith(url_prefix):
            target = path[len(url_prefix) :]
        elif re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", path):
            return match.group(0)  # data:, https:, another absolute path, a fragment: left alone
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
        if target not in sources:
            return match.group(0)
        new_base = posixpath.basename(copy_of(target))
        new_reference = path[: len(path) - len(posixpath.basename(path))] + new_base + suffix
        start, end = match.span(group)
        whole_start = match.start(0)
        matched = match.group(0)
        return matched[: start - whole_start] + new_reference + matched[end - whole_start :]

    return pattern.sub(replace, text).encode("utf-8")


def load_manifest(static: Path) -> dict[str, str]:
    """The manifest `fingerprint` wrote, without the copies that are missing or older than their file."""
    try:
        manifest = json.loads((static / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("no asset manifest in %s: run `make assets`; assets are linked by their plain names", static)
        return {}
    usable = {}
    for name, copy in manifest.items():
        try:
            fresh = (static / copy).stat().st_mtime >= (static / name).stat().st_mtime
        except OSError:
            fresh = False
        if fresh:
            usable[name] = copy
        else:
            log.warning("asset %s changed after `make assets`: linked by its plain name until it is run", name)
    return usable


def register(app: Flask) -> None:
    """Serve the static folder with WhiteNoise in front of the app, and link templates to the copies."""
    from whitenoise import WhiteNoise

    assert app.static_folder is not None and app.static_url_path is not None
    static = Path(app.static_folder)
    manifest = load_manifest(static)
    app.extensions["asset_manifest"] = manifest

    @app.url_defaults
    def fingerprinted(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static":
            copy = manifest.get(values.get("filename", ""))
            if copy is not None:
                values["filename"] = copy

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(static),
        prefix=app.static_url_path.strip("/") + "/",
        max_age=PLAIN_MAX_AGE,
        autorefresh=app.debug,  # `flask run --debug`: files edited while it runs are served as they are now
        allow_all_origins=False,
        immutable_file_test=lambda path, url: is_hashed(url),
        add_headers_function=_headers,
    )


def _headers(headers: Any, path: str, url: str) -> None:
    """WhiteNoise's responses never reach the app's after_request: the headers that still matter for a file."""
    if is_hashed(url):
        headers["Cache-Control"] = IMMUTABLE
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
