"""Every link the API serves goes to http(s), mailto, tel or a path: hostile targets are refused
where they are entered and served as plain text (or null) when they were stored anyway."""

import html
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail_localize.models import OverridableSegment, SegmentOverride, Translation

from articles.blocks import ArticleBodyBlock
from articles.models import ArticlePage
from headless.blocks import URLBlock
from headless.safe_urls import UNSAFE_URL_MESSAGE, is_safe_url
from home.models import ClinicSettings
from tests.factories import ArticlePageFactory, translate
from tests.test_admin_validation import (
    article_form,
    call_to_action,
    citation,
    list_items,
    paragraph,
)
from tests.test_import_articles import draft, run

FORM = "application/x-www-form-urlencoded"

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "\x01javascript:alert(1)",
    "java\x00script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "java&#x09;script:alert(1)",
    "javascript&colon;alert(1)",
    "java\u200bscript:alert(1)",
    "ｊａｖａｓｃｒｉｐｔ:alert(1)",
    "javascript：alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,alert(1)",
    "vbscript:msgbox(1)",
    "//evil.example",
    "//evil.example/login",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "ftp://files.example/x",
    "file:///etc/passwd",
]
"""Targets that must never be a link: each a known way past a naive ``startswith`` check."""

SAFE = [
    "https://example.com/a?b=1&c=2",
    "http://example.com",
    "HTTPS://EXAMPLE.COM/",
    "mailto:clinic@example.com?subject=Hello there",
    "tel:+1 555 0100",
    "#section",
    "/contact/",
    "?page=2",
    "leaflet.pdf",
]

# The plain-text forms a rich text link to each target may be stored in, straight into the
# database: as Draftail writes it (escaped), and raw.
STORED = [
    *(f'<p><a href="{html.escape(url)}">Visit</a></p>' for url in HOSTILE),
    *(f'<p><a href="{url}">Visit</a></p>' for url in HOSTILE if '"' not in url),
    '<p><A HREF="javascript:alert(1)">Visit</A></p>',
    "<p><a href='javascript:alert(1)'>Visit</a></p>",
    "<p><a href=javascript:alert(1)>Visit</a></p>",
    '<p><a linktype="external" href="javascript:alert(1)">Visit</a></p>',
    '<p><a title="t" href="javascript:alert(1)" onclick="alert(1)">Visit</a></p>',
]


def test_the_rule():
    assert [url for url in HOSTILE if is_safe_url(url)] == []
    assert [url for url in SAFE if not is_safe_url(url)] == []


def test_url_blocks_refuse_hostile_urls_with_a_message():
    block = URLBlock(required=False)
    for url in HOSTILE:
        try:
            cleaned = block.clean(url)
        except ValidationError as refused:
            # Django's URL field refuses some before the rule is asked: refused either way.
            assert set(refused.messages) & {UNSAFE_URL_MESSAGE, "Enter a valid URL."}, url
        else:
            # Django's URL field makes a protocol-relative URL absolute: an outside link.
            assert cleaned.startswith("https://evil.example"), (url, cleaned)
    assert block.clean("https://example.com/book") == "https://example.com/book"


def test_rich_text_blocks_refuse_links_to_hostile_urls():
    body = ArticleBodyBlock()
    for stored in STORED:
        value = body.to_python([{"type": "paragraph", "value": stored}])
        with pytest.raises(ValidationError) as refused:
            body.clean(value)
        refusal = str(refused.value.as_json_data())
        assert UNSAFE_URL_MESSAGE in refusal or "Null characters" in refusal, stored


@pytest.mark.django_db
def test_the_api_serves_stored_hostile_links_as_plain_text(client, site, article_index):
    # PostgreSQL cannot store a NUL character in JSON at all.
    storable = [stored for stored in STORED if "\x00" not in stored]
    body = [("paragraph", stored) for stored in storable] + [
        ("paragraph", '<p><a href="https://example.com/?a=1&amp;b=2">Safe</a></p>'),
        ("call_to_action", {"label": "Book", "page": None, "url": "javascript:alert(1)"}),
        (
            "references",
            [{"text": "A", "publisher": "", "year": None, "url": "data:text/html,x"}],
        ),
    ]
    article = ArticlePageFactory(parent=article_index, slug="stored", live=True)
    # Written past every form and validator, as a value stored before the rule was.
    article.body = body
    article.save(clean=False)
    type(article_index).objects.filter(pk=article_index.pk).update(
        intro='<p>See <a href="javascript:alert(1)">this</a>.</p>'
    )
    ClinicSettings.objects.update_or_create(
        site=site,
        defaults={
            "main_navigation": [("link", {"label": "Evil", "page": None, "url": "//evil.example"})]
        },
    )

    data = client.get(f"/api/v2/pages/{article.pk}/").json()
    paragraphs = [b["value"] for b in data["body"] if b["type"] == "paragraph"]
    assert paragraphs[:-1] == ["<p>Visit</p>"] * len(storable)
    assert paragraphs[-1] == '<p><a href="https://example.com/?a=1&amp;b=2">Safe</a></p>'
    cta = next(b["value"] for b in data["body"] if b["type"] == "call_to_action")
    assert cta["url"] is None and cta["href"] is None
    reference = next(b["value"] for b in data["body"] if b["type"] == "references")[0]
    assert reference["url"] is None and reference["link"] is None

    index = client.get(f"/api/v2/pages/{article_index.pk}/").json()
    assert index["intro"] == "<p>See this.</p>"
    # A navigation link leads nowhere once its URL is dropped, so the site leaves it out.
    assert client.get("/api/v2/site/").json()["main_navigation"] == []


