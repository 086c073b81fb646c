"""Media on an S3 API, for real: a moto S3 server on 127.0.0.1, started by these tests as a
process, with the bucket policy docs/production.md gives (renditions public, originals and
documents private).

What an operator relies on: an image uploaded in the admin lands in the bucket; its renditions
land there too, and the API's URLs for them load anonymously; another app server with the same
bucket serves the same working URLs; originals and documents never load from the bucket
anonymously, and documents are served through Wagtail's view, which checks privacy; static
files stay off S3; deleting an image deletes its files.
"""

import io
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.models import Rendition
from wagtail.models import Collection, CollectionViewRestriction

from cms.settings.env import media_storage
from tests import servers
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, default_site

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}
LOCALHOST = {"Host": "localhost"}


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    with servers.moto_s3(tmp_path_factory.mktemp("moto") / "moto.log") as endpoint:
        yield endpoint


class Bucket:
    def __init__(self, endpoint, name):
        self.endpoint, self.name = endpoint, name
        self.client = servers.create_bucket(endpoint, name, CREDENTIALS)

    def head(self, key):
        """The object's metadata as S3 answers a HEAD request (CacheControl, ContentType...)."""
        return self.client.head_object(Bucket=self.name, Key=key)

    def keys(self, prefix=""):
        listing = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    @property
    def environment(self):
        """What base.py reads to put the default storage on S3, as a server is configured."""
        return {
            **CREDENTIALS,
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
        }


