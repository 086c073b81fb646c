"""Every link the API serves goes to http(s), mailto, tel or a path: hostile targets are refused
where they are entered and served as plain text (or null) when they were stored anyway."""

import html
import json
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail_localize.models import OverridableSegment, SegmentOverride, Translation

from articles.blocks import ArticleBodyBlock
from articles.models import ArticlePage, Clinician
from headless.blocks import URLBlock
from headless.safe_urls import UNSAFE_URL_MESSAGE, is_safe_url
from home.models import ClinicSettings
from tests.factories import ArticlePageFactory, ClinicianFactory, translate
from tests.test_admin_validation import (
    article_form,
    call_to_action,
    citation,
    list_items,
    paragraph,
)
from tests.test_import_articles import draft, run
from tests.test_snippet_review import snippet_form

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


# Rich text stored with more than links in it (written past the forms, a translation's strings
# uploaded as a PO file, an older importer): whatever element or attribute carries a URL, a
# hostile one never reaches an API answer, and the text around it stays.

RICH_TEXT_VECTORS = [
    '<p>Visit <img src="javascript:alert(1)" alt="A chart"></p>',
    '<p>Visit <img src="data:text/html;base64,PHNjcmlwdD4=" alt=""></p>',
    '<p>Visit <img src="/media/chart.png" srcset="javascript:alert(1) 1x, /m/c.png 2x"></p>',
    '<p>Visit <img src="x" onerror="alert(1)"></p>',
    '<p><a href=" JaVaScRiPt:alert(1)">Visit</a></p>',
    '<p><a href="&#106;avascript:alert(1)">Visit</a></p>',
    '<p><a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">Visit</a></p>',
    '<p><a href="vbscript:msgbox(1)">Visit</a></p>',
    '<p>Visit<svg><a xlink:href="javascript:alert(1)"><text>Go</text></a></svg></p>',
    '<p>Visit<svg><image href="javascript:alert(1)"></image></svg></p>',
    '<p>Visit<iframe src="javascript:alert(1)"></iframe></p>',
    '<p>Visit<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe></p>',
    '<p><b href="javascript:alert(1)">Visit</b></p>',
    '<p><area href="javascript:alert(1)">Visit</p>',
    '<form action="javascript:alert(1)"><p>Visit</p></form>',
    '<p><button formaction="javascript:alert(1)">Visit</button></p>',
    '<p><video poster="javascript:alert(1)"></video>Visit</p>',
    '<table background="javascript:alert(1)"><tr><td>Visit</td></tr></table>',
    '<p style="background:url(javascript:alert(1))">Visit</p>',
    '<p><i style="background-image: url(&quot;javascript:alert(1)&quot;)">Visit</i></p>',
    "<p>Visit</p><script>alert(1)</script>",
    '<p>Visit<object data="javascript:alert(1)"></object></p>',
    '<p>Visit<embed src="javascript:alert(1)"></p>',
    '<p>Visit<math><a href="javascript:alert(1)">Go</a></math></p>',
    '<p><a href="https://example.com/" onclick="alert(1)" style="color:red">Visit</a></p>',
]
"""Each vector (an element or attribute a browser fetches or runs) around the word "Visit"."""

SERVED_TAGS = {
    "p": set(),
    "br": set(),
    "b": set(),
    "i": set(),
    "ol": set(),
    "ul": set(),
    "li": set(),
    "a": {"href"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "class"},
}
"""What the API's rich text may hold: our rich text features' tags and attributes."""


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_harmless(served):
    """``served`` (rich text from an API answer) holds only our tags and attributes, each URL
    in it safe, and no trace of a script, whatever a browser would make of it."""
    parser = _Elements()
    parser.feed(served)
    for tag, attrs in parser.found:
        assert tag in SERVED_TAGS, (tag, served)
        assert set(attrs) <= SERVED_TAGS[tag], (tag, attrs, served)
        for name in ("href", "src"):
            assert is_safe_url(attrs.get(name)), (tag, attrs, served)
        for candidate in (attrs.get("srcset") or "").split(","):
            assert is_safe_url(candidate.strip().split(" ")[0]), (tag, attrs, served)
    text = html.unescape(served).lower()
    for trace in ("javascript", "vbscript", "data:", "alert", "<script", "style"):
        assert trace not in text, (trace, served)


def served_paragraphs(client, page):
    body = client.get(f"/api/v2/pages/{page.pk}/").json()["body"]
    return [block["value"] for block in body if block["type"] == "paragraph"]


@pytest.mark.django_db
def test_stored_rich_text_reaches_the_api_without_any_hostile_url(client, article_index):
    article = ArticlePageFactory(parent=article_index, slug="stored-vectors", live=True)
    article.body = [("paragraph", vector) for vector in RICH_TEXT_VECTORS]
    article.save(clean=False)  # past every form and validator

    served = served_paragraphs(client, article)
    assert len(served) == len(RICH_TEXT_VECTORS)
    for vector, value in zip(RICH_TEXT_VECTORS, served, strict=True):
        assert_harmless(value)
        assert "Visit" in value, (vector, value)
    # What is safe stays as it was: a safe image and a safe link with their attributes.
    assert '<img src="/media/chart.png">' in served[2]
    assert served[-1] == '<p><a href="https://example.com/">Visit</a></p>'


