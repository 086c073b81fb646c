"""The backup drill, as an operator runs it: build a site, back it up, lose everything, restore.

Runs `manage.py` in processes of its own against a scratch database of the suite's kind (a
SQLite file, or a new database on the suite's PostgreSQL server) and a scratch media folder, so
the drill covers what `make backup` and `make restore BACKUP=...` do, dump tools included.
"""

import io
import json
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# What an operator would compare after a restore: every page, revision, image and rendition
# file, document file, and every patient message decrypted with the keys.
FINGERPRINT = """
import hashlib, json
from django.core.serializers.json import DjangoJSONEncoder
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.models import Rendition
from wagtail.models import Page, Revision
from contact.models import ContactSubmission

def digest(field):
    with field.open("rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()

def text(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()

print(json.dumps({
    "pages": sorted([p.pk, p.title, p.url_path, p.live, p.locale_id, p.latest_revision_id]
                    for p in Page.objects.all()),
    "revisions": sorted([r.pk, r.object_str, text(r.content)] for r in Revision.objects.all()),
    "images": sorted([i.pk, i.title, i.file.name, digest(i.file)]
                     for i in get_image_model().objects.all()),
    "renditions": sorted([r.file.name, digest(r.file)] for r in Rendition.objects.all()),
    "documents": sorted([d.pk, d.file.name, digest(d.file)]
                        for d in get_document_model().objects.all()),
    "messages": sorted([s.pk, s.page_id, json.dumps(s.form_data, sort_keys=True)]
                       for s in ContactSubmission.objects.all()),
}, cls=DjangoJSONEncoder))
"""

# Content the demo does not have: patients' messages, a document and a rendition.
MORE_CONTENT = """
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from contact.models import ContactPage, ContactSubmission

get_image_model().objects.first().get_rendition("width-160|format-webp")

page = ContactPage.objects.first()
for n in range(3):
    ContactSubmission.objects.create(
        page=page, form_data={"name": f"Patient {n}", "message": f"My pain score is {n + 5}."}
    )
get_document_model().objects.create(
    title="Patient leaflet", file=ContentFile(b"%PDF-1.4 leaflet", name="leaflet.pdf")
)
"""


class Site:
    """A scratch site: its environment, and manage.py run against it."""

    def __init__(self, tmp_path):
        self.media = tmp_path / "media"
        self.key = Fernet.generate_key().decode()
        database = settings.DATABASES["default"]
        self.postgres = database["ENGINE"] == "django.db.backends.postgresql"
        if self.postgres:
            self.db_name = f"cms_backup_drill_{uuid.uuid4().hex[:8]}"
            self.pg = ["-h", database["HOST"] or "127.0.0.1", "-p", str(database["PORT"] or 5432)]
            self.pg += ["-U", database["USER"] or "postgres"]
            url = (
                f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}"
                f":{database['PORT'] or 5432}/{self.db_name}"
            )
        else:
            self.db_file = tmp_path / "db.sqlite3"
            url = f"sqlite:///{self.db_file}"
        self.env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": url,
            "TEST_MEDIA_ROOT": str(self.media),
            "FORM_ENCRYPTION_KEYS": self.key,
            "REDIS_URL": "",
        }
        self.create_database()

    def create_database(self):
        if self.postgres:
            subprocess.run(["createdb", *self.pg, self.db_name], check=True)

    def wipe(self):
        """Everything lost: the database and the media."""
        if self.postgres:
            subprocess.run(["dropdb", *self.pg, "--if-exists", self.db_name], check=True)
        else:
            self.db_file.unlink()
        shutil.rmtree(self.media)
        self.create_database()

    def manage(self, *args, check=True, **env):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def fingerprint(self, **env):
        return json.loads(self.manage("shell", "--no-imports", "-c", FINGERPRINT, **env).stdout)

    def remove(self):
        if self.postgres:
            subprocess.run(["dropdb", *self.pg, "--if-exists", self.db_name], check=False)


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    yield site
    site.remove()


def test_a_backup_restored_into_an_empty_site_gives_back_everything(site, tmp_path):
    site.manage("migrate", "--noinput", "-v0")
    site.manage("load_demo_content")
    site.manage("shell", "--no-imports", "-c", MORE_CONTENT)
    before = site.fingerprint()
    assert before["messages"] and before["documents"] and before["renditions"]

    made = site.manage("backup", "--output-dir", str(tmp_path / "backups")).stdout
    (archive,) = (tmp_path / "backups").glob("backup-*.tar")
    assert str(archive) in made

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    dump = "database.dump" if site.postgres else "database.sqlite3"
    assert {dump, "manifest.json"} <= set(names)
    assert all(name in {dump, "manifest.json"} or name.startswith("media/") for name in names)
    assert manifest["rows"]["wagtailcore.revision"] == len(before["revisions"])
    assert manifest["rows"]["contact.contactsubmission"] == 3
    # The keys that decrypt patients' messages are never in a backup.
    assert site.key.encode() not in archive.read_bytes()

    site.wipe()
    restored = site.manage("restore", str(archive)).stdout
    assert "all matching the manifest" in restored
    assert site.fingerprint() == before

    # Without the keys, the messages are lost: the restore is only whole with them.
    lost = site.manage(
        "shell",
        "--no-imports",
        "-c",
        FINGERPRINT,
        check=False,
        FORM_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
    )
    assert lost.returncode != 0
    assert "cannot be decrypted" in lost.stderr

    # A restore never writes over a site that has data.
    again = site.manage("restore", str(archive), check=False)
    assert again.returncode != 0
    assert "Restore into an empty database" in again.stderr

    # A damaged archive is refused before anything is touched, and says what is wrong.
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/original_images/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))
    refused = site.manage("restore", str(damaged), check=False)
    assert refused.returncode != 0
    assert "The archive is damaged: checksum differs: media/original_images/" in refused.stderr