def anonymous_get(url):
    """The status a visitor's browser gets for ``url``, and the body."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    bucket = Bucket(s3_server, f"media-{uuid.uuid4().hex[:10]}")
    for name, value in bucket.environment.items():
        monkeypatch.setenv(name, value)
    # The storage base.py configures from AWS_STORAGE_BUCKET_NAME and AWS_S3_*.
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}
    return bucket


def png(size=(1600, 900), colour=(30, 90, 160)):
    stream = io.BytesIO()
    PillowImage.new("RGB", size, colour).save(stream, "PNG")
    return stream.getvalue()


def upload_image(client, title="Spine model", colour=(30, 90, 160)):
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": title,
            "file": SimpleUploadedFile(
                "spine-model.png", png(colour=colour), content_type="image/png"
            ),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return get_image_model().objects.get(title=title)


def rendition_urls(detail):
    renditions = detail["hero_image"]["renditions"]
    return [r["url"] for kind in renditions.values() for items in kind.values() for r in items]


def test_an_image_uploaded_in_the_admin_is_served_from_the_bucket(
    admin_client, client, bucket, article_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the media task, once it commits
        image = upload_image(admin_client)
    assert bucket.keys("original_images/") == [image.file.name]
    made = {rendition.file.name for rendition in Rendition.objects.filter(image=image)}
    assert len(made) == 3 * (5 + 2) and set(bucket.keys("images/")) == made

    article = ArticlePageFactory(parent=article_index, hero_image=image, hero_image_alt="A model")
    article.save_revision().publish()
    detail = client.get(f"/api/v2/pages/{article.pk}/").json()

    urls = rendition_urls(detail)
    assert urls and all(url.startswith(f"{bucket.endpoint}/{bucket.name}/images/") for url in urls)
    assert set(bucket.keys("images/")) == {
        rendition.file.name for rendition in Rendition.objects.filter(image=image)
    }
    for url in urls:
        status, body = anonymous_get(url)
        assert status == 200, url
        assert body[:4] in (b"\x89PNG", b"RIFF", b"\x00\x00\x00\x1c", b"\x00\x00\x00\x20")
    # The original stays private: the policy opens renditions only.
    assert anonymous_get(image.file.url)[0] == 403


def test_renditions_are_cacheable_for_good_and_nothing_private_is(
    admin_client, bucket, django_capture_on_commit_callbacks
):
    """What the bucket answers the CDN (AWS_S3_CUSTOM_DOMAIN) and browsers: a rendition's name
    is never given to other bytes, so it is kept for a year without asking again; the original is
    private and carries no public caching."""
    with django_capture_on_commit_callbacks(execute=True):  # the media task, once it commits
        image = upload_image(admin_client)
    keys = bucket.keys("images/")
    assert len(keys) == 3 * (5 + 2)
    types = {".png": "image/png", ".webp": "image/webp", ".avif": "image/avif"}
    for key in keys:
        head = bucket.head(key)
        assert head.get("CacheControl") == "public, max-age=31536000, immutable", key
        assert head["ContentType"] == types[key[key.rindex(".") :]], key
    original = bucket.head(image.file.name)
    assert original["ContentType"] == "image/png"
    assert "public" not in original.get("CacheControl", "")


def test_a_rendition_name_is_never_given_to_other_content(
    admin_client, bucket, django_capture_on_commit_callbacks
):
    """An image deleted and another uploaded from a file of the same name: the new renditions
    get names of their own, so what the CDN keeps for good under the old names never shows
    in place of the new pictures."""
    with django_capture_on_commit_callbacks(execute=True):
        first = upload_image(admin_client, title="First")
    first_keys = set(bucket.keys("images/"))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("wagtailimages:delete", args=[first.pk]))
    assert bucket.keys() == []

    with django_capture_on_commit_callbacks(execute=True):
        upload_image(admin_client, title="Second", colour=(200, 40, 40))
    second_keys = set(bucket.keys("images/"))
    assert len(second_keys) == len(first_keys) and not second_keys & first_keys


def test_documents_are_served_through_wagtail_never_from_the_bucket(admin_client, client, bucket):
    Document = get_document_model()
    root = Collection.get_first_root_node()
    private = root.add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.PASSWORD, password="x"
    )
    public = Document.objects.create(
        title="Leaflet", file=SimpleUploadedFile("leaflet.pdf", b"%PDF-1.4 public leaflet")
    )
    secret = Document.objects.create(
        title="Rota",
        collection=private,
        file=SimpleUploadedFile("rota.pdf", b"%PDF-1.4 staff rota"),
    )
    assert set(bucket.keys("documents/")) == {public.file.name, secret.file.name}

    listed = client.get("/api/v2/documents/").json()["items"]
    assert [item["title"] for item in listed] == ["Leaflet"]
    download = client.get(f"/api/v2/documents/{public.pk}/").json()["meta"]["download_url"]
    assert not download.startswith(bucket.endpoint)  # Wagtail's serve view, not the bucket

    served = client.get(public.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"%PDF-1.4 public leaflet"
    refused = client.get(secret.url)
    assert refused.status_code in (302, 401, 403) or b"password" in refused.content.lower()
    assert b"staff rota" not in refused.content
    for document in (public, secret):
        assert "public" not in bucket.head(document.file.name).get("CacheControl", "")
        assert anonymous_get(document.file.storage.url(document.file.name))[0] == 403


def test_deleting_an_image_deletes_its_files_in_the_bucket(
    admin_client, client, bucket, article_index, django_capture_on_commit_callbacks
):
    image = upload_image(admin_client)
    image.get_renditions("width-320", "width-320|format-webp")
    assert bucket.keys("images/") and bucket.keys("original_images/")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("wagtailimages:delete", args=[image.pk]))
    assert response.status_code == 302

    assert bucket.keys("images/") == []
    assert bucket.keys("original_images/") == []


def test_another_app_server_serves_the_same_working_urls(client, bucket, sqlite_file_db, tmp_path):
    """An image uploaded in this server's admin, served by another one sharing the database and
    the bucket (gunicorn with the production settings, configured from AWS_* as operators do)."""
    client.force_login(get_user_model().objects.create_superuser("ops", "ops@example.com", "x"))
    image = upload_image(client)
    home = default_site().root_page
    article = ArticlePageFactory(
        parent=ArticleIndexPageFactory(parent=home), hero_image=image, hero_image_alt="A model"
    )
    article.save_revision().publish()
    env = servers.production_env(DATABASE_URL=f"sqlite:///{sqlite_file_db}", **bucket.environment)
    servers.collectstatic(env)
    with servers.gunicorn(env, tmp_path / "gunicorn.log") as port:
        answer = servers.request(port, f"/api/v2/pages/{article.pk}/", headers=LOCALHOST)
    assert answer.status == 200, answer.text
    urls = rendition_urls(answer.json())
    assert urls and all(url.startswith(f"{bucket.endpoint}/{bucket.name}/images/") for url in urls)
    for url in urls:
        assert anonymous_get(url)[0] == 200, url


def test_static_files_stay_off_the_bucket_unless_asked(bucket, tmp_path):
    env = servers.production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **bucket.environment
    )
    shown = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.core.files.storage import storages; "
            "print(type(storages['default']).__name__, type(storages['staticfiles']).__name__)",
        ],
        cwd=servers.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split() == ["MediaS3Storage", "CompressedManifestStaticFilesStorage"]
