"""The article rules an editor meets in the Wagtail admin: the page form refuses bad content
and says which field to fix, and accepts good content."""

import html

import pytest
import wagtail_factories
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from articles.models import ArticlePage
from headless.blocks import RICH_TEXT_FEATURES
from tests.factories import ArticlePageFactory


def paragraph(html_source):
    return rich_text(html_source, features=RICH_TEXT_FEATURES)


def list_items(values):
    """ListBlock form data, as the admin's JavaScript submits it."""
    data = {
        str(index): {"value": value, "deleted": "", "order": str(index)}
        for index, value in enumerate(values)
    }
    data["count"] = str(len(values))
    return data


def accordion_item(title="What is it?", body="<p>An answer in a sentence.</p>"):
    return {"title": title, "body": paragraph(body)}


def accordion(*items):
    return {"title": "", "items": list_items(items), "open_first": ""}


def call_to_action(page="", url=""):
    return {"label": "Book a consultation", "page": page, "url": url}


def citation(url="", doi="", pmid=""):
    return {
        "text": "Author A, Author B. A study of something.",
        "publisher": "A journal",
        "year": "2020",
        "url": url,
        "doi": doi,
        "pmid": pmid,
    }


def article_form(body=(), **fields):
    """Everything the ArticlePage form posts when an editor publishes it."""
    data = {
        "title": "Living with chronic pain",
        "slug": "living-with-chronic-pain",
        "summary": "What helps, and what to ask your clinician.",
        "hero_image_alt": "",
        "body": streamfield(list(body)),
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    data.update(fields)
    return nested_form_data(data)


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def add_article(editor, article_index):
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", article_index.id))

    def post(data):
        return editor.post(url, data)

    return post


def body_error(response, *path):
    """The messages the StreamField editor shows at a block inside the body.

    ``path`` leads from the body to the block: stream and list indexes, struct child names.
    Only the body may have errors.
    """
    errors = response.context["form"].errors
    assert list(errors) == ["body"], errors
    error = errors.as_data()["body"][0].as_json_data()
    for step in path:
        error = error["blockErrors"][step]
    return error["messages"]


def shown(response, message):
    """The message is in the re-rendered page (escaped into the editor's JSON or the HTML)."""
    content = html.unescape(response.content.decode())
    return message in content or message.replace("'", "\\u0027") in content


def assert_refused(response):
    assert response.status_code == 200
    assert not ArticlePage.objects.exists()


def test_an_accordion_needs_at_least_one_item(add_article):
    response = add_article(article_form(body=[("accordion", accordion())]))

    assert_refused(response)
    assert body_error(response, 0, "items") == ["The minimum number of items is 1"]
    assert shown(response, "The minimum number of items is 1")


def test_an_accordion_item_needs_a_title(add_article):
    item = accordion_item(title="")
    response = add_article(article_form(body=[("accordion", accordion(item))]))

    assert_refused(response)
    assert body_error(response, 0, "items", 0, "title") == ["This field is required."]


@pytest.mark.parametrize(
    ("with_page", "url", "message"),
    [
        (True, "https://example.org/booking", "Choose either a page or a URL, not both."),
        (False, "", "Choose a page or enter a URL."),
    ],
    ids=["both", "neither"],
)
def test_a_call_to_action_links_to_a_page_or_a_url(
    add_article, article_index, with_page, url, message
):
    page = str(article_index.id) if with_page else ""
    response = add_article(article_form(body=[("call_to_action", call_to_action(page, url))]))

    assert_refused(response)
    assert body_error(response, 0, "page") == [message]
    assert body_error(response, 0, "url") == [message]
    assert shown(response, message)


def test_an_image_needs_alt_text_unless_it_is_decorative(add_article, article_index):
    image = wagtail_factories.ImageFactory()
    block = {"image": str(image.id), "alt_text": "", "decorative": "", "caption": "", "credit": ""}

    response = add_article(article_form(body=[("image", block)]))

    assert_refused(response)
    message = "Add alt text, or tick 'decorative' if the image adds no information."
    assert body_error(response, 0, "alt_text") == [message]
    assert shown(response, message)

    response = add_article(article_form(body=[("image", {**block, "decorative": "on"})]))

    assert response.status_code == 302
    article = ArticlePage.objects.child_of(article_index).get()
    assert article.body[0].value["image"] == image
    assert article.body[0].value["decorative"] is True


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"doi": "doi:10.1000/xyz"},
            {"doi": "A DOI starts with '10.' then a slash, e.g. 10.1000/xyz123."},
        ),
        ({"pmid": "PMID 1234"}, {"pmid": "A PubMed ID is a number of up to nine digits."}),
        (
            {"doi": "10.1000/xyz123", "pmid": "31234567"},
            {
                "doi": "Give at most one identifier: a URL, a DOI or a PubMed ID.",
                "pmid": "Give at most one identifier: a URL, a DOI or a PubMed ID.",
            },
        ),
    ],
    ids=["malformed-doi", "malformed-pmid", "two-identifiers"],
)
def test_a_citation_has_at_most_one_well_formed_identifier(add_article, fields, errors):
    references = list_items([citation(**fields)])
    response = add_article(article_form(body=[("references", references)]))

    assert_refused(response)
    for field, message in errors.items():
        assert body_error(response, 0, 0, field) == [message]
        assert shown(response, message)


