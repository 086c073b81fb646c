"""The admin's "As published on...": a page's publication history, its export, and the page as
it was live at an instant, shown in the built-in preview."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import ArticlePageFactory
from tests.test_medical_review import edit_url
from tests.test_publication_history import (
    REPUBLISHED,
    SPANISH,
    UNPUBLISHED,
    V1,
    V2,
    Life,
    Timeline,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def life(client, django_user_model, article_index):
    return Life(client, django_user_model, article_index).whole()


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("admin", password="not-used")


def history_url(page):
    return reverse("articles_publication_history", args=[page.pk])


def as_published_url(page):
    return reverse("articles_as_published", args=[page.pk])


def local(when):
    """How the form's date-time field writes ``when``: in the admin's time zone, no offset."""
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M:%S")


def rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in soup.select("table.listing tbody tr")
    ]


def test_the_page_menu_leads_to_the_history(client, life):
    client.force_login(life.editor)
    assert history_url(life.article) in client.get(edit_url(life.article)).text
    explorer = client.get(reverse("wagtailadmin_explore", args=[life.index.pk]))
    assert history_url(life.article) in explorer.text


def test_the_history_lists_each_live_interval_with_its_review(client, life, admin):
    client.force_login(admin)
    response = client.get(history_url(life.article))
    assert response.status_code == 200
    shown = rows(response)
    assert [row[2:5] for row in shown] == [
        ["Living with nerve pain, again", "Dr Ada Reviewer", "ada"],
        ["Living with nerve pain, revised", "Dr Grace Reviewer", "grace"],
        ["Living with nerve pain", "Dr Ada Reviewer", "ada"],
    ]
    assert shown[0][1] == "Now"
    assert shown[2][0] == "Jan. 10, 2025, 9 a.m."
    assert shown[2][1] == "March 1, 2025, 9 a.m."
    soup = BeautifulSoup(response.content, "html.parser")
    links = [a["href"] for a in soup.select("table.listing tbody a") if a.get_text() == "Show"]
    assert links[-1] == as_published_url(life.article) + "?at=" + local(V1)
    assert soup.find("input", {"name": "at", "type": "datetime-local"})


@pytest.mark.parametrize(
    ("at", "title", "banner"),
    [
        (V1 + datetime.timedelta(days=3), "Living with nerve pain", "Dr Ada Reviewer on Jan. 10"),
        (V2, "Living with nerve pain, revised", "Dr Grace Reviewer on March 1"),
        (REPUBLISHED, "Living with nerve pain, again", "Dr Ada Reviewer on Sept. 1"),
    ],
)
def test_the_page_is_shown_as_it_was_live_then(client, life, admin, at, title, banner):
    client.force_login(admin)
    response = client.get(as_published_url(life.article), {"at": local(at)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    soup = BeautifulSoup(response.content, "html.parser")
    header = soup.find("header").get_text(" ", strip=True)
    assert header.startswith("As published on ")
    assert f"approved by {banner}, 2025" in header
    assert soup.main.h1.get_text(strip=True) == title


def test_a_moment_the_page_was_not_live_says_so(client, life, admin):
    client.force_login(admin)
    response = client.get(as_published_url(life.article), {"at": local(UNPUBLISHED)})
    assert response.status_code == 404
    assert f"Page {life.article.pk} was not live at" in response.text
    assert "As published on June 1, 2025" in response.text


@pytest.mark.parametrize("at", ["", "not a date", "2999-01-01T00:00"])
def test_a_bad_moment_is_sent_back_with_a_message(client, life, admin, at):
    client.force_login(admin)
    response = client.get(as_published_url(life.article), {"at": at}, follow=True)
    assert response.redirect_chain[-1][0] == history_url(life.article)
    assert "Choose a moment to show" in response.text


def test_the_spanish_translation_is_shown_in_its_own_version(client, life, admin):
    spanish = life.spanish()
    client.force_login(admin)
    response = client.get(as_published_url(spanish), {"at": local(SPANISH)})
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "es"
    assert soup.main.h1.get_text(strip=True) == "Vivir con dolor"
    assert "approved by Dr Grace Reviewer" in soup.find("header").get_text()
    assert [row[2] for row in rows(client.get(history_url(spanish)))] == ["Vivir con dolor"]


def test_only_those_who_may_edit_the_page_see_its_history(client, life, django_user_model):
    outsider = django_user_model.objects.create_user("patient", password="not-used")
    client.force_login(outsider)
    assert client.get(history_url(life.article)).status_code == 302  # to the admin's login
    assert client.get(as_published_url(life.article), {"at": local(V2)}).status_code == 302
    client.force_login(life.first_reviewer)  # reviewers edit articles under review
    assert client.get(history_url(life.article)).status_code == 200


def test_the_history_exports_as_csv_and_xlsx_safe_from_formulas(client, life, admin):
    life.first_reviewer.first_name = '=HYPERLINK("http://evil.example","Ada")'
    life.first_reviewer.save()
    client.force_login(admin)

    exported = client.get(history_url(life.article), {"export": "csv"})
    assert exported["Content-Type"] == "text/csv"
    assert f"publication-history-{life.article.pk}.csv" in exported["Content-Disposition"]
    table = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert table[0] == [
        "Live from (UTC)",
        "Live until (UTC)",
        "Revision",
        "Title",
        "Medical reviewer",
        "Approved by",
        "Approved (UTC)",
        "Last reviewed",
        "Published by",
    ]
    assert [row[3] for row in table[1:]] == [
        "Living with nerve pain, again",
        "Living with nerve pain, revised",
        "Living with nerve pain",
    ]
    assert table[1][0] == "2025-09-01 09:00:00+00:00" and table[1][1] == ""
    assert table[3][:2] == ["2025-01-10 09:00:00+00:00", "2025-03-01 09:00:00+00:00"]
    assert table[2][4:6] == ["Dr Grace Reviewer", "grace"]
    assert table[3][5] == '\'=HYPERLINK("http://evil.example","Ada")'
    assert table[3][7] == timezone.localdate().isoformat()

    exported = client.get(history_url(life.article), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    values = list(sheet.values)
    assert values[0][0] == "Live from (UTC)"
    assert values[3][0] == datetime.datetime(2025, 1, 10, 9, 0)
    assert values[3][3] == "Living with nerve pain"
    cell = sheet.cell(row=4, column=6)
    assert cell.value == '=HYPERLINK("http://evil.example","Ada")' and cell.data_type == "s"


def test_a_publish_without_review_is_named_as_such(client, article_index, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="not-used")
    timeline = Timeline()
    article = ArticlePageFactory(parent=article_index, live=False, title="Published directly")
    article.save_revision(user=superuser).publish(user=superuser)
    timeline.happened_at(V1)
    client.force_login(superuser)

    approval = client.get(
        f"/api/v2/pages/{article.pk}/as_of/", {"at": "2025-02-01T00:00:00Z"}
    ).json()["meta"]["approval"]
    assert approval["approved_by"] is None and approval["approved_at"] is None
    assert approval["reviewer"] is None and approval["published_by"] == "root"

    shown = client.get(as_published_url(article), {"at": local(V1)})
    header = BeautifulSoup(shown.content, "html.parser").find("header").get_text(" ", strip=True)
    assert (
        header
        == "As published on Jan. 10, 2025, 9 a.m., published by root without a medical review"
    )
