"""Every message a user can see is translated (issue 18 #4): each domain error's default message has a
Chinese translation, and no message names a SKU by its internal id."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation

from common.errors import DomainError

BASE_DIR = Path(settings.BASE_DIR)


def _import_project_modules() -> None:
    """Every module of the project's apps that may define a domain error (not tests or migrations)."""
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(BASE_DIR) or ".venv" in config.path:
            continue
        for module in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            if re.search(r"\.(tests|migrations|management)(\.|$)", module.name):
                continue
            importlib.import_module(module.name)
    importlib.import_module("common.images")
    importlib.import_module("common.ratelimit")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_domain_errors_default_message_is_translated():
    _import_project_modules()
    untranslated = []
    for error in {DomainError, *_subclasses(DomainError)}:
        with translation.override("en"):
            english = str(error.default_message)
        with translation.override("zh-hans"):
            chinese = str(error.default_message)
        if english == chinese:
            untranslated.append(f"{error.__module__}.{error.__qualname__}: {english}")
    assert not untranslated, untranslated


def test_no_message_names_a_sku_by_its_id():
    offenders = []
    for path in BASE_DIR.glob("*/**/*.py"):
        if any(part in {".venv", "tests", "migrations", "bench", "var"} for part in path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"SKU \{", r"SKU %\(id\)", r"SKU %s", r"SKU %d", r"of SKU \{"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(BASE_DIR)}: {pattern}")
    assert not offenders, offenders


CATALOGUE = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
_ENTRY = re.compile(
    r'^(?:msgctxt "(?P<context>.*)"\n)?msgid "(?P<id>.*)"\n(?P<id_more>(?:".*"\n)*)'
    r'(?:msgid_plural ".*"\n(?:".*"\n)*)?msgstr(?:\[0\])? "(?P<str>.*)"(?P<str_more>(?:\n".*")*)',
    re.M,
)


def _joined(first: str, more: str) -> str:
    """A message's text: its quoted lines joined, their C escapes (\\n, \\") read as a Python literal reads them."""
    return ast.literal_eval('"' + first + "".join(re.findall(r'^"(.*)"$', more, re.M)) + '"')


def test_the_catalogue_has_no_guessed_or_missing_translation_and_is_compiled():
    """`make messages` marks a new message's translation `fuzzy` when it guesses it from a similar one, and leaves
    a new message untranslated: compiled, either reaches a Chinese reader in English (a guess once turned "Order
    … not shipped" into 订单…已发货). And the compiled catalogue must be the one in the .po file."""
    entries = [entry for entry in CATALOGUE.read_text(encoding="utf-8").split("\n\n") if "msgid " in entry]
    guessed = [entry.split("\n")[-2] for entry in entries if re.search(r"^#,.*\bfuzzy\b", entry, re.M)]
    assert guessed == [], guessed
    missing, stale = [], []
    for entry in entries:
        found = _ENTRY.search(entry)
        assert found, entry
        msgid, msgstr = _joined(found["id"], found["id_more"]), _joined(found["str"], found["str_more"])
        if not msgid or "msgid_plural" in entry:
            continue  # the header; plurals go through ngettext
        if not msgstr:
            missing.append(msgid)
            continue
        with translation.override("zh-hans"):
            compiled = translation.pgettext(found["context"], msgid) if found["context"] else translation.gettext(msgid)
        if compiled != msgstr:
            stale.append(msgid)
    assert missing == [], missing
    assert stale == [], f"run `make messages` (the .mo is older than the .po): {stale[:5]}"
