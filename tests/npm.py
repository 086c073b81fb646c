"""The pinned Node packages some checks run (tests/typescript, tests/apilint), installed by npm.

Each package folder has a package.json and its package-lock.json; ``npm ci`` installs exactly
those versions from the npm registry, once per test session (the fixtures in conftest.py).
Without npm or the registry the checks are skipped, except in CI, where they must run.
"""

import os
import shutil
import subprocess

import pytest


def unavailable(what, why):
    if os.environ.get("CI"):
        pytest.fail(f"{why}: CI must run {what}")
    pytest.skip(f"{why}: {what} needs npm and the npm registry")


def install(folder, what):
    """``npm ci`` in ``folder``; its ``node_modules/.bin``, where the tools are."""
    if not (shutil.which("npm") and shutil.which("npx")):
        unavailable(what, "npm is not installed")
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        unavailable(what, f"npm ci failed (is the registry reachable?): {result.stderr[-500:]}")
    return folder / "node_modules" / ".bin"