def test_a_summary_is_at_most_300_characters(add_article):
    response = add_article(article_form(summary="x" * 301))

    assert_refused(response)
    errors = response.context["form"].errors
    assert errors == {"summary": ["Ensure this value has at most 300 characters (it has 301)."]}
    assert shown(response, "Ensure this value has at most 300 characters (it has 301).")


def test_an_edit_with_invalid_content_leaves_the_article_unchanged(editor, article_index):
    article = ArticlePageFactory(parent=article_index, title="Pacing", slug="pacing")
    url = reverse("wagtailadmin_pages:edit", args=(article.id,))

    response = editor.post(
        url,
        article_form(
            title="Pacing",
            slug="pacing",
            summary="A new summary.",
            body=[("accordion", accordion(accordion_item(title="")))],
        ),
    )

    assert response.status_code == 200
    assert body_error(response, 0, "items", 0, "title") == ["This field is required."]
    article.refresh_from_db()
    assert article.summary == "A short summary of the article."
    assert len(article.body) == 0
    assert not article.has_unpublished_changes


def test_a_valid_article_is_published_with_its_blocks(add_article, article_index):
    body = [
        ("heading", {"text": "What to expect", "level": "h2"}),
        ("paragraph", paragraph("<p>Most visits take an hour.</p>")),
        (
            "accordion",
            accordion(
                accordion_item("Does it hurt?", "<p>Rarely, and briefly.</p>"),
                accordion_item("How long does it last?", "<p>About an hour.</p>"),
            ),
        ),
    ]

    response = add_article(article_form(body=body))

    assert response.status_code == 302
    article = ArticlePage.objects.child_of(article_index).get()
    assert article.live
    assert [block.block_type for block in article.body] == ["heading", "paragraph", "accordion"]
    assert article.body[0].value["text"] == "What to expect"
    assert strip_tags(article.body[1].value.source) == "Most visits take an hour."
    items = article.body[2].value["items"]
    assert [item["title"] for item in items] == ["Does it hurt?", "How long does it last?"]
    assert [strip_tags(item["body"].source) for item in items] == [
        "Rarely, and briefly.",
        "About an hour.",
    ]


# Accessibility: problems keep an article from being published, never a draft from being saved.


def draft_form(body=(), **fields):
    """The same form, as posted by the editor's "Save draft"."""
    data = article_form(body=body, **fields)
    del data["action-publish"]
    return data


