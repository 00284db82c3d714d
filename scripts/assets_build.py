"""Fingerprint and compress assess/static (the last step of `make assets`, after scripts/copy_assets.sh).

Each file gets a copy named after its content and the manifest assess/static/assets-manifest.json
(assess.common.assets.fingerprint); then WhiteNoise's compressor writes a gzip and a Brotli version beside
each copy that compresses (older ones are removed first). Only the copies: their content never changes, so a
compressed version can never be older than its file; a plain name is always sent as it is on disk now.
See assess/common/assets.py for how they are served.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whitenoise.compress import Compressor  # noqa: E402

from assess.common.assets import fingerprint  # noqa: E402

STATIC = ROOT / "assess" / "static"


def main() -> None:
    for old in [*STATIC.rglob("*.gz"), *STATIC.rglob("*.br")]:
        old.unlink()
    manifest = fingerprint(STATIC)
    compressor = Compressor(quiet=True)
    compressed = 0
    for copy in manifest.values():
        if compressor.should_compress(copy):
            compressed += len(compressor.compress(str(STATIC / copy)))
    print(f"{len(manifest)} assets fingerprinted and {compressed} compressed versions written in {STATIC}")


if __name__ == "__main__":
    main()
