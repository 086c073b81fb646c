"""wagtail-localize's translation editor shows the reading level and accessibility problems of
the translation as it stands: a Checks panel filled from the server's checks of the segments
saved so far, which change as the translator saves one, with nothing saved into the page."""

from urllib.parse import urlencode

import pytest
import wagtail_factories
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import Revision
from wagtail_localize.models import StringSegment, Translation

from articles import body
from articles.live_checks import READING_RULE, RULES
from articles.models import ArticlePage
from tests.factories import ArticlePageFactory, ClinicianFactory, translate
from tests.test_medical_review import login, member_of

pytestmark = pytest.mark.django_db

HARD = (
    "La rehabilitación multidisciplinaria comprehensiva incorpora optimización farmacológica, "
    "procedimientos intervencionistas, intervenciones psicológicas y reacondicionamiento "
    "fisioterapéutico progresivo con considerable efectividad."
)


@pytest.fixture
def english(article_index):
    article = ArticlePageFactory(
        parent=article_index,
        title="Your first visit",
        slug="first-visit",
        body=[
            body.heading("Before you come"),
            body.paragraph("<p>Bring your pills. Wear warm clothes. Eat first.</p>"),
        ],
    )
    article.save_revision().publish()
    return article


@pytest.fixture
def spanish(english):
    return translate(
        english,
        {
            "Before you come": "Antes de venir",
            "Bring your pills. Wear warm clothes. Eat first.": "Traiga sus pastillas. Coma antes.",
        },
    )


def translation_of(page):
    return Translation.objects.get(
        source__object_id=page.translation_key, target_locale=page.locale
    )


def checks_url(page):
    return reverse("articles_translation_checks", args=[translation_of(page).pk])


@pytest.fixture
def translator(client, django_user_model):
    return login(client, member_of(django_user_model, "Editors"))


def save_segment(client, page, source, translated):
    """Save one segment in wagtail-localize's editor, as its React app does (a PUT)."""
    translation = translation_of(page)
    segment = StringSegment.objects.get(source=translation.source, string__data=source)
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    answer = client.put(
        url, urlencode({"value": translated}), content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200, answer.content


def test_the_translation_editor_has_a_checks_panel_for_an_article(translator, spanish):
    answer = translator.get(reverse("wagtailadmin_pages:edit", args=[spanish.pk]))

    assert answer.status_code == 200
    html = BeautifulSoup(answer.content, "html.parser")
    assert html.select_one(".js-translation-editor[data-props]")  # wagtail-localize's editor
    toggle = html.select_one('[data-side-panel-toggle="translation-checks"]')
    assert toggle["data-w-tooltip-content-value"] == "Checks"
    panel = html.select_one('[data-side-panel="translation-checks"]')
    assert panel.select_one("[data-translation-checks]")["data-translation-checks"] == (
        checks_url(spanish)
    )
    assert panel.select_one("[data-live-reading-article]")
    assert panel.select_one("[data-live-reading-above]")
    assert panel.select_one("#w-content-checker-row-template")
    # Wagtail's status panel is still there.
    assert html.select_one('[data-side-panel="status"]')


def test_a_spanish_translation_is_checked_in_its_own_formula_and_target(translator, spanish):
    answer = translator.get(checks_url(spanish))

    assert answer.status_code == 200
    assert answer["Cache-Control"].startswith("max-age=0")
    checks = answer.json()
    assert checks["formula"] == "fernandez_huerta"
    assert "Fernández-Huerta" in checks["formula_name"]
    assert checks["target"] == 60
    assert checks["grade"] > 60 and not checks["above"]
    assert checks["summary"] == f"reading ease {checks['grade']} (target 60 or more)"
    assert [(s["anchor"], s["heading"], s["above"]) for s in checks["sections"]] == [
        ("antes-de-venir", "Antes de venir", False)
    ]
    assert checks["problems"] == []


def test_a_saved_segment_changes_the_checks_with_nothing_saved_into_the_page(translator, spanish):
    before = translator.get(checks_url(spanish)).json()
    revisions = Revision.objects.count()

    save_segment(translator, spanish, "Bring your pills. Wear warm clothes. Eat first.", HARD)

    after = translator.get(checks_url(spanish)).json()
    assert after["grade"] < 60 < before["grade"]  # reading ease: lower is harder
    assert after["above"]
    section = after["sections"][0]
    assert section["heading"] == "Antes de venir" and section["above"]
    assert section["summary"] == f"reading ease {section['grade']} (target 60 or more)"
    heading_id = spanish.body[0].id
    assert [(p["rule"], p["where"], p["block_id"]) for p in after["problems"]] == [
        (READING_RULE, "The whole article", None),
        (READING_RULE, "Antes de venir", heading_id),
    ]
    assert after["problems"][0]["title"] == "Reads harder than the target"
    # Nothing was written: no revision, the page's row as it was.
    assert Revision.objects.count() == revisions
    written = ArticlePage.objects.get(pk=spanish.pk).body[1].value.source
    assert "Traiga sus pastillas" in written and "rehabilitación" not in written


def test_accessibility_problems_of_the_translation(translator, article_index):
    image = wagtail_factories.ImageFactory(title="Chair", file__width=800, file__height=450)
    english = ArticlePageFactory(
        parent=article_index,
        title="Infusions",
        slug="infusions",
        hero_image=image,
        hero_image_alt="",
        body=[
            body.heading("What to bring", level="h3"),
            body.image(image.pk),
            body.paragraph("<p>Bring your pills.</p>"),
        ],
    )
    english.save_revision().publish()
    spanish = translate(english, {"What to bring": "Qué traer"})

    problems = translator.get(checks_url(spanish)).json()["problems"]

    assert [(p["rule"], p["where"]) for p in problems] == [
        ("image-alt-text", "Block 2 (Image)"),
        ("heading-order", "Block 1 (Heading)"),
        ("hero-image-alt-text", "Hero image"),
    ]
    assert [p["block_id"] for p in problems] == [spanish.body[1].id, spanish.body[0].id, None]
    assert [(p["title"], p["help"]) for p in problems] == [
        tuple(map(str, RULES[p["rule"]])) for p in problems
    ]


def test_only_who_may_edit_the_translation_gets_its_checks(client, django_user_model, spanish):
    stranger = django_user_model.objects.create_user("stranger", password="x")
    stranger.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(stranger)

    answer = client.get(checks_url(spanish))

    assert answer.status_code == 403
    assert answer.json() == {"message": "You may not edit this translation."}


def test_checks_of_what_is_no_article_translation_are_not_found(translator, spanish):
    clinician = translate(ClinicianFactory(name="Dr Lee"))
    not_an_article = Translation.objects.get(
        source__object_id=clinician.translation_key, target_locale=clinician.locale
    )
    missing = Translation.objects.order_by("-pk").first().pk + 1
    for translation_id in (missing, not_an_article.pk):
        answer = translator.get(reverse("articles_translation_checks", args=[translation_id]))
        assert answer.status_code == 404
        assert answer.json() == {"message": "No translation of an article has this id."}


@pytest.mark.parametrize("disable_on_delete", [False, True])
def test_checks_of_a_translation_whose_source_is_deleted_are_not_found(
    settings, translator, english, spanish, disable_on_delete
):
    # wagtail-localize deletes the source's translations, or with this setting disables them.
    settings.WAGTAILLOCALIZE_DISABLE_ON_DELETE = disable_on_delete
    url = checks_url(spanish)
    english.delete()

    answer = translator.get(url)

    assert answer.status_code == 404
    assert answer.json() == {"message": "No translation of an article has this id."}
