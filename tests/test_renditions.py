"""No rendition is ever made inside an API read.

An answer shows every rendition's URL at once: the file's URL when it is made, otherwise a
signed URL of the image serve view, which makes it on its first request. The renditions of an
image are made by a task when it is uploaded or changed (the ``media`` backend), and the
cached answers showing it then show the files' URLs. Any other width is a signed URL away
(``/api/v2/images/<id>/url/``).
"""

from urllib.parse import urlsplit

import pytest
import wagtail_factories
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.models import Rendition
from wagtail.models import Collection, CollectionViewRestriction

from headless.renditions import serve_url
from headless.tasks import make_renditions
from tests.factories import ArticlePageFactory, ClinicianFactory
from tests.test_metrics import moved, samples
from tests.test_s3_media import png

pytestmark = pytest.mark.django_db

EVERY_RENDITION = 3 * (5 + 2)  # 5 widths and 2 cards of a 1600x900 image, in 3 formats


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(title="Infusion room", file__width=1600, file__height=900)


@pytest.fixture
def article(article_index, image):
    page = ArticlePageFactory(
        parent=article_index,
        slug="renditions",
        hero_image=image,
        hero_image_alt="An infusion room",
        author=ClinicianFactory(photo=image),
        body=[
            ("image", {"image": image, "alt_text": "A chair", "decorative": False}),
            ("paragraph", f'<embed embedtype="image" id="{image.pk}" format="left" alt="A"/>'),
        ],
    )
    page.save_revision().publish()
    return page


def detail(client, page):
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200, response.content
    return response


def every_rendition(image_data):
    return [
        rendition
        for formats in image_data["renditions"].values()
        for items in formats.values()
        for rendition in items
    ]


@pytest.fixture
def opened(monkeypatch):
    """How many times an image's original was opened (to decode it with Pillow)."""
    calls = []
    Image = get_image_model()
    open_file = Image.open_file

    def counting(self, *args, **kwargs):
        calls.append(self.pk)
        return open_file(self, *args, **kwargs)

    monkeypatch.setattr(Image, "open_file", counting)
    return calls


def test_an_api_read_makes_no_rendition_and_opens_no_image(client, article, opened):
    response = detail(client, article)

    assert Rendition.objects.count() == 0
    assert opened == []
    hero = response.json()["hero_image"]
    renditions = every_rendition(hero)
    assert len(renditions) == EVERY_RENDITION
    # Sizes as the renditions will have them, for the frontend's layout.
    assert [(r["width"], r["height"]) for r in hero["renditions"]["widths"]["webp"]] == [
        (320, 180),
        (640, 360),
        (960, 540),
        (1280, 720),
        (1600, 900),
    ]
    assert [(r["width"], r["height"]) for r in hero["renditions"]["card"]["avif"]] == [
        (640, 360),
        (1280, 720),
    ]
    assert all(r["url"].startswith("http://cms.test/images/") for r in renditions)
    assert all(r["url"].endswith(".webp") for r in hero["renditions"]["widths"]["webp"])
    paragraph = next(b["value"] for b in response.json()["body"] if b["type"] == "paragraph")
    assert 'src="http://cms.test/images/' in paragraph and 'width="960"' in paragraph


def test_a_serve_url_makes_its_rendition_once_then_redirects_to_the_file(client, article):
    hero = detail(client, article).json()["hero_image"]
    asked = hero["renditions"]["widths"]["webp"][1]

    first = client.get(urlsplit(asked["url"]).path)
    assert first.status_code == 302
    rendition = Rendition.objects.get()
    assert rendition.filter_spec == "width-640|format-webp"
    assert (rendition.width, rendition.height) == (asked["width"], asked["height"])
    assert first["Location"] == rendition.url
    assert "immutable" in first["Cache-Control"] and "public" in first["Cache-Control"]
    assert client.get(first["Location"]).status_code in (200, 404)  # served by the storage

    again = client.get(urlsplit(asked["url"]).path)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Rendition.objects.count() == 1


def test_every_size_announced_is_the_size_made(client, article):
    announced = every_rendition(detail(client, article).json()["hero_image"])
    make_renditions.call(article.hero_image_id)
    made = every_rendition(detail(client, article).json()["hero_image"])

    assert [(r["width"], r["height"]) for r in made] == [
        (r["width"], r["height"]) for r in announced
    ]
    assert all(r["url"].startswith("http://cms.test/media/images/") for r in made)


def test_an_upload_makes_every_rendition_in_the_task(
    admin_client, client, article_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("wagtailimages:add"),
            {
                "title": "Spine model",
                "file": SimpleUploadedFile("spine.png", png((1600, 900)), content_type="image/png"),
                "collection": Collection.get_first_root_node().pk,
            },
        )
    assert response.status_code == 302
    image = get_image_model().objects.get(title="Spine model")
    assert Rendition.objects.filter(image=image).count() == EVERY_RENDITION

    article = ArticlePageFactory(parent=article_index, hero_image=image, hero_image_alt="A")
    article.save_revision().publish()
    renditions = every_rendition(detail(client, article).json()["hero_image"])
    assert all(r["url"].startswith("http://cms.test/media/images/") for r in renditions)
    assert Rendition.objects.filter(image=image).count() == EVERY_RENDITION


