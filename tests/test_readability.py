"""How hard an article is to read: the grades a frontend and editors see, from textstat."""

import io
import socket

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from textstat import textstat
from wagtail.rich_text import RichText

from articles import body
from articles.models import ArticlePage
from home.models import ClinicSettings
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

PLAIN = (
    "You may feel a little sore after the shot. This goes away in a day or two. "
    "Rest if you need to, and call us if the pain gets worse."
)
DENSE = (
    "Intra-articular corticosteroid administration demonstrates considerable analgesic "
    "efficacy in osteoarthritic degeneration, notwithstanding potential hyperglycaemic "
    "complications in susceptible individuals. Concomitant anticoagulation necessitates "
    "individualised periprocedural management."
)


def article(blocks, **fields):
    page = ArticlePageFactory(body=blocks, **fields)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def detail(client, page):
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200
    return response.json()["readability"]


def test_plain_language_scores_below_dense_clinical_text_and_matches_textstat(
    client, article_index
):
    plain = article([body.paragraph(f"<p>{PLAIN}</p>")], parent=article_index, slug="plain")
    dense = article([body.paragraph(f"<p>{DENSE}</p>")], parent=article_index, slug="dense")

    plain_grade = detail(client, plain)["grade_level"]
    dense_grade = detail(client, dense)["grade_level"]

    assert plain_grade < 6 < 14 < dense_grade
    assert plain_grade == pytest.approx(textstat.flesch_kincaid_grade(PLAIN), abs=0.05)
    assert dense_grade == pytest.approx(textstat.flesch_kincaid_grade(DENSE), abs=0.05)
    assert plain.readability["smog_index"] == pytest.approx(textstat.smog_index(PLAIN), abs=0.05)


def test_grades_compute_with_the_network_unreachable(monkeypatch, article_index):
    def unreachable(*args, **kwargs):
        raise OSError("network is unreachable in this test")

    monkeypatch.setattr(socket.socket, "connect", unreachable)
    monkeypatch.setattr(socket, "create_connection", unreachable)
    # A word textstat has not been asked about yet, so its dictionary must really be read.
    text = "Physiotherapists recommend graded rehabilitation. Walk a little further each week."

    page = article([body.paragraph(f"<p>{text}</p>")], parent=article_index)

    assert page.readability["grade_level"] == pytest.approx(
        max(0, textstat.flesch_kincaid_grade(text)), abs=0.05
    )
    assert page.readability["smog_index"] > 0


def test_each_h2_section_has_its_grade_under_the_table_of_contents_anchor(client, article_index):
    page = article(
        [
            body.paragraph(f"<p>{PLAIN}</p>"),
            body.heading("What to expect"),
            body.paragraph(f"<p>{PLAIN}</p>"),
            body.heading("Details", level="h3"),
            body.paragraph(f"<p>{PLAIN}</p>"),
            body.heading("The evidence"),
            body.callout(f"<p>{DENSE}</p>"),
            body.heading("What to expect"),
            body.accordion([("Does it hurt?", f"<p>{PLAIN}</p>")]),
            body.references(body.citation("Incomprehensible pharmacokinetic heterogeneity.")),
            body.disclaimer("Pharmacological contraindications notwithstanding anything."),
        ],
        parent=article_index,
    )

    response = client.get(f"/api/v2/pages/{page.pk}/").json()
    readability = response["readability"]

    anchors = [entry["anchor"] for entry in response["table_of_contents"] if entry["level"] == "h2"]
    assert [section["anchor"] for section in readability["sections"]] == anchors
    assert anchors == ["what-to-expect", "the-evidence", "what-to-expect-2"]
    easy, hard, faq = (section["grade_level"] for section in readability["sections"])
    assert easy < 6 < 14 < hard
    assert faq < 6
    # Headings, paragraphs, callouts and accordions are read; references and disclaimers not.
    assert "Pharmacological" not in page.readability["hardest_words"]
    assert readability["formula"] == "flesch_kincaid_grade"
    hard_section = page.readability["sections"][1]
    assert "corticosteroid" in hard_section["hardest_words"]
    assert hard_section["longest_sentences"][0].startswith("Intra-articular corticosteroid")


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "rendered"])
def test_the_target_grade_comes_from_the_site_settings(
    client, site, article_index, settings, cached
):
    """Fresh after the settings change, from the response cache and from a render alike (each
    process keeps the settings it read while nothing changes)."""
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "ENABLED": cached}
    page = article([body.paragraph(f"<p>{PLAIN}</p>")], parent=article_index)
    assert detail(client, page)["target_grade"] == 8

    assert detail(client, page)["target_grade"] == 8
    clinic = ClinicSettings.for_site(site)
    clinic.target_reading_grade = 6
    clinic.save()

    assert detail(client, page)["target_grade"] == 6


