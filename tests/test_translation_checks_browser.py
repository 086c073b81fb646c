"""A translator in wagtail-localize's translation editor, in headless Chromium (Debian's chromium;
see tests/test_admin_browser.py), sees the Checks panel follow each saved segment, with no
draft saved."""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Revision

from articles.models import ArticlePage
from tests.browser import sign_in, submit_for_spanish_translation, translate_segment

pytestmark = pytest.mark.browser

LONG_SENTENCE = (
    "La rehabilitación multidisciplinaria comprehensiva incorpora optimización farmacológica, "
    "procedimientos intervencionistas, intervenciones psicológicas y reacondicionamiento "
    "fisioterapéutico progresivo con considerable efectividad"
)


def ease_in(locator):
    return float(re.search(r"[Rr]eading ease (-?[\d.]+)", locator.inner_text()).group(1))


def test_the_translation_editors_checks_follow_each_saved_segment(
    browser_page, admin_url, article_to_translate
):
    page = browser_page
    sign_in(page, admin_url)
    submit_for_spanish_translation(page, admin_url, article_to_translate)
    spanish = ArticlePage.objects.get(
        translation_key=article_to_translate.translation_key, locale__language_code="es"
    )
    revisions = Revision.objects.filter(object_id=str(spanish.pk)).count()

    page.get_by_role("button", name="Toggle checks").click()
    # wagtail-localize 1.14 draws its side panels twice with Wagtail 8: the one on show.
    panel = page.locator("[data-side-panel='translation-checks']:visible")
    reading = panel.locator("[data-live-reading-article]")
    expect(reading).to_have_text(re.compile(r"^Reading ease -?[\d.]+ \(target 60 or more\)$"))
    expect(panel.locator("[data-live-reading-formula]")).to_have_text(
        "Fernández-Huerta reading ease, higher is easier"
    )
    before = ease_in(reading)
    assert before >= 60
    expect(panel.locator("[data-live-reading-none]")).to_be_visible()

    # A long sentence is harder to read: in Spanish the reading ease falls below its target.
    translate_segment(page, "Why sleep matters", LONG_SENTENCE)

    expect(reading).not_to_have_text(f"Reading ease {before} (target 60 or more)")
    after = ease_in(reading)
    assert after < 60
    above = panel.locator("[data-live-reading-above] li")
    expect(above).to_have_text([re.compile(rf"^La rehabilitación .*: reading ease {after} ")])
    issues = panel.locator("[data-content-checker-row]")
    expect(issues.locator("[data-content-checker-name]")).to_have_text(
        ["Reads harder than the target"] * 2
    )
    expect(issues.locator("[data-translation-checks-where]")).to_have_text(
        ["The whole article", LONG_SENTENCE]
    )
    expect(
        page.locator(
            "[data-side-panel-toggle='translation-checks'] [data-side-panel-toggle-counter]"
        )
    ).to_have_text("2")
    # No draft was saved: the segment is only wagtail-localize's until Save draft or Publish.
    assert Revision.objects.filter(object_id=str(spanish.pk)).count() == revisions
