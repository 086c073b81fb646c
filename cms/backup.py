"""Backups an operator can restore: the database and the media together, checked on the way back.

An archive is one tar file, ``backup-<UTC time>.tar``, holding:

- ``manifest.json``: when it was made, the database's vendor, the number of rows of every model,
  and the size and SHA-256 of every other member;
- ``database.dump`` (PostgreSQL's custom format, from ``pg_dump``) or ``database.sqlite3`` (a
  consistent copy of the SQLite file, made with SQLite's online backup while the site runs);
- ``media/<name>`` for every file of the default storage (the local media folder or the S3
  bucket, read through Django's storage API either way).

The encryption keys (``FORM_ENCRYPTION_KEYS``, and ``SECRET_KEY`` where the keys are derived from
it) are never written to an archive: patients' messages in a stolen archive stay unreadable, and
an archive restored without the keys has lost them. docs/production.md says where they are kept.

``restore`` refuses a database that has tables or a media store that has files, restores both,
and then counts the rows and hashes the files again: a restore that does not match its manifest
says what differs and exits non-zero.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


def row_counts():
    """``{"app_label.model": rows}`` for every concrete model, the manifest's census."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
    }


def media_names(storage=default_storage, folder=""):
    """Every file name in ``storage`` below ``folder``, sorted (a missing folder is empty)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += media_names(storage, f"{folder}{sub}/")
    return sorted(names)


def sha256_of(fileobj):
    digest = hashlib.sha256()
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _database_settings():
    return connection.settings_dict


def _pg_environment():
    db = _database_settings()
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for setting, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ]:
        if db.get(setting):
            env[variable] = str(db[setting])
    return env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def dump_database(path):
    """Write the database to ``path``; returns the archive member name it belongs under."""
    vendor = connection.vendor
    if vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path)], _pg_environment())
    elif vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        with target:
            connection.connection.backup(target)
        target.close()
    else:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return DUMPS[vendor]


def restore_database(path, member):
    vendor = connection.vendor
    if DUMPS.get(vendor) != member:
        raise BackupError(f"This archive holds {member}; the configured database is {vendor}.")
    connection.close()
    if vendor == "postgresql":
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname",
             _database_settings()["NAME"], str(path)],
            _pg_environment(),
        )  # fmt: skip
    else:
        shutil.copyfile(path, _database_settings()["NAME"])


def ensure_empty_target():
    """Refuse to restore over data: the database has no tables and the media store no files."""
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database {_database_settings()['NAME']} already has {len(tables)} tables. "
            "Restore into an empty database (create a new one, or drop and recreate this one)."
        )
    if media_names():
        raise BackupError("The media storage already has files. Restore into an empty one.")


def _add(archive, name, fileobj, size):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, fileobj)


def backup(output_dir):
    """Write one archive into ``output_dir`` and return its path."""
    made = timezone.now()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"backup-{made:%Y%m%dT%H%M%SZ}.tar"
    files = {}
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "w") as archive:
        dump = Path(scratch) / "database"
        member = dump_database(dump)
        with dump.open("rb") as stream:
            files[member] = {"size": dump.stat().st_size, "sha256": sha256_of(stream)}
        archive.add(dump, arcname=member)
        for name in media_names():
            with default_storage.open(name, "rb") as stream:
                content = stream.read()
            files[MEDIA_PREFIX + name] = {
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
            _add(archive, MEDIA_PREFIX + name, io.BytesIO(content), len(content))
        manifest = {
            "made_at": made.isoformat(),
            "database": connection.vendor,
            "rows": row_counts(),
            "files": files,
        }
        body = json.dumps(manifest, indent=2, sort_keys=True).encode()
        _add(archive, MANIFEST, io.BytesIO(body), len(body))
    return path


def read_manifest(archive):
    try:
        return json.load(archive.extractfile(MANIFEST))
    except KeyError:
        raise BackupError("This is not a backup archive: it has no manifest.json.") from None


def check_members(archive, manifest):
    """Every member the manifest lists is there with its size and checksum, and nothing else."""
    listed = set(manifest["files"])
    present = {member.name for member in archive.getmembers() if member.isfile()} - {MANIFEST}
    problems = [f"missing from the archive: {name}" for name in sorted(listed - present)]
    problems += [f"not in the manifest: {name}" for name in sorted(present - listed)]
    for name in sorted(listed & present):
        if sha256_of(archive.extractfile(name)) != manifest["files"][name]["sha256"]:
            problems.append(f"checksum differs: {name}")
    return problems


def restore(path):
    """Restore the archive at ``path`` into the empty database and media store; verify it."""
    with tarfile.open(path, "r") as archive:
        manifest = read_manifest(archive)
        problems = check_members(archive, manifest)
        if problems:
            raise BackupError("The archive is damaged: " + "; ".join(problems))
        ensure_empty_target()
        member = DUMPS.get(manifest["database"], "")
        with tempfile.TemporaryDirectory() as scratch:
            dump = Path(scratch) / "database"
            with dump.open("wb") as target:
                shutil.copyfileobj(archive.extractfile(member), target)
            restore_database(dump, member)
        for name in manifest["files"]:
            if name.startswith(MEDIA_PREFIX):
                stored_as = name.removeprefix(MEDIA_PREFIX)
                saved = default_storage.save(
                    stored_as, ContentFile(archive.extractfile(name).read())
                )
                if saved != stored_as:
                    raise BackupError(f"The media storage renamed {stored_as} to {saved}.")
    problems = verify(manifest)
    if problems:
        raise BackupError("The restore does not match its manifest: " + "; ".join(problems))
    return manifest


def verify(manifest):
    """What differs between the live database and media and what ``manifest`` recorded."""
    connection.close()
    problems = []
    counts = row_counts()
    for label, rows in sorted(manifest["rows"].items()):
        if counts.get(label) != rows:
            problems.append(f"{label}: {counts.get(label)} rows, {rows} backed up")
    media = {MEDIA_PREFIX + name for name in media_names()}
    listed = {name for name in manifest["files"] if name.startswith(MEDIA_PREFIX)}
    problems += [f"file not restored: {name}" for name in sorted(listed - media)]
    for name in sorted(listed & media):
        with default_storage.open(name.removeprefix(MEDIA_PREFIX), "rb") as stream:
            if sha256_of(stream) != manifest["files"][name]["sha256"]:
                problems.append(f"file differs: {name}")
    return problems
