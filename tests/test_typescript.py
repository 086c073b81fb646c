"""A frontend compiles against the generated types: every block and page type, no loose types.

``make types`` writes the JSON Schema, the OpenAPI document and ``api.d.ts``
(openapi-typescript); ``tests/typescript/render.ts`` renders every body block and page type in
exhaustive switches and calls the API through openapi-fetch, compiled with ``tsc --strict``.
The Node packages are pinned in ``tests/typescript/package-lock.json`` (installed once by the
``typescript_tools`` fixture). Without npm or the registry the test is skipped, except in CI.
"""

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.typescript

ROOT = Path(settings.BASE_DIR)
HERE = ROOT / "tests" / "typescript"


def run(command, cwd):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout}{result.stderr}"
    return result


def loose_types(declarations):
    """``any`` and ``unknown`` in type positions of ``declarations``.

    One is allowed: openapi-typescript gives every response's ``headers`` an index signature
    ``[name: string]: unknown`` for the headers the document does not list (Date, Vary, a
    proxy's); bodies, parameters and webhook payloads get none.
    """
    code = re.sub(r"/\*.*?\*/", "", declarations, flags=re.S)
    code = re.sub(r"(headers: \{[^{}]*?)\[name: string\]: unknown;", r"\1", code)
    return [line.strip() for line in code.splitlines() if re.search(r"\b(any|unknown)\b", line)]


def test_loose_types_are_found():
    assert loose_types("a: {\n  b: unknown;\n  c?: any[];\n};") == ["b: unknown;", "c?: any[];"]
    headers = "headers: {\n  Location: string;\n  [name: string]: unknown;\n};"
    assert loose_types(headers) == []
    assert loose_types("content: {\n  [name: string]: unknown;\n};")


def test_the_makefile_and_the_lock_pin_one_openapi_typescript():
    makefile = (ROOT / "Makefile").read_text()
    pinned = re.search(r"^OPENAPI_TYPESCRIPT_VERSION := (\S+)$", makefile, re.M).group(1)
    package = json.loads((HERE / "package.json").read_text())
    assert package["devDependencies"]["openapi-typescript"] == pinned


def test_a_frontend_renders_every_block_and_page_type_with_the_generated_types(typescript_tools):
    generated = HERE / "generated"
    run(["make", "-s", "types", f"TYPES_DIR={generated}"], cwd=ROOT)
    assert {path.name for path in generated.iterdir()} >= {
        "api-schema.json",
        "openapi.json",
        "api.d.ts",
    }
    declarations = (generated / "api.d.ts").read_text()
    assert "ArticleBodyBlock" in declarations
    assert loose_types(declarations) == []

    run([typescript_tools / "tsc", "--strict", "--noEmit", "-p", HERE], cwd=HERE)
