"""The reading level and accessibility problems follow the draft as the editor types, before any
save: the preview Wagtail's panel renders after each pause marks them, and the Checks panel's
rules (axe, through the userbar the preview carries) report what is marked."""

import json

import pytest
import wagtail_factories
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield
from wagtail_localize.models import Translation

from articles import accessibility, body, rich_text
from articles.live_checks import MARKED_CHECK, READING_RULE, RULES, rule_name
from articles.models import ArticlePage
from tests.factories import ArticlePageFactory, translate
from tests.test_preview import paragraph, show_preview, shown_html

pytestmark = pytest.mark.django_db

EASY = "<p>Bring your pills. Wear warm clothes. Eat first.</p>"
HARD = (
    "<p>Comprehensive multidisciplinary rehabilitation programmes incorporating "
    "pharmacological optimisation, interventional procedures, psychological interventions "
    "and graded physiotherapeutic reconditioning demonstrate considerable effectiveness "
    "regarding functional restoration notwithstanding substantial heterogeneity.</p>"
)

QUERIES_OF_ONE_UPDATE = 80
"""SQL queries of one update of the Checks panel (the form posted, the preview shown), as
measured for a short article: most are Wagtail's (the page, its latest revision, the form's
choosers, the stored form state), then the preview token and the preview endpoint's reads."""


@pytest.fixture(autouse=True)
def no_preview_frontend(settings):
    """As with `make run`: no frontend previews, the CMS shows the draft itself."""
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": ""},
    }


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "e@example.com", "pw"))
    return client


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(title="Infusion chair", file__width=800, file__height=450)


@pytest.fixture
def article(article_index):
    page = ArticlePageFactory(
        parent=article_index,
        title="Your first visit",
        slug="first-visit",
        body=[body.heading("Before you come"), body.paragraph(EASY)],
    )
    page.save_revision().publish()
    return page


def sections(shown):
    """``{anchor: section element}`` of the article's preview."""
    return {s["data-reading-section"]: s for s in shown.select("section[data-reading-section]")}


def draft_body(middle):
    return [
        ("heading", {"text": "Before you come", "level": "h2"}),
        ("paragraph", paragraph(EASY)),
        ("heading", {"text": "What the treatment is", "level": "h2"}),
        ("paragraph", paragraph(middle)),
    ]


def test_a_long_sentence_marks_its_section_above_target_and_fixing_it_clears_it(editor, article):
    revisions = article.revisions.count()

    shown = shown_html(show_preview(editor, article, "Your first visit", draft_body(HARD)))

    marked = sections(shown)
    assert list(marked) == ["before-you-come", "what-the-treatment-is"]
    hard = marked["what-the-treatment-is"]
    assert hard.has_attr("data-reading-above")
    assert float(hard["data-reading-grade"]) > 8 and hard["data-reading-target"] == "8"
    assert hard["data-reading-heading"] == "What the treatment is"
    assert hard["id"] == "reading-what-the-treatment-is"
    assert hard["data-reading-summary"] == f"grade {hard['data-reading-grade']} (target 8)"
    assert hard.h2.get_text() == "What the treatment is"
    easy = marked["before-you-come"]
    assert not easy.has_attr("data-reading-above") and float(easy["data-reading-grade"]) <= 8
    article_body = shown.select_one("[data-reading-article]")
    assert article_body["data-reading-formula"] == "flesch_kincaid_grade"
    assert article_body["data-reading-formula-name"] == "Flesch-Kincaid grade"

    fixed = "<p>It helps with pain. You lie down. It takes an hour.</p>"
    shown = shown_html(show_preview(editor, article, "Your first visit", draft_body(fixed)))

    assert not shown.select("[data-reading-above]")
    assert float(sections(shown)["what-the-treatment-is"]["data-reading-grade"]) <= 8
    # Neither preview saved anything.
    assert article.revisions.count() == revisions
    assert ArticlePage.objects.get(pk=article.pk).readability["sections"][0]["heading"] == (
        "Before you come"
    )


