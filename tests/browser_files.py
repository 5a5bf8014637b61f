"""The test files `make test`'s browser phase collects: those that mark a test `browser` or `standby` in their
own text. Collecting only these saves each browser process the collection of ~270 files (8-18 s here).

The suite's first phase collects every file, and conftest's `pytest_collection_modifyitems` refuses a test
marked `browser` or `standby` in a file this list misses (a marker applied some other way): it would run in
neither phase.

    python -m tests.browser_files   # the files, one per line (the Makefile's BROWSER_FILES)
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKED = re.compile(r"mark\.(browser|standby)\b")
SKIPPED_DIRS = {".venv", "node_modules", ".git"}


def is_browser_file(path: Path) -> bool:
    return bool(MARKED.search(path.read_text(encoding="utf-8")))


def browser_files() -> list[str]:
    """Relative paths, sorted."""
    return sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("test_*.py")
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts) and is_browser_file(path)
    )


if __name__ == "__main__":
    print("\n".join(browser_files()))