def saved_draft_warning(response):
    """The article was saved as a draft; the warning the editor then sees, unescaped."""
    assert response.redirect_chain, "the draft was not saved"
    article = ArticlePage.objects.get()
    assert not article.live
    return html.unescape(response.content.decode())


@pytest.fixture
def save_draft(editor, article_index):
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", article_index.id))

    def post(data):
        return editor.post(url, data, follow=True)

    return post


def image_block(**fields):
    image = wagtail_factories.ImageFactory()
    return {"image": str(image.id), "alt_text": "", "decorative": "", "caption": "", "credit": ""}


ALT_TEXT = "Add alt text, or tick 'decorative' if the image adds no information."


def test_an_image_without_alt_text_is_saved_as_a_draft_with_the_problem_listed(save_draft):
    body = [("heading", {"text": "Your visit", "level": "h2"}), ("image", image_block())]

    content = saved_draft_warning(save_draft(draft_form(body=body)))

    assert "Fix these before the article can be published" in content
    assert f"Block 2 (Image): {ALT_TEXT}" in content


def test_a_hero_image_needs_alt_text_to_publish_not_to_save(add_article, save_draft):
    image = wagtail_factories.ImageFactory()

    response = add_article(article_form(hero_image=str(image.id), hero_image_alt=" "))

    assert_refused(response)
    assert response.context["form"].errors == {
        "hero_image_alt": ["Describe the hero image for screen readers."]
    }

    content = saved_draft_warning(save_draft(draft_form(hero_image=str(image.id))))
    assert "Hero image: Describe the hero image for screen readers." in content


@pytest.mark.django_db
def test_an_image_in_rich_text_needs_alt_text():
    # Wagtail's chooser always asks for alt text or "decorative" (alt=""); an embed without alt
    # comes from pasted or imported HTML, so the rule is asked of such a body directly.
    image = wagtail_factories.ImageFactory()
    source = f'<p>Before.</p><embed embedtype="image" id="{image.id}" format="fullwidth"/>'
    decorative = f'<embed alt="" embedtype="image" id="{image.id}" format="fullwidth"/>'

    assert accessibility_problems([{"type": "paragraph", "value": source}]) == [
        (
            "Block 1 (Paragraph)",
            "An image in this text has no alt text: choose it again and describe it, or mark it "
            "decorative.",
        )
    ]
    assert accessibility_problems([{"type": "paragraph", "value": decorative}]) == []


def accessibility_problems(raw_body):
    page = ArticlePage(body=raw_body)
    page.compute_content_checks()
    return [(problem["where"], problem["message"]) for problem in page.accessibility_problems]


def test_the_body_must_start_with_a_section_heading(add_article, save_draft):
    body = [
        ("heading", {"text": "Details", "level": "h3"}),
        ("paragraph", paragraph("<p>Most visits take an hour.</p>")),
    ]
    message = (
        "The article starts with a subsection heading (H3): start it with a section heading (H2)."
    )

    response = add_article(article_form(body=body))

    assert_refused(response)
    assert body_error(response, 0, "level") == [message]
    assert shown(response, message)

    assert f"Block 1 (Heading): {message}" in saved_draft_warning(save_draft(draft_form(body=body)))


def test_headings_may_not_skip_a_level(db):
    problems = accessibility_problems(
        [
            {"type": "heading", "value": {"text": "Your visit", "level": "h2"}},
            {"type": "paragraph", "value": "<h4>Parking</h4><p>Park at the front.</p>"},
        ]
    )

    assert problems == [
        (
            "Block 2 (Paragraph)",
            "This H4 comes straight after an H2: use an H3, so screen reader users do not think "
            "a section is missing.",
        )
    ]


@pytest.mark.parametrize("text", ["Click here", "read more.", "Here", "this link", "Learn more"])
def test_link_text_must_say_where_it_goes(add_article, text):
    link = f'<p>For our guide to pacing, <a href="https://example.org/pacing">{text}</a>.</p>'
    body = [
        ("heading", {"text": "Pacing", "level": "h2"}),
        ("paragraph", paragraph(link)),
    ]

    response = add_article(article_form(body=body))

    assert_refused(response)
    message = (
        f"The link text '{text}' does not say where it goes: use words that make sense on "
        "their own, e.g. 'read our guide to pacing'."
    )
    assert body_error(response, 1) == [message]


