"""The import contracts in pyproject.toml fail on a deliberate violation (so `make lint` would catch one).
Each case copies the package, adds one forbidden import, and runs import-linter on the copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not LINT_IMPORTS.exists():
        pytest.skip("import-linter is not installed in this environment")
    copy = tmp_path_factory.mktemp("contracts")
    shutil.copytree(ROOT / "assess", copy / "assess", ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_contracts_hold_on_the_code_as_it_is(tree):
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("assess/governor/routes.py", "import sqlalchemy", "Views never build queries"),
        ("assess/reports/routes.py", "from assess.extensions import db", "Views never build queries"),
        ("assess/data/sites.py", "import assess.services.results", "Layers"),
        ("assess/charts/table.py", "import flask", "pure"),
        ("assess/pdf/cache.py", "import assess.data.audit", "pure"),
    ],
)
def test_a_deliberate_violation_fails(tree, module, line, contract):
    path = tree / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + f"\n{line}  # deliberate violation\n", encoding="utf-8")
        result = lint(tree)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert contract in result.stdout
