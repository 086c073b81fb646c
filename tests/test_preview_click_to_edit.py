"""Editors click what they want to change in the preview, and the editor takes them there.

A preview answer says where each field and block it shows is edited (``meta.edit_paths``); a
published answer never does. The built-in preview marks what it shows with the documented
``data-`` attributes and runs the one script the CMS serves for it; the page editor listens for
that script's messages from the preview origins only (the browser tests in
``tests/test_preview_click_to_edit_browser.py`` click through both).
"""

import json

import pytest
import wagtail_factories
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data
from wagtail_headless_preview.models import PagePreview

from tests import test_preview
from tests.factories import ArticlePageFactory
from tests.test_preview import paragraph, shown_html

pytestmark = pytest.mark.django_db

# Fixtures as tests/test_preview.py has them: the signed-in editor's client, and the preview
# frontend configured (``frontend_preview``) or not (``no_preview_frontend``: the built-in one).
editor = test_preview.editor
frontend_preview = test_preview.frontend_preview
no_preview_frontend = test_preview.no_preview_frontend

PARAGRAPH_ID = "0b6f7a8e-1d2c-4e5f-8a9b-0c1d2e3f4a5b"
ACCORDION_ID = "1c7a8b9f-2e3d-4f6a-9b0c-1d2e3f4a5b6c"
ITEM_ID = "2d8b9c0a-3f4e-4a7b-8c1d-2e3f4a5b6c7d"
HEADING_ID = "3e9c0d1b-4a5f-4b8c-9d2e-3f4a5b6c7d8e"

SCRIPT = "/static/headless/preview-edit.js"


@pytest.fixture
def article(article_index):
    page = ArticlePageFactory(parent=article_index, title="Published title", slug="previewed")
    page.save_revision().publish()
    return page


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(title="A chair", file__width=1600, file__height=900)


def stream(*blocks):
    """StreamField form data with the block ids the editor's JavaScript gives new blocks."""
    data = {
        str(index): {"type": kind, "value": value, "id": id, "deleted": "", "order": str(index)}
        for index, (kind, value, id) in enumerate(blocks)
    }
    data["count"] = str(len(blocks))
    return data


def draft_body():
    return stream(
        ("heading", {"text": "Before you arrive", "level": "h2"}, HEADING_ID),
        ("paragraph", paragraph("<p>Bring a list of your medicines.</p>"), PARAGRAPH_ID),
        (
            "accordion",
            {
                "title": "Common questions",
                "items": {
                    "0": {
                        "value": {"title": "How long?", "body": paragraph("<p>An hour.</p>")},
                        "id": ITEM_ID,
                        "deleted": "",
                        "order": "0",
                    },
                    "count": "1",
                },
                "open_first": "",
                "heading_level": "",
            },
            ACCORDION_ID,
        ),
    )


