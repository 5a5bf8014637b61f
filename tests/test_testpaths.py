"""Every app's tests run in `make test`: pytest's testpaths name every directory that holds tests."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_app_with_tests_is_in_testpaths():
    testpaths = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"])
    with_tests = {path.parent.name for path in ROOT.glob("*/tests") if path.is_dir() and path.parent.name != ".venv"}
    assert with_tests <= testpaths, sorted(with_tests - testpaths)