@pytest.mark.django_db
def test_the_admin_refuses_hostile_links(client, django_user_model, article_index):
    client.force_login(django_user_model.objects.create_superuser("admin", password="x"))
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", article_index.pk))
    # (Django's URL field makes //evil.example an absolute https:// URL: an outside link.)
    for target in ["javascript:alert(1)", "ftp://files.example/x", "vbscript:msgbox(1)"]:
        answer = client.post(url, article_form([("call_to_action", call_to_action(url=target))]))
        assert answer.status_code == 200 and UNSAFE_URL_MESSAGE in html.unescape(answer.text)
        references = [("references", list_items([citation(url=target)]))]
        answer = client.post(url, article_form(references))
        assert answer.status_code == 200 and UNSAFE_URL_MESSAGE in html.unescape(answer.text)
    # Rich text: Wagtail's editor drops the schemes it knows to be unsafe; what it lets
    # through and the rule refuses is refused with the message.
    for target in HOSTILE:
        link = f'<p><a href="{html.escape(target)}">Visit</a></p>'
        answer = client.post(url, article_form([("paragraph", paragraph(link))]))
        if answer.status_code == 200:
            assert UNSAFE_URL_MESSAGE in html.unescape(answer.text), target
        else:
            article = ArticlePage.objects.get(slug="living-with-chronic-pain")
            served = client.get(f"/api/v2/pages/{article.pk}/").json()["body"][0]["value"]
            assert "Visit" in served and "<a" not in served, target
            article.delete()
    assert not ArticlePage.objects.filter(slug="living-with-chronic-pain").exists()


@pytest.mark.django_db
def test_a_translator_cannot_override_a_link_with_a_hostile_url(
    client, django_user_model, article_index
):
    english = ArticlePageFactory(
        parent=article_index,
        slug="linked",
        body=[("paragraph", '<p>Read <a href="https://example.com/guide">the guide</a>.</p>')],
    )
    english.save_revision().publish()
    spanish = translate(english)
    translation = Translation.objects.get(
        source__object_id=english.translation_key, target_locale=spanish.locale
    )
    segment = OverridableSegment.objects.get(source=translation.source)
    url = reverse("wagtail_localize:edit_override", args=[translation.pk, segment.pk])
    translator = django_user_model.objects.create_user("translator", password="x")
    translator.groups.add(
        *type(translator).groups.field.related_model.objects.filter(name="Editors")
    )
    client.force_login(translator)
    for target in HOSTILE:
        answer = client.put(url, urlencode({"value": target}), content_type=FORM)
        assert answer.status_code == 400, target
        assert answer.json() == {"message": UNSAFE_URL_MESSAGE}
    assert not SegmentOverride.objects.filter(context=segment.context).exists()
    answer = client.put(url, urlencode({"value": "https://example.es/guia"}), content_type=FORM)
    assert answer.status_code == 201, answer.content


@pytest.mark.django_db
def test_imported_links_to_hostile_urls_become_text(article_index, tmp_path):
    # A file with control characters is refused as binary: the others go in the text.
    hostile = [url for url in HOSTILE if "\x00" not in url and "\x01" not in url]
    links = "".join(
        f'<li><a href="{html.escape(url)}">Link {n}</a></li>' for n, url in enumerate(hostile)
    )
    (tmp_path / "links.html").write_text(
        f'<h1>Links</h1><p>Intro.</p><ul>{links}</ul><p><a href="https://example.com/">Safe</a></p>'
    )
    stdout, stderr, error = run(tmp_path, "--parent", "/articles/")
    assert error is None, stderr
    _, revision = draft("Links")
    body = revision.body
    text = "".join(block.value.source for block in body if block.block_type == "paragraph")
    for n in range(len(hostile)):
        assert f"<li>Link {n}</li>" in text
    assert '<a href="https://example.com/">Safe</a>' in text
    assert (stdout + stderr).count("dropped, its text kept") == len(hostile)