def test_link_text_with_context_is_fine(add_article):
    link = '<p><a href="https://example.org/pacing">Read more about pacing</a>.</p>'
    body = [("heading", {"text": "Pacing", "level": "h2"}), ("paragraph", paragraph(link))]

    assert add_article(article_form(body=body)).status_code == 302


def test_a_call_to_action_needs_words_that_say_what_it_does(add_article):
    cta = {**call_to_action(url="https://example.org/booking"), "label": "Click here"}

    response = add_article(article_form(body=[("call_to_action", cta)]))

    assert_refused(response)
    assert body_error(response, 0, "label") == [
        "The button text 'Click here' does not say what it does: e.g. 'Book a consultation'."
    ]


def test_an_empty_accordion_item_is_saved_as_a_draft_and_listed(save_draft):
    item = accordion_item(title="", body="<p></p>")
    body = [("heading", {"text": "Questions", "level": "h2"}), ("accordion", accordion(item))]

    content = saved_draft_warning(save_draft(draft_form(body=body)))

    assert "Block 2 (Accordion), item 1: This accordion item has no title." in content
    assert "Block 2 (Accordion), item 1: This accordion item has no text." in content


def test_an_empty_heading_is_listed(db):
    problems = accessibility_problems([{"type": "heading", "value": {"text": " ", "level": "h2"}}])

    assert problems == [("Block 1 (Heading)", "This heading is empty.")]


def test_a_malformed_doi_is_kept_in_a_draft_and_refused_at_publishing(add_article, save_draft):
    references = list_items([citation(doi="doi:10.1000/xyz")])
    message = "A DOI starts with '10.' then a slash, e.g. 10.1000/xyz123."

    response = add_article(article_form(body=[("references", references)]))
    assert_refused(response)
    assert body_error(response, 0, 0, "doi") == [message]

    content = saved_draft_warning(save_draft(draft_form(body=[("references", references)])))
    assert f"Block 1 (References), citation 1: {message}" in content
    latest = ArticlePage.objects.get().get_latest_revision_as_object()
    assert latest.body[0].value[0]["doi"] == "doi:10.1000/xyz"


def test_submitting_for_review_is_refused_like_publishing(client, article_index, django_user_model):
    editor = django_user_model.objects.create_user("writer", "writer@example.com", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", article_index.id))
    data = draft_form(body=[("image", image_block())])
    data["action-submit"] = "action-submit"

    response = client.post(url, data)

    assert_refused(response)
    assert body_error(response, 0, "alt_text") == [ALT_TEXT]


@pytest.mark.parametrize(
    ("tampered", "problem"),
    [
        ({"body-count": None}, "body-count is missing"),
        ({"body-count": "many"}, "a count or index is not a number"),
        ({"body-0-type": None}, "body-0-type is missing"),
        ({"body-0-order": "first"}, "a count or index is not a number"),
        ({"body-0-value-items-count": None}, "body-0-value-items-count is missing"),
    ],
)
def test_an_edit_without_the_body_management_data_gets_400_with_a_message(
    editor, article_index, tampered, problem
):
    article = ArticlePageFactory(parent=article_index, title="Pacing", slug="pacing")
    data = article_form(
        title="Pacing", slug="pacing", body=[("accordion", accordion(accordion_item()))]
    )
    for name, value in tampered.items():
        data.pop(name) if value is None else data.__setitem__(name, value)

    response = editor.post(reverse("wagtailadmin_pages:edit", args=(article.id,)), data)

    assert response.status_code == 400
    assert "The form data for “body” is incomplete" in response.text
    assert problem in response.text
    article.refresh_from_db()
    assert len(article.body) == 0
