"""`make run` (DEBUG) serves uploaded media itself, but never a document's file nor an image's
original, however the path to it is spelled: documents are served by /documents/, which
checks their privacy, and images as renditions."""

import importlib.util
import sys

import pytest

from cms import urls

pytestmark = pytest.mark.django_db

SECRET = b"%PDF-1.4 a patient's letter"


@pytest.fixture
def dev_server(settings, monkeypatch):
    """cms/urls.py as `make run` builds it (DEBUG on), with a public image and a document."""
    settings.DEBUG = True
    spec = importlib.util.spec_from_file_location("cms.dev_urls", urls.__file__)
    dev_urls = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev_urls)
    monkeypatch.setitem(sys.modules, "cms.dev_urls", dev_urls)
    settings.ROOT_URLCONF = "cms.dev_urls"
    (settings.MEDIA_ROOT / "documents").mkdir(parents=True)
    (settings.MEDIA_ROOT / "documents" / "letter.pdf").write_bytes(SECRET)
    # As a case-insensitive filesystem (macOS's, Windows') opens Documents/ as documents/.
    (settings.MEDIA_ROOT / "Documents").symlink_to("documents")
    (settings.MEDIA_ROOT / "images").mkdir()
    (settings.MEDIA_ROOT / "images" / "knee.jpg").write_bytes(b"a public picture")
    (settings.MEDIA_ROOT / "original_images").mkdir()
    (settings.MEDIA_ROOT / "original_images" / "scan.jpg").write_bytes(SECRET)
    return settings


def test_public_media_is_served(client, dev_server):
    response = client.get("/media/images/knee.jpg")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a public picture"


@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/letter.pdf",
        "/media//documents/letter.pdf",
        "/media///documents/letter.pdf",
        "/media/./documents/letter.pdf",
        "/media/images/../documents/letter.pdf",
        "/media/x/../documents/letter.pdf",
        "/media/x/y/../../documents/letter.pdf",
        "/media/%2e/documents/letter.pdf",
        "/media/%2E%2E/media/documents/letter.pdf",
        "/media/images/%2e%2e/documents/letter.pdf",
        "/media/documents%2fletter.pdf",
        "/media/%2fdocuments/letter.pdf",
        "/media/images%2f..%2fdocuments%2fletter.pdf",
        "/media/%252e/documents/letter.pdf",
        "/media/images/%252e%252e/documents/letter.pdf",
        "/media/Documents/letter.pdf",
        "/media/DOCUMENTS/letter.pdf",
        "/media/x/../Documents/letter.pdf",
        "/media/documents/",
        "/media/documents",
        "/media/original_images/scan.jpg",
        "/media//original_images/scan.jpg",
        "/media/images/../original_images/scan.jpg",
        "/media/%2e/Original_Images/scan.jpg",
        "/media/images/..%2foriginal_images%2fscan.jpg",
        "/media/../../etc/passwd",
    ],
)
def test_no_spelling_of_a_private_path_serves_its_file(client, dev_server, path):
    response = client.get(path)

    assert response.status_code == 404
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert SECRET not in content
