"""Independent tools vouch for the contract: Redocly CLI and Spectral find no error in it.

Both lint the document the code builds (served at /api/v2/openapi.json, committed as
docs/openapi.json) with Redocly's ``recommended`` and Spectral's ``spectral:oas`` rulesets,
configured in ``tests/apilint/redocly.yaml`` and ``tests/apilint/.spectral.yaml`` (a rule turned
off there says why) and pinned in ``tests/apilint/package-lock.json``. The warnings left are
exactly the ones docs/api-types.md lists with their reasons. Without npm or the registry the
test is skipped, except in CI, where it must run (``make apilint``).
"""

import copy
import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from cms.api import build_openapi

pytestmark = pytest.mark.apilint

ROOT = Path(settings.BASE_DIR)
HERE = ROOT / "tests" / "apilint"
# Redocly CLI reports each run to its makers and checks for a newer version unless told not to.
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
SPECTRAL_SEVERITY = {0: "error", 1: "warn", 2: "info", 3: "hint"}


def lint(linters, document, folder):
    """``[(tool, rule, severity, where)]``: what both linters find in ``document``."""
    path = folder / "openapi.json"
    path.write_text(json.dumps(document, indent=2))
    env = {**os.environ, **QUIET}
    redocly = subprocess.run(
        [linters / "redocly", "lint", path, "--format=json", "--config", HERE / "redocly.yaml"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    spectral = subprocess.run(
        [linters / "spectral", "lint", path, "-f", "json", "-q", "-r", HERE / ".spectral.yaml"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    found = [
        ("Redocly", problem["ruleId"], problem["severity"], problem["location"][0]["pointer"])
        for problem in json.loads(redocly.stdout)["problems"]
    ]
    found += [
        (
            "Spectral",
            result["code"],
            SPECTRAL_SEVERITY[result["severity"]],
            "/".join(result["path"]),
        )
        for result in json.loads(spectral.stdout)
    ]
    # Each exits non-zero exactly when it found an error: CI's step fails on the same.
    errors = {tool for tool, _, severity, _ in found if severity == "error"}
    assert bool(redocly.returncode) == ("Redocly" in errors), redocly.stderr[-2000:]
    assert bool(spectral.returncode) == ("Spectral" in errors), spectral.stderr[-2000:]
    return found


def listed_warnings():
    """``{(tool, rule): count}`` from docs/api-types.md's table of the warnings left."""
    text = (ROOT / "docs" / "api-types.md").read_text()
    section = text.split("## Linting the contract", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (Redocly|Spectral) \| `([\w-]+)` \| (\d+) \| (.+?) \|$", section, re.M)
    assert all(reason.strip() for *_, reason in rows), "each warning needs its reason"
    return {(tool, rule): int(count) for tool, rule, count, _ in rows}


def test_the_contract_has_no_error_and_only_the_warnings_the_docs_justify(apilint_tools, tmp_path):
    found = lint(apilint_tools, build_openapi(), tmp_path)
    assert [problem for problem in found if problem[2] == "error"] == []
    warnings = Counter((tool, rule) for tool, rule, severity, _ in found if severity == "warn")
    assert dict(warnings) == listed_warnings(), (
        "The linters' warnings are not the ones docs/api-types.md lists (## Linting the "
        "contract): fix a new one in the code that builds the document, or list it with why."
    )


def test_the_linters_fail_a_document_that_hides_where_the_api_is_and_who_may_call_it(
    apilint_tools, tmp_path
):
    document = copy.deepcopy(build_openapi())
    del document["servers"], document["security"]
    document["tags"] = [tag for tag in document["tags"] if tag["name"] != "sitemap"]
    pages = document["paths"]["/api/v2/pages/"]["get"]
    document["paths"]["/api/v2/articles/"]["get"]["operationId"] = pages["operationId"]
    document["paths"]["/api/v2/site/"]["get"]["responses"] = {
        "200": document["paths"]["/api/v2/site/"]["get"]["responses"]["200"]
    }

    found = {
        (tool, rule, severity)
        for tool, rule, severity, _ in lint(apilint_tools, document, tmp_path)
    }
    assert {
        ("Redocly", "no-empty-servers", "error"),
        ("Redocly", "security-defined", "error"),
        ("Redocly", "operation-operationId-unique", "error"),
        ("Redocly", "operation-4xx-response", "warn"),
        ("Spectral", "operation-operationId-unique", "error"),
        ("Spectral", "oas3-api-servers", "warn"),
        ("Spectral", "operation-tag-defined", "warn"),
    } <= found
