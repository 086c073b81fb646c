"""A reviewer sees what patients will get: every link's target beside its text in the built-in
preview, and a link to what changed since the published version."""

import pytest
from django.urls import reverse

from tests.factories import ArticlePageFactory
from tests.test_medical_review import member_of
from tests.test_preview import (  # noqa: F401 -- no_preview_frontend is a fixture
    no_preview_frontend,
    paragraph,
    show_preview,
    shown_html,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_preview_frontend")]


@pytest.fixture
def published(article_index):
    page = ArticlePageFactory(
        parent=article_index,
        title="Living with migraine",
        slug="migraine",
        body=[("paragraph", "<p>Walk a little every day.</p>")],
    )
    page.save_revision().publish()
    return page


def test_the_preview_lists_every_links_target_beside_its_text(client, django_user_model, published):
    client.force_login(member_of(django_user_model, "Medical reviewers"))
    response = show_preview(
        client,
        published,
        "Living with migraine",
        [
            (
                "paragraph",
                paragraph(
                    '<p>Read <a href="https://example.com/guide?a=1&amp;b=2">the guide</a> or '
                    '<a href="mailto:clinic@example.com">write to us</a>.</p>'
                ),
            ),
            (
                "call_to_action",
                {"label": "Book a consultation", "page": "", "url": "https://book.example/"},
            ),
        ],
    )
    review = shown_html(response).find("section", class_="review")
    rows = [[cell.get_text() for cell in row.find_all("td")] for row in review.tbody("tr")]
    assert rows == [
        ["the guide", "https://example.com/guide?a=1&b=2"],
        ["write to us", "mailto:clinic@example.com"],
        ["Book a consultation", "https://book.example/"],
    ]


def test_the_preview_links_to_the_changes_since_the_published_version(
    client, django_user_model, published
):
    client.force_login(member_of(django_user_model, "Medical reviewers"))
    published.title = "Living well with migraine"
    published.save_revision()
    response = show_preview(
        client, published, "Living well with migraine", [("paragraph", paragraph("<p>New.</p>"))]
    )
    compare = shown_html(response).find("a", string="Compare this draft with the published version")
    url = reverse("wagtailadmin_pages:revisions_compare", args=[published.pk, "live", "latest"])
    assert compare["href"] == url
    comparison = client.get(url)
    assert comparison.status_code == 200
    assert "Living well with migraine" in comparison.text


def test_a_never_published_draft_has_nothing_to_compare(client, django_user_model, article_index):
    draft = ArticlePageFactory(parent=article_index, slug="draft", live=False)
    draft.save_revision()
    client.force_login(member_of(django_user_model, "Medical reviewers"))
    response = show_preview(client, draft, "A draft", [("paragraph", paragraph("<p>Text.</p>"))])
    assert "Compare this draft" not in response.text


def test_the_review_tasks_preview_shows_the_links_and_the_comparison(
    client, django_user_model, published
):
    published.body = [
        ("paragraph", '<p>Read <a href="https://example.com/guide">the guide</a>.</p>')
    ]
    published.save_revision()
    published.get_workflow().start(published, member_of(django_user_model, "Editors"))
    client.force_login(member_of(django_user_model, "Medical reviewers"))
    task = published.current_workflow_task
    url = reverse("wagtailadmin_pages:workflow_preview", args=[published.pk, task.pk])
    review = shown_html(client.get(url)).find("section", class_="review")
    assert [cell.get_text() for cell in review.tbody.tr("td")] == [
        "the guide",
        "https://example.com/guide",
    ]
    compare = review.find("a", string="Compare this draft with the published version")
    assert client.get(compare["href"]).status_code == 200