def test_each_accessibility_problem_is_marked_on_its_block(editor, article, image):
    draft = [
        ("heading", {"text": "What to bring", "level": "h3"}),
        ("paragraph", paragraph('<p>Our leaflet: <a href="https://clinic.example/">here</a>.</p>')),
        (
            "image",
            {"image": str(image.pk), "alt_text": "", "decorative": "", "caption": "", "credit": ""},
        ),
        ("paragraph", paragraph(EASY)),
    ]
    shown = shown_html(
        show_preview(editor, article, "Your first visit", draft, hero_image=str(image.pk))
    )

    blocks = shown.select(".article-body [data-block-id]")
    assert [b.get("data-accessibility-problem") for b in blocks] == [
        "heading-order",
        "link-text",
        "image-alt-text",
        None,
    ]
    # Each wrapper carries its block's StreamField id, the editor's name for the block.
    assert all(blocks) and len({b["data-block-id"] for b in blocks}) == 4
    hero = shown.select_one("figure[data-accessibility-problem]")
    assert hero["data-accessibility-problem"] == "hero-image-alt-text"
    assert hero.img is not None


def axe_configuration(html):
    """The axe configuration Wagtail's checker reads (``#checker-axe-configuration``)."""
    found = html.select_one("#checker-axe-configuration")
    if found is None:  # the userbar keeps its items in a <template>
        template = html.select_one("#wagtail-userbar-template")
        found = BeautifulSoup(template.decode_contents(), "html.parser").select_one(
            "#checker-axe-configuration"
        )
    return json.loads(found.string)


def test_the_checks_panel_and_the_preview_know_the_same_rules_for_the_marks(editor, article):
    assert {rule_name(rule) for rule in accessibility.BODY_RULES} <= set(RULES)

    edit = editor.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    panel = axe_configuration(BeautifulSoup(edit.content, "html.parser"))
    shown = shown_html(show_preview(editor, article, "Your first visit", draft_body(HARD)))
    in_preview = axe_configuration(shown)

    assert panel["options"] == in_preview["options"]
    assert panel["spec"] == in_preview["spec"]
    run = panel["options"]["runOnly"]
    assert READING_RULE in run and set(RULES) <= set(run)
    assert "heading-order" in run  # Wagtail's own rules stay
    rules = {rule["id"]: rule for rule in panel["spec"]["rules"]}
    assert rules[READING_RULE]["selector"] == "[data-reading-above]"
    assert rules[READING_RULE]["any"] == [MARKED_CHECK]
    assert {"id": MARKED_CHECK} in panel["spec"]["checks"]
    # The preview registers the check's evaluation with the userbar, after the userbar's script.
    scripts = [script["src"] for script in shown.select("script[src]")]
    assert scripts[-1].endswith("articles/js/live_check_marks.js")
    assert "wagtailadmin/js/userbar.js" in scripts[-2]
    # Each rule finds exactly the elements the preview marked with it.
    for name in RULES:
        assert shown.select(rules[name]["selector"]) == shown.select(
            f'[data-accessibility-problem~="{name}"]'
        )
    assert len(shown.select(rules[READING_RULE]["selector"])) == 2  # the section, the article
    assert panel["messages"][READING_RULE]["error_name"] == "Reads harder than the target"
    # The Checks panel has the places the editor's script writes the grades to.
    assert b"data-live-reading-article" in edit.content
    assert b"articles/js/live_checks.js" in edit.content
    # The preview panel sends the draft 0.1 s after Wagtail notices a change (cms/settings).
    assert b'data-w-preview-auto-update-interval-value="100"' in edit.content