def post_preview(editor, page, hero_image=""):
    """Post the unsaved edit form to the preview, as the admin's preview panel does."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    data = nested_form_data(
        {
            "title": "Draft title",
            "slug": page.slug,
            "summary": "Draft summary",
            "hero_image": hero_image,
            "hero_image_alt": "A chair",
            "body": draft_body(),
            "comments": inline_formset([]),
        }
    )
    posted = editor.post(url, data)
    assert posted.status_code == 200 and posted.json()["is_valid"], posted.content
    return url


def preview_answer(client, page_type="articles.articlepage"):
    token = PagePreview.objects.get().token
    response = client.get("/api/v2/page_preview/", {"content_type": page_type, "token": token})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.usefixtures("frontend_preview")
def test_a_preview_answer_says_where_each_field_and_block_is_edited(editor, article, image):
    url = post_preview(editor, article, hero_image=str(image.pk))
    editor.get(url)  # the preview panel loads the frontend's preview route

    data = preview_answer(editor)

    paths = data["meta"]["edit_paths"]
    assert paths["fields"]["title"] == "title"
    assert paths["fields"]["summary"] == "summary"
    assert paths["fields"]["hero_image"] == "hero_image"
    assert paths["fields"]["body"] == "body"
    # Fields the answer shows but no editor writes have no path.
    for computed in ("reading_time", "readability", "table_of_contents", "structured_data"):
        assert computed not in paths["fields"]
    assert paths["blocks"] == {
        HEADING_ID: f"body.{HEADING_ID}",
        PARAGRAPH_ID: f"body.{PARAGRAPH_ID}",
        ACCORDION_ID: f"body.{ACCORDION_ID}",
        ITEM_ID: f"body.{ACCORDION_ID}.items.{ITEM_ID}",
    }
    # Every block the answer shows has its path, under the id the answer gives it.
    assert [block["id"] for block in data["body"]] == [HEADING_ID, PARAGRAPH_ID, ACCORDION_ID]


@pytest.mark.usefixtures("frontend_preview")
def test_edit_paths_follow_the_fields_a_frontend_asks_for(editor, article):
    editor.get(post_preview(editor, article))
    token = PagePreview.objects.get().token

    response = editor.get(
        "/api/v2/page_preview/",
        {"content_type": "articles.articlepage", "token": token, "fields": "-summary"},
    )

    assert response.status_code == 200
    paths = response.json()["meta"]["edit_paths"]
    assert "summary" not in paths["fields"]
    assert paths["fields"]["title"] == "title"


def test_published_answers_say_nothing_of_editing(client, article):
    detail = client.get(f"/api/v2/pages/{article.pk}/")
    listing = client.get("/api/v2/pages/", {"type": "articles.ArticlePage", "fields": "*"})
    found = client.get("/api/v2/pages/find/", {"html_path": article.url_path.split("/", 2)[2]})
    asked = client.get(f"/api/v2/pages/{article.pk}/", {"fields": "edit_paths"})

    assert detail.status_code == 200
    assert "edit_paths" not in detail.json()["meta"]
    assert "edit_paths" not in json.dumps(detail.json())
    assert listing.status_code == 200
    assert "edit_paths" not in json.dumps(listing.json())
    assert "edit_paths" not in json.dumps(found.json())
    assert asked.status_code == 400
    assert "edit_paths" in asked.json()["message"]


@pytest.mark.usefixtures("no_preview_frontend")
def test_the_built_in_preview_marks_what_can_be_clicked_to_edit(editor, article, image):
    url = post_preview(editor, article, hero_image=str(image.pk))

    shown = editor.get(url)

    soup = shown_html(shown)
    assert [tag["data-block-id"] for tag in soup.select("[data-block-id]")] == [
        HEADING_ID,
        PARAGRAPH_ID,
        ACCORDION_ID,
        ITEM_ID,
    ]
    marked = {tag["data-edit-path"]: tag for tag in soup.select("[data-edit-path]")}
    assert marked["title"].name == "h1" and marked["title"].get_text() == "Draft title"
    assert marked["summary"].get_text() == "Draft summary"
    assert marked["hero_image"].find("img")
    paragraph_tag = soup.select_one(f'[data-block-id="{PARAGRAPH_ID}"]')
    assert paragraph_tag.get_text(strip=True) == "Bring a list of your medicines."


@pytest.mark.usefixtures("no_preview_frontend")
def test_the_built_in_preview_runs_the_one_script_it_serves_and_nothing_else(editor, article):
    shown = editor.get(post_preview(editor, article))

    soup = shown_html(shown)
    scripts = soup.find_all("script", nonce=True)
    assert [script.get("src") for script in scripts] == [SCRIPT]
    assert not scripts[0].string  # nothing inline
    policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    nonce = scripts[0]["nonce"]
    assert len(nonce) >= 16
    # Besides it, only this site's static files run: Wagtail's userbar, for the Checks panel.
    assert policy == f"script-src 'self' 'nonce-{nonce}'"
    for script in soup.find_all("script"):
        assert script.get("type") == "application/json" or script["src"].startswith("/static/")
    # A nonce is good for one answer only.
    again = shown_html(
        editor.get(reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,)))
    )
    assert again.find("script", nonce=True)["nonce"] != nonce
    assert finders.find("headless/preview-edit.js")


def test_the_script_is_a_static_file_without_dependencies():
    # Served by staticfiles like the admin's own; the browser tests load it from the live server.
    path = finders.find("headless/preview-edit.js")

    with open(path, encoding="utf-8") as script:
        source = script.read()

    # Dependency-free, and it never posts to any window but its parent, at the CMS's origin.
    assert "import " not in source and "require(" not in source
    assert "postMessage" in source and '"*"' not in source


@pytest.mark.usefixtures("frontend_preview")
def test_the_editor_listens_to_the_preview_origins_only(editor, article):
    response = editor.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))

    assert response.status_code == 200
    soup = shown_html(response)
    listener = soup.find("script", src="/static/headless/preview-edit-admin.js")
    assert listener is not None
    # The editor's own origin (the built-in preview's) it adds itself.
    assert json.loads(listener["data-preview-origins"]) == ["http://localhost:3000"]


@pytest.mark.usefixtures("frontend_preview")
def test_edit_paths_cost_no_query(editor, article, django_assert_max_num_queries):
    editor.get(post_preview(editor, article))
    token = PagePreview.objects.get().token
    query = {"content_type": "articles.articlepage", "token": token}
    without = editor.get("/api/v2/page_preview/", {**query, "fields": "-edit_paths"})
    assert without.status_code == 200 and "edit_paths" not in without.json()["meta"]
    with CaptureQueriesContext(connection) as counted:
        editor.get("/api/v2/page_preview/", {**query, "fields": "-edit_paths"})
    queries_without = len(counted)

    with django_assert_max_num_queries(queries_without):
        response = editor.get("/api/v2/page_preview/", query)

    assert response.json()["meta"]["edit_paths"]["fields"]["title"] == "title"
