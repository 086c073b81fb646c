"""The clinic at a glance: the Content health report, its chart and the dashboard panel."""

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import body
from home.models import ClinicSettings
from tests.factories import ArticlePageFactory, ClinicianFactory

PLAIN = "<p>Rest if you need to. Call us if the pain gets worse.</p>"
DENSE = (
    "<p>Intra-articular corticosteroid administration demonstrates considerable analgesic "
    "efficacy in osteoarthritic degeneration, notwithstanding potential hyperglycaemic "
    "complications in susceptible individuals.</p>"
)


@pytest.fixture
def reviewer(client, django_user_model):
    user = django_user_model.objects.create_user("reviewer", password="not-used")
    user.groups.add(Group.objects.get(name="Medical reviewers"))
    client.force_login(user)
    return user


@pytest.fixture
def articles(article_index):
    today = timezone.localdate()
    clinician = ClinicianFactory(name="Dr Ada Reviewer")
    easy = ArticlePageFactory(
        parent=article_index,
        title="Easy read",
        body=[body.heading("Rest"), body.paragraph(PLAIN)],
        reviewer=clinician,
        last_reviewed=today,
    )
    hard = ArticlePageFactory(
        parent=article_index,
        title="Hard read",
        body=[
            body.heading("Rest"),
            body.paragraph(PLAIN),
            body.heading("The evidence"),
            body.paragraph(DENSE),
            body.call_to_action("Click here", url="https://example.org/"),
        ],
        last_reviewed=today - timedelta(days=400),
    )
    ArticlePageFactory(parent=article_index, title="A draft", live=False, body=[])
    return easy, hard


def rows(response):
    table = BeautifulSoup(response.text, "html.parser").find("table", class_="listing")
    if table is None:
        return []
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in table.find("tbody").find_all("tr")
    ]


def test_the_report_lists_every_live_article_with_its_health(client, reviewer, articles):
    response = client.get(reverse("articles_content_health"))

    assert response.status_code == 200
    easy, hard = rows(response)
    assert easy[0] == "Easy read"
    assert easy[1] == "English"
    easy, hard = easy[:1] + easy[2:], hard[:1] + hard[2:]  # the rest, after the language
    assert easy[1].endswith("/ target 8")
    assert easy[2:4] == ["", ""]
    assert easy[5] == "Dr Ada Reviewer, MD"
    assert hard[0] == "Hard read"
    assert "(above target)" in hard[1]
    assert hard[2].startswith("The evidence (")
    assert hard[3] == (
        "Block 5 (Call to action): The button text 'Click here' does not say what it does: e.g. "
        "'Book a consultation'."
    )
    assert hard[4].endswith("(overdue)")


def test_the_report_opens_with_a_chart_of_grade_bands_and_overdue_reviews(
    client, reviewer, articles
):
    page = BeautifulSoup(client.get(reverse("articles_content_health")).text, "html.parser")

    chart = page.find("svg", class_="content-health-chart")
    assert chart is not None and chart["role"] == "img"
    label = chart["aria-label"]
    assert "Grade 6 or below: 1" in label
    assert "Above grade 12: 1" in label
    assert "Overdue for review: 1" in label
    assert not page.find("script", src=lambda src: src and "//" in src)  # nothing from a CDN


def test_the_report_filters_and_follows_the_site_target(client, reviewer, site, articles):
    above = client.get(reverse("articles_content_health"), {"reading_level": "above"})
    assert [row[0] for row in rows(above)] == ["Hard read"]
    problems = client.get(reverse("articles_content_health"), {"accessibility": "problems"})
    assert [row[0] for row in rows(problems)] == ["Hard read"]
    current = client.get(reverse("articles_content_health"), {"review": "current"})
    assert [row[0] for row in rows(current)] == ["Easy read"]

    settings = ClinicSettings.for_site(site)
    settings.target_reading_grade = 30
    settings.save()

    assert rows(client.get(reverse("articles_content_health"), {"reading_level": "above"})) == []


def test_the_report_exports_as_csv(client, reviewer, articles):
    response = client.get(reverse("articles_content_health"), {"export": "csv"})

    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    exported = list(csv.DictReader(io.StringIO(content)))
    assert [row["Article"] for row in exported] == ["Easy read", "Hard read"]
    hard = exported[1]
    assert float(hard["Reading grade"]) > 12
    assert hard["Target grade"] == "8"
    assert hard["Accessibility problems"].startswith("Block 5 (Call to action)")


def test_the_dashboard_shows_the_three_numbers_that_matter(client, reviewer, articles):
    page = BeautifulSoup(client.get(reverse("wagtailadmin_home")).text, "html.parser")

    panel = page.find(id="content-health-section")
    assert panel is not None
    numbers = [item.get_text(" ", strip=True) for item in panel.find_all("li")]
    assert numbers == [
        "1 article above the target reading grade",
        "1 article with accessibility problems",
        "1 medical review overdue",
    ]
    assert (
        panel.find("ul").find("a")["href"]
        == reverse("articles_content_health") + "?reading_level=above"
    )


def test_the_report_is_in_the_reports_menu(client, reviewer, articles):
    response = client.get(reverse("wagtailadmin_home"))

    assert reverse("articles_content_health") in response.text