def test_the_grade_is_stored_when_a_revision_is_saved_not_computed_on_read(
    client, article_index, monkeypatch
):
    page = article([body.paragraph(f"<p>{PLAIN}</p>")], parent=article_index)
    draft = page.get_latest_revision_as_object()
    draft.body = [body.paragraph(f"<p>{DENSE}</p>")]
    revision = draft.save_revision()

    assert revision.as_object().readability["grade_level"] > 14

    def no_computing(*args, **kwargs):
        raise AssertionError("a read computed the grade")

    monkeypatch.setattr(textstat, "flesch_kincaid_grade", no_computing)
    assert detail(client, page)["grade_level"] < 6  # the live version, as stored


def test_an_article_without_text_has_no_grade(client, article_index):
    page = article([], parent=article_index)

    assert detail(client, page) == {
        "grade_level": None,
        "target_grade": 8,
        "formula": "flesch_kincaid_grade",
        "sections": [],
    }


def editor_page(client, admin_user, page):
    client.force_login(admin_user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert response.status_code == 200
    return " ".join(BeautifulSoup(response.text, "html.parser").get_text(" ").split())


def test_the_editor_shows_the_grade_sections_above_target_and_their_hard_words(
    client, admin_user, article_index
):
    page = article([body.heading("Rest"), body.paragraph(f"<p>{PLAIN}</p>")], parent=article_index)
    draft = page.get_latest_revision_as_object()
    draft.body = [
        *draft.body.raw_data,
        body.heading("The evidence"),
        body.paragraph(f"<p>{DENSE}</p>"),
    ]
    draft.save_revision()

    text = editor_page(client, admin_user, page)

    grade = page.get_latest_revision_as_object().readability["grade_level"]
    assert f"Reading grade: {grade} (Flesch-Kincaid" in text
    assert "target 8 — above target" in text
    assert "US health bodies (NIH, CDC) ask for patient materials at grade 8 or below" in text
    assert "Sections above target The evidence: grade" in text
    assert "Longest sentence: “Intra-articular corticosteroid administration" in text
    assert "Hardest words: " in text and "corticosteroid" in text
    assert "No accessibility problems found." in text


def test_the_editor_lists_accessibility_problems_after_a_save(client, admin_user, article_index):
    page = article(
        [body.heading("Rest", level="h3"), body.paragraph(f"<p>{PLAIN}</p>")],
        parent=article_index,
    )

    text = editor_page(client, admin_user, page)

    assert "Fix these before it can be published: Block 1 (Heading): The article starts" in text


def test_articles_saved_before_measuring_are_measured_by_a_command(client, article_index):
    article = ArticlePageFactory(
        parent=article_index,
        body=[("paragraph", RichText("<p>Rest a little. Then walk a little more each day.</p>"))],
    )
    article.save_revision().publish()
    # As an article saved before the CMS measured grades.
    ArticlePage.objects.filter(pk=article.pk).update(readability={})
    url = f"/api/v2/pages/{article.pk}/"
    assert client.get(url).json()["readability"]["grade_level"] is None

    call_command("measure_articles", "--missing", stdout=io.StringIO())

    assert client.get(url).json()["readability"]["grade_level"] is not None