def test_a_spanish_article_is_marked_in_its_own_formula_and_target(editor, article):
    spanish = translate(article, {"Before you come": "Antes de venir"})
    hard = (
        "<p>La rehabilitación multidisciplinaria comprehensiva incorpora optimización "
        "farmacológica, procedimientos intervencionistas, intervenciones psicológicas y "
        "reacondicionamiento fisioterapéutico progresivo con considerable efectividad.</p>"
    )
    draft = [
        ("heading", {"text": "Antes de venir", "level": "h2"}),
        ("paragraph", paragraph(hard)),
    ]

    shown = shown_html(show_preview(editor, spanish, "Su primera visita", draft))

    assert shown.html["lang"] == "es"
    article_body = shown.select_one("[data-reading-article]")
    assert article_body["data-reading-formula"] == "fernandez_huerta"
    assert "Fernández-Huerta" in article_body["data-reading-formula-name"]
    section = sections(shown)["antes-de-venir"]
    assert section["data-reading-target"] == "60"
    assert float(section["data-reading-grade"]) < 60 and section.has_attr("data-reading-above")
    assert section["data-reading-summary"] == (
        f"reading ease {section['data-reading-grade']} (target 60 or more)"
    )


def test_a_translation_previewed_in_its_editor_carries_the_same_marks_and_checks(editor, article):
    """wagtail-localize's editor previews the translation beside its source, the translation
    through the same built-in preview."""
    spanish = translate(article, {"Before you come": "Antes de venir"})
    record = Translation.objects.get(
        source__object_id=article.translation_key, target_locale=spanish.locale
    )
    beside = editor.get(reverse("wagtail_localize:preview_translation", args=[record.pk]))
    translation_url = reverse("articles_translation_preview", args=[record.pk])
    assert f'src="{translation_url}"' in beside.content.decode()

    shown = shown_html(editor.get(translation_url))

    assert shown.html["lang"] == "es"
    assert shown.select_one("[data-reading-article]")["data-reading-formula"] == (
        "fernandez_huerta"
    )
    assert "antes-de-venir" in sections(shown)
    assert READING_RULE in axe_configuration(shown)["options"]["runOnly"]


def test_one_update_of_the_checks_panel_reads_a_bounded_number_of_queries(
    editor, article, django_assert_max_num_queries
):
    """The preview panel's POST of the form and the GET of the preview the checks run on: what
    each pause of the editor costs the server (bench/live_checks_bench.py times it)."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    data = nested_form_data(
        {
            "title": "Your first visit",
            "slug": article.slug,
            "summary": "Draft summary",
            "hero_image_alt": "",
            "body": streamfield(draft_body(HARD)),
            "comments": inline_formset([]),
        }
    )
    with django_assert_max_num_queries(QUERIES_OF_ONE_UPDATE):
        posted = editor.post(url, data)
        shown = editor.get(url, {"in_preview_panel": "true"})
    assert posted.json()["is_valid"]
    assert sections(shown_html(shown))["what-the-treatment-is"].has_attr("data-reading-above")


def test_an_update_of_the_checks_panel_parses_only_the_rich_text_the_editor_changed(
    editor, article, monkeypatch
):
    """The reading level and every accessibility rule read each rich text from one parse,
    remembered by its HTML: a pause in a long article costs the parse of the text typed in."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    unchanged = paragraph(EASY)  # Draftail keeps a block's key while the editor types

    def update(middle):
        body = draft_body(middle)
        body[1] = ("paragraph", unchanged)
        data = nested_form_data(
            {
                "title": "Your first visit",
                "slug": article.slug,
                "summary": "",
                "hero_image_alt": "",
                "body": streamfield(body),
                "comments": inline_formset([]),
            }
        )
        assert editor.post(url, data).json()["is_valid"]
        return shown_html(editor.get(url, {"in_preview_panel": "true"}))

    update(EASY)
    parsed, parse = [], rich_text.BeautifulSoup
    monkeypatch.setattr(
        rich_text,
        "BeautifulSoup",
        lambda source, *args: parsed.append(source) or parse(source, *args),
    )
    shown = update(HARD)

    assert len(parsed) == 1 and "Comprehensive multidisciplinary" in parsed[0]
    assert sections(shown)["what-the-treatment-is"].has_attr("data-reading-above")
