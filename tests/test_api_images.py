"""Every image the API returns: the alt text where it is used, and renditions for a srcset."""

import pytest
import wagtail_factories
from django.core.cache import cache as django_cache
from wagtail.images import get_image_model
from wagtail.images.models import Rendition

from headless.tasks import make_renditions
from tests.factories import ArticlePageFactory, ClinicianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(title="IMG_0042", file__width=1600, file__height=900)


@pytest.fixture
def article(article_index, image):
    page = ArticlePageFactory(
        parent=article_index,
        slug="images",
        hero_image=image,
        hero_image_alt="An empty infusion chair",
        author=ClinicianFactory(name="Dr Ada Vale", photo=image),
        body=[
            (
                "image",
                {"image": image, "alt_text": "A nurse", "decorative": False, "caption": "Hi"},
            ),
            ("image", {"image": image, "alt_text": "ignored", "decorative": True}),
            ("image", {"image": image, "alt_text": "", "decorative": False}),
            (
                "paragraph",
                f'<embed embedtype="image" id="{image.pk}" format="left" alt="A chair"/>',
            ),
        ],
    )
    page.save_revision().publish()
    return page


def detail(client, page):
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def test_every_image_carries_the_alt_text_where_it_is_used(client, article):
    data = detail(client, article)
    described, decorative, undescribed = (
        block["value"]["image"] for block in data["body"] if block["type"] == "image"
    )

    assert (data["hero_image"]["alt"], data["hero_image"]["decorative"]) == (
        "An empty infusion chair",
        False,
    )
    assert (described["alt"], described["decorative"]) == ("A nurse", False)
    assert (decorative["alt"], decorative["decorative"]) == ("", True)
    assert (undescribed["alt"], undescribed["decorative"]) == (None, False)
    assert data["author"]["photo"]["alt"] == "Dr Ada Vale"
    assert data["social_image"] is None
    paragraph = next(b["value"] for b in data["body"] if b["type"] == "paragraph")
    assert 'alt="A chair"' in paragraph
    assert "IMG_0042" not in {
        image["alt"] for image in (data["hero_image"], described, data["author"]["photo"])
    }
    assert "alt_text" not in data["body"][0]["value"]  # one place for alt text: the image


def test_the_home_hero_carries_its_alt_text(client, home, image):
    home.hero_image = image
    home.hero_image_alt = "The clinic's waiting room"
    home.save_revision().publish()

    hero = detail(client, home)["hero_image"]
    assert (hero["alt"], hero["decorative"]) == ("The clinic's waiting room", False)


def test_an_image_without_alt_text_has_null_not_its_title(client, home, image):
    home.hero_image = image
    home.hero_image_alt = ""
    home.save_revision().publish()

    assert detail(client, home)["hero_image"]["alt"] is None
    assert get_image_model().objects.get(pk=image.pk).title == "IMG_0042"


def test_an_image_carries_renditions_for_a_srcset_in_each_format(client, article, image):
    make_renditions.call(image.pk)  # as the media worker does once an image is saved
    hero = detail(client, article)["hero_image"]

    widths = hero["renditions"]["widths"]
    assert set(widths) == {"original", "webp", "avif"}
    for name, items in widths.items():
        assert [(r["width"], r["height"]) for r in items] == [
            (320, 180),
            (640, 360),
            (960, 540),
            (1280, 720),
            (1600, 900),  # its own width, below 1920: nothing larger than the original
        ], name
    assert all(r["url"].endswith(".webp") for r in widths["webp"])
    assert all(r["url"].endswith(".avif") for r in widths["avif"])
    cards = hero["renditions"]["card"]
    assert [(r["width"], r["height"]) for r in cards["webp"]] == [(640, 360), (1280, 720)]

    every = [r for kind in hero["renditions"].values() for items in kind.values() for r in items]
    assert all(r["url"].startswith("http://cms.test/media/") for r in every)
    assert hero["srcset"]["widths"]["webp"] == ", ".join(
        f"{r['url']} {r['width']}w" for r in widths["webp"]
    )
    assert hero["srcset"]["card"]["original"].endswith(" 1280w")


def test_a_small_image_is_never_upscaled(client, home):
    home.hero_image = wagtail_factories.ImageFactory(file__width=500, file__height=300)
    home.save_revision().publish()

    renditions = detail(client, home)["hero_image"]["renditions"]
    assert [r["width"] for r in renditions["widths"]["original"]] == [320, 500]
    assert [(r["width"], r["height"]) for r in renditions["card"]["avif"]] == [(500, 282)]


def test_renditions_are_made_once_by_the_task_and_read_after(client, article, image):
    # 5 widths and 2 cards in 3 formats; the embed uses width-960
    assert make_renditions.call(image.pk) == 3 * (5 + 2)
    assert make_renditions.call(image.pk) == 0
    made = Rendition.objects.count()

    detail(client, article)
    django_cache.clear()  # the response cache, not the renditions: the next read renders again
    detail(client, article)
    assert Rendition.objects.count() == made
