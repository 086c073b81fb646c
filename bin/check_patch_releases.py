#!/usr/bin/env python3
"""Fail when requirements.lock pins a release older than the newest patch of its series.

`make audit` needs PyPI's advisory database, which not every machine can reach. Security fixes
of the packages below ship as patch releases of the series already in use (Django 5.2.x,
Wagtail 8.0.x, ...), so being on the newest patch is the check that works anywhere the package
index does. Asks the index pip is configured with (`pip index versions NAME`).

Exit status: 1 when a pin is outdated, 0 otherwise, including when the index cannot be reached
(it says "could not check" then: nothing was found, but nothing was proven either).

    .venv/bin/python bin/check_patch_releases.py [--lock requirements.lock]
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

from packaging.version import InvalidVersion, Version

PACKAGES = ["django", "wagtail", "djangorestframework", "pillow", "cryptography", "gunicorn"]
LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"


def read_pins(text):
    """``{name: version}`` of the ``name==version`` lines of a lock file, names lowercased."""
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;#]+)", line.strip())
        if match:
            pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


def newest_patch(pinned, available):
    """The newest final release of ``available`` in the same major.minor series as ``pinned``."""
    series = Version(pinned).release[:2]
    candidates = []
    for text in available:
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if version.release[:2] == series and not (version.is_prerelease or version.is_devrelease):
            candidates.append(version)
    return str(max(candidates)) if candidates else None


def is_outdated(pinned, newest):
    return newest is not None and Version(newest) > Version(pinned)


def parse_index_versions(output):
    """The versions listed by ``pip index versions``: its ``Available versions:`` line."""
    for line in output.splitlines():
        if line.startswith("Available versions:"):
            return [v.strip() for v in line.partition(":")[2].split(",") if v.strip()]
    return []


def available_versions(name):
    """The versions the index has of ``name``, or None when it could not be asked."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "index", "versions", name, "--disable-pip-version-check"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    versions = parse_index_versions(result.stdout)
    return versions if result.returncode == 0 and versions else None


def check(pins, lookup=None):
    """Rows of ``(package, pinned, newest patch or None, "ok" | "OUTDATED" | "could not check")``.

    ``lookup(name)`` gives the versions on the index, or None; default ``available_versions``.
    """
    lookup = lookup or available_versions
    rows = []
    for name in PACKAGES:
        pinned = pins.get(name)
        if pinned is None:
            rows.append((name, "(not pinned)", "", "could not check"))
            continue
        available = lookup(name)
        if available is None:
            rows.append((name, pinned, "", "could not check"))
            continue
        newest = newest_patch(pinned, [*available, pinned])
        rows.append((name, pinned, newest, "OUTDATED" if is_outdated(pinned, newest) else "ok"))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lock", type=Path, default=LOCK)
    args = parser.parse_args(argv)

    rows = check(read_pins(args.lock.read_text()))
    table = [("package", "pinned", "newest patch", "status"), *rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(4)]
    for row in table:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))

    outdated = [row[0] for row in rows if row[3] == "OUTDATED"]
    unchecked = [row[0] for row in rows if row[3] == "could not check"]
    if unchecked:
        print(f"could not check {', '.join(unchecked)}: the package index did not answer.")
    if outdated:
        print(f"OUTDATED: {', '.join(outdated)}. Bump the pins in {args.lock.name}.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
