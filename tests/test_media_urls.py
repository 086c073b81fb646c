"""A media file's URL is the one Django's storage would give, however odd its name: on disk
(``MEDIA_URL``, relative or absolute) and on S3 behind a custom domain. The project's storages
(``headless/storage.py``) build some URLs by a shorter path; the answer must not change."""

import pytest
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

from headless.storage import MediaFileSystemStorage, MediaS3Storage

NAMES = [
    "images/spine-model.2e16d0ba.fill-640x360.3f2a9c1b0d4e.png",
    "images/a name with spaces.png",
    "images/fibromialgia-sensibilización-центр-痛み.webp",
    "images/100%_sure?#frag;x=1&y=2:z+plus'quote\"(brackets)[sq]{cu}~tilde!.png",
    "images/back\\slash.png",
    "/images/leading-slash.png",
    "images//double-slash.png",
    "images/./dot/../segments.png",
    "images/.hidden.png",
    "images/trailing/",
    "",
]

BASE_URLS = [
    "/media/",
    "/media",
    "https://cdn.example.org/media/",
    "https://cdn.example.org",
    "media/",
    "/media//nested/",
    "/media/./here/",
]


@pytest.mark.parametrize("base_url", BASE_URLS)
@pytest.mark.parametrize("name", NAMES)
def test_a_file_on_disk_has_the_url_django_gives(base_url, name, tmp_path):
    storage = MediaFileSystemStorage(location=tmp_path, base_url=base_url)

    assert storage.url(name) == FileSystemStorage.url(storage, name)


@pytest.mark.parametrize("name", [name for name in NAMES if ".." not in name])
def test_a_file_on_s3_behind_a_custom_domain_has_the_url_django_storages_gives(name):
    storage = MediaS3Storage(
        bucket_name="media",
        custom_domain="media.example.org",
        querystring_auth=False,
        access_key="test-key",
        secret_key="test-secret",
    )

    assert storage.url(name) == S3Storage.url(storage, name)
