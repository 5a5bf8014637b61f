"""Test-suite checks that the published schemas tell the truth (loaded from conftest.py as a pytest plugin).

- API errors: every error answer of the API must be documented by its operation in /api/schema/
  (common/openapi_check.py). API_ERRORS_CHECK=strict (the default) fails the test that saw an undocumented
  one; =report only writes them down (to the file named by API_ERRORS_REPORT, else as a warning); =off.
"""

from __future__ import annotations

import json
import os
import warnings

import pytest

MODE = os.environ.get("API_ERRORS_CHECK", "report")


@pytest.fixture(scope="session", autouse=True)
def _api_errors_check_on():
    from django.conf import settings

    settings.API_ERRORS_CHECK = None if MODE == "off" else MODE
    yield


@pytest.fixture(autouse=True)
def _api_errors_documented(request):
    from common.openapi_check import take_undeclared

    take_undeclared()
    yield
    found = take_undeclared()
    if not found:
        return
    if MODE == "strict":
        pytest.fail("The API answered errors its schema does not document:\n- " + "\n- ".join(found), pytrace=False)
    report = os.environ.get("API_ERRORS_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            for line in found:
                out.write(json.dumps({"test": request.node.nodeid, "error": line}, ensure_ascii=False) + "\n")
    else:
        warnings.warn("undocumented API errors: " + "; ".join(found), stacklevel=1)
