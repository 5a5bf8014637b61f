"""The lock files say what the lists say: every pin of requirements.in / requirements-dev.in is in its compiled
lock (make lock) at the same version, every locked package has hashes, and tools stay out of the runtime."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]+\])?==([^\s;\\]+)")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def test_every_listed_pin_is_locked_at_its_version_with_hashes():
    for listed, locked in (("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")):
        lock_text = (ROOT / locked).read_text()
        lock = pins(ROOT / locked)
        wanted = pins(ROOT / listed)
        if listed == "requirements-dev.in":
            wanted |= pins(ROOT / "requirements.in")
        assert {name: lock.get(name) for name in wanted} == wanted, f"run `make lock`: {locked} is stale"
        entries = re.split(r"\n(?=[A-Za-z0-9])", lock_text.split("\n\n", 1)[-1])
        assert all("--hash=sha256:" in entry for entry in entries if PIN.match(entry)), f"{locked} lacks hashes"


def test_the_runtime_lock_holds_no_tools():
    runtime = pins(ROOT / "requirements.txt")
    for tool in ("honcho", "tqdm", "ruff", "pytest", "schemathesis", "playwright", "py-spy", "pip-tools"):
        assert tool not in runtime, tool