@pytest.mark.django_db
def test_a_translation_cannot_bring_hostile_markup_into_the_api(client, article_index):
    # A link's target is not in a string but in the link's override (the test below).
    vectors = [vector for vector in RICH_TEXT_VECTORS if "<a " not in vector]
    english = ArticlePageFactory(
        parent=article_index,
        slug="translated-vectors",
        body=[("paragraph", f"<p>Sentence {n}.</p>") for n in range(len(vectors))],
    )
    english.save_revision().publish()
    # A translator's strings as a PO file upload stores them: no check of their markup.
    strings = {
        f"Sentence {n}.": vector.removeprefix("<p>").removesuffix("</p>")
        for n, vector in enumerate(vectors)
    }
    spanish = translate(english, strings, publish=True)

    served = served_paragraphs(client, spanish)
    # wagtail-localize refuses a string with markup other than inline tags (the translation
    # editor shows it in error), so the sentence stays as it was: what matters is what is served.
    assert len(served) == len(vectors)
    for value in served:
        assert_harmless(value)


@pytest.mark.django_db
def test_a_translated_link_to_a_hostile_url_reaches_the_api_as_its_text(client, article_index):
    english = ArticlePageFactory(
        parent=article_index,
        slug="overridden",
        body=[("paragraph", '<p>Read <a href="https://example.com/guide">the guide</a>.</p>')],
    )
    english.save_revision().publish()
    spanish_targets = [
        " JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        '"><img src=x onerror=alert(1)>',
    ]
    spanish = translate(english, {'Read <a id="a1">the guide</a>.': 'Lea <a id="a1">la guía</a>.'})
    translation = Translation.objects.get(source__object_id=english.translation_key)
    segment = OverridableSegment.objects.get(source=translation.source)
    for target in spanish_targets:
        # The override stored past the editor's check, as one stored before the rule was.
        SegmentOverride.objects.update_or_create(
            locale=spanish.locale,
            context=segment.context,
            defaults={"data_json": json.dumps(target)},
        )
        translation.save_target()
        spanish.get_latest_revision().publish()  # as approving it would
        value = served_paragraphs(client, spanish)[0]
        # Refused when the translation is saved (its page's rich text is validated), or served
        # as the link's text: never as a link to it.
        assert_harmless(value)
        assert "la guía" in value, (target, value)


@pytest.mark.django_db
def test_imported_markup_reaches_the_api_without_any_hostile_url(client, article_index, tmp_path):
    (tmp_path / "vectors.html").write_text(
        "<h1>Vectors</h1>" + "".join(RICH_TEXT_VECTORS) + '<p><a href="/x/">Safe</a></p>'
    )
    stdout, stderr, error = run(tmp_path, "--parent", "/articles/")
    assert error is None, stderr
    page, revision = draft("Vectors")
    revision.save_revision().publish()  # as approving it would

    served = served_paragraphs(client, page)
    assert served, stdout
    for value in served:
        assert_harmless(value)
    assert "".join(served).count("Visit") >= len(RICH_TEXT_VECTORS) - 3  # svg/iframe/object text
    assert '<a href="/x/">Safe</a>' in "".join(served)


@pytest.mark.django_db
def test_a_clinicians_profile_link_is_refused_when_hostile(client, django_user_model):
    clinician = ClinicianFactory(name="Dr Ada Lovelace", profile_url="https://example.org/ada")
    client.force_login(django_user_model.objects.create_superuser("admin", password="x"))
    edit = reverse("wagtailsnippets_articles_clinician:edit", args=(clinician.pk,))
    for target in ["javascript:alert(1)", "data:text/html,x", "vbscript:msgbox(1)"]:
        answer = client.post(edit, snippet_form(clinician, profile_url=target))
        # Django's URL field refuses these before the rule is asked: refused either way.
        assert answer.status_code == 200, target
        text = html.unescape(answer.text)
        assert UNSAFE_URL_MESSAGE in text or "Enter a valid URL." in text, target
    # Django's URL field takes ftp:, the rule does not.
    answer = client.post(edit, snippet_form(clinician, profile_url="ftp://files.example/ada"))
    assert answer.status_code == 200 and UNSAFE_URL_MESSAGE in html.unescape(answer.text)
    assert clinician.revisions.count() == 0
    assert Clinician.objects.get(pk=clinician.pk).profile_url == "https://example.org/ada"


@pytest.mark.django_db
def test_a_clinicians_stored_hostile_profile_link_is_never_served(client, article_index):
    ada = ClinicianFactory(name="Dr Ada Lovelace", profile_url="https://example.org/ada")
    grace = ClinicianFactory(name="Dr Grace Hopper", profile_url="https://example.org/grace")
    article = ArticlePageFactory(parent=article_index, slug="by-ada", author=ada, reviewer=grace)
    article.save_revision().publish()
    for stored in ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,x", "//evil"]:
        # Written past the form and validators, as a value stored before the rule was.
        Clinician.objects.filter(pk=ada.pk).update(profile_url=stored)
        answer = client.get(f"/api/v2/pages/{article.pk}/")
        assert answer.status_code == 200
        data = answer.json()
        assert data["author"]["profile_url"] is None, stored
        assert data["reviewer"]["profile_url"] == "https://example.org/grace"
        page = next(o for o in data["structured_data"] if o["@type"] == "MedicalWebPage")
        assert "url" not in page["author"], stored
        assert page["reviewedBy"]["url"] == "https://example.org/grace"
        assert stored.strip().lower()[:6] not in answer.text.lower(), stored