def test_the_cached_answer_shows_the_files_once_the_task_made_them(
    client, article, image, django_capture_on_commit_callbacks
):
    detail(client, article)  # the first read makes the site's settings, which changes them
    detail(client, article)
    cached = detail(client, article)
    assert cached["X-Cache"] == "hit"
    assert all("/images/" in r["url"] for r in every_rendition(cached.json()["hero_image"]))

    with django_capture_on_commit_callbacks(execute=True):
        make_renditions.enqueue(image.pk)

    fresh = detail(client, article)
    assert fresh["X-Cache"] == "miss"
    urls = [r["url"] for r in every_rendition(fresh.json()["hero_image"])]
    assert all(url.startswith("http://cms.test/media/images/") for url in urls)


def test_a_new_focal_point_makes_new_cards_in_the_task(
    client, article, image, django_capture_on_commit_callbacks
):
    make_renditions.call(image.pk)
    image.focal_point_x, image.focal_point_y = 100, 100
    image.focal_point_width, image.focal_point_height = 50, 50
    with django_capture_on_commit_callbacks(execute=True):
        image.save()

    hero = detail(client, article).json()["hero_image"]
    assert all(r["url"].startswith("http://cms.test/media/") for r in every_rendition(hero))
    assert Rendition.objects.filter(image=image).count() == EVERY_RENDITION + 3 * 2


# Any width, within limits


def test_any_width_is_a_signed_url_away(client, image):
    response = client.get(f"/api/v2/images/{image.pk}/url/", {"width": 800, "image_format": "webp"})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["width"], answer["height"], answer["format"]) == (800, 450, "webp")
    assert answer["url"].startswith("http://cms.test/images/") and answer["url"].endswith(".webp")
    assert "public" in response["Cache-Control"]
    assert Rendition.objects.count() == 0

    served = client.get(urlsplit(answer["url"]).path)
    assert served.status_code == 302
    assert Rendition.objects.get().filter_spec == "width-800|format-webp"


def test_a_width_above_the_original_gives_the_original_width(client, image):
    answer = client.get(f"/api/v2/images/{image.pk}/url/", {"width": 2400}).json()
    assert (answer["width"], answer["height"], answer["format"]) == (1600, 900, "original")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "width"),
        ({"width": "wide"}, "width"),
        ({"width": 8}, "width"),
        ({"width": 100000}, "width"),
        ({"width": 300, "image_format": "gif"}, "image_format"),
        ({"width": 300, "height": 10}, "height"),
    ],
)
def test_bad_widths_and_formats_are_a_400_in_json(client, image, query, message):
    response = client.get(f"/api/v2/images/{image.pk}/url/", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["message"]
    assert Rendition.objects.count() == 0


def test_the_url_of_no_image_is_a_json_404(client):
    response = client.get("/api/v2/images/999999/url/", {"width": 300})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# Signed URLs


def serve_path(client, image):
    answer = client.get(f"/api/v2/images/{image.pk}/url/", {"width": 320}).json()
    return urlsplit(answer["url"]).path


def test_a_tampered_url_is_refused_and_makes_nothing(client, image):
    path = serve_path(client, image)
    signature, pk, spec, name = path.strip("/").split("/")[1:]

    for tampered in (
        f"/images/{signature}/{pk}/width-4000/{name}",
        f"/images/{signature[:-2]}xx/{pk}/{spec}/{name}",
        f"/images/{signature}/{int(pk) + 1}/{spec}/{name}",
        f"/images/not-a-signature/{pk}/bogus-99/{name}",
    ):
        response = client.get(tampered)
        assert response.status_code in (400, 403), tampered
    assert Rendition.objects.count() == 0


# Private collections


@pytest.fixture
def private_image():
    staff = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=staff, restriction_type=CollectionViewRestriction.LOGIN
    )
    return wagtail_factories.ImageFactory(collection=staff, file__width=800, file__height=600)


def test_a_private_image_is_never_served_to_whom_may_not_see_it(client, private_image):
    path = urlsplit(serve_url(private_image, "width-320")).path
    response = client.get(path)
    assert response.status_code == 404
    assert Rendition.objects.count() == 0
    assert client.get(f"/api/v2/images/{private_image.pk}/url/", {"width": 320}).status_code == 404


def test_a_private_image_is_served_to_staff_never_kept_by_a_cdn(admin_client, private_image):
    response = admin_client.get(urlsplit(serve_url(private_image, "width-320")).path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Location" not in response


# What an operator sees


def test_the_metrics_count_renditions_made_by_the_task_and_by_urls(client, settings, image):
    settings.METRICS_TOKEN = "renditions-metrics"
    auth = {"HTTP_AUTHORIZATION": "Bearer renditions-metrics"}

    def scrape():
        response = client.get("/metrics", **auth)
        assert response.status_code == 200
        return samples(response.content.decode())

    before = scrape()
    client.get(urlsplit(serve_url(image, "width-320")).path)
    make_renditions.call(image.pk)
    after = scrape()

    assert moved(before, after, "cms_renditions_created_total") == EVERY_RENDITION
    assert moved(before, after, "cms_rendition_batch_seconds_count", where="url") == 1
    assert moved(before, after, "cms_rendition_batch_seconds_count", where="task") == 1
    assert moved(before, after, "cms_rendition_batch_seconds_sum", where="task") > 0
