"""Dependencies point one way (STYLE.md "Where things go"): no module of an app imports an app above it.

The order, measured from the code (every import of every non-test module) and matching STYLE.md:

    marketplace (the project: pages and figures that span apps)
      ├─ deals, tips → live (their parts of a show: live.extensions.SHOW_PARTS)
      ├─ live ──┐        offers ─┐
      │         chat ────────────┘ → notifications, safety
      │                 notifications → orders
      │                                 orders → catalog, payments
      │                                          catalog → shops      payments → shops
      │                                                    shops → accounts
      │                                 safety → accounts
      └──────────────────────────────── accounts → common (helpers of every app, importing none)

An app may import the apps it points to and everything below them, never one above or beside it. A lower
app that must show or learn something of a higher one uses a signal (signals.py), a template tag of the
higher app, or a registry the higher app fills in AppConfig.ready() (common/page_parts.py).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The apps each app points to directly; what they point to is allowed too.
POINTS_TO: dict[str, set[str]] = {
    "common": set(),
    "accounts": {"common"},
    "safety": {"accounts"},
    "shops": {"accounts"},
    "payments": {"shops"},
    "catalog": {"shops"},
    "orders": {"catalog", "payments"},
    "notifications": {"orders"},
    "chat": {"notifications", "safety"},
    "offers": {"chat"},
    "live": {"chat"},
    "deals": {"live"},
    "tips": {"live"},
    "marketplace": {"deals", "tips", "offers"},
}

# Imports against the order that are known and not fixed yet: (module path, imported module) -> why.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _allowed(app: str) -> set[str]:
    seen: set[str] = set()
    todo = [app]
    while todo:
        for lower in POINTS_TO[todo.pop()]:
            if lower not in seen:
                seen.add(lower)
                todo.append(lower)
    return seen


def _is_test(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def _imported_modules(tree: ast.AST):
    for node in ast.walk(tree):  # function-level imports count as well
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def layering_violations(root: Path = ROOT) -> list[str]:
    violations = []
    for app in POINTS_TO:
        allowed = _allowed(app) | {app}
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if _is_test(relative):
                continue
            for lineno, module in _imported_modules(ast.parse(path.read_text(), filename=str(path))):
                top = module.split(".")[0]
                if top in POINTS_TO and top not in allowed and (str(relative), module) not in KNOWN_EXCEPTIONS:
                    violations.append(f"{relative}:{lineno} imports {module} ({app} may import {sorted(allowed)})")
    return violations


def test_every_app_in_the_project_has_a_place_in_the_order():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"marketplace", "common"}
    assert apps <= set(POINTS_TO), f"place these apps in POINTS_TO: {sorted(apps - set(POINTS_TO))}"


def test_no_module_imports_an_app_above_it():
    assert layering_violations() == []


def test_known_exceptions_are_still_needed():
    for path, module in KNOWN_EXCEPTIONS:
        text = (ROOT / path).read_text()
        assert module in text, f"{path} no longer imports {module}: remove it from KNOWN_EXCEPTIONS"


@pytest.mark.parametrize(
    ("app", "source", "found"),
    [
        ("catalog", "from orders.selectors import product_reviews\n", True),
        ("shops", "def f():\n    import catalog.models\n", True),
        ("accounts", "from marketplace.middleware import x\n", True),
        ("payments", "from catalog.models import Product\n", True),  # beside, not below
        ("orders", "from catalog.models import Product\nfrom accounts.models import User\n", False),
        ("marketplace", "from live.selectors import x\n", False),
    ],
)
def test_the_check_finds_an_upward_import(tmp_path, app, source, found):
    (tmp_path / app).mkdir()
    (tmp_path / app / "views.py").write_text(source)
    (tmp_path / app / "tests").mkdir()
    (tmp_path / app / "tests" / "test_x.py").write_text("from marketplace.urls import urlpatterns\n")
    assert bool(layering_violations(tmp_path)) is found
