"""The admin's "As published on..." for a reviewed snippet: from its edit view, the history of
each time it was live with who approved it and when, its CSV and XLSX export, and its fields as
patients got them at an instant."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import ClinicianFactory
from tests.test_admin_as_published import local, rows
from tests.test_snippet_publication_history import MIGRATED, V2, V3, SnippetLife
from tests.test_snippet_review import snippet_url

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["condition", "treatment", "clinician"])
def life(request, client, django_user_model):
    return SnippetLife(client, django_user_model, request.param).whole()


@pytest.fixture
def crps(client, django_user_model):
    return SnippetLife(client, django_user_model, "condition").whole()


def history_url(obj):
    return snippet_url(obj, "publication_history")


def test_the_edit_views_header_menu_leads_to_the_history(client, life):
    client.force_login(life.editor)
    soup = BeautifulSoup(client.get(snippet_url(life.obj, "edit")).content, "html.parser")
    link = soup.find("a", href=history_url(life.obj))
    assert link is not None and "As published on" in link.get_text()


def test_the_history_lists_each_live_interval_with_its_approval(client, life):
    client.force_login(life.editor)
    response = client.get(history_url(life.obj))
    assert response.status_code == 200
    shown = rows(response)
    title = str(life.obj)
    # Live from, until, title, approved by, approved, published by, Show.
    assert [row[1:] for row in shown] == [
        ["Now", title, "grace", "June 1, 2025, 9 a.m.", "grace", "Show"],
        ["June 1, 2025, 9 a.m.", title, "ada", "March 1, 2025, 9 a.m.", "ada", "Show"],
        ["March 1, 2025, 9 a.m.", title, "", "", "", "Show"],
    ]
    assert [row[0] for row in shown] == [
        "June 1, 2025, 9 a.m.",
        "March 1, 2025, 9 a.m.",
        "Jan. 10, 2025, 9 a.m.",
    ]
    soup = BeautifulSoup(response.content, "html.parser")
    links = [a["href"] for a in soup.select("table.listing tbody a") if a.get_text() == "Show"]
    assert links[-1] == snippet_url(life.obj, "as_published") + "?at=" + local(MIGRATED)
    assert soup.find("input", {"name": "at", "type": "datetime-local"})


def test_the_history_exports_as_csv_and_xlsx(client, crps):
    crps.edit("Version 4, a draft")  # not live: not in the history
    client.force_login(crps.editor)

    response = client.get(history_url(crps.obj), {"export": "csv"})
    assert response.status_code == 200
    assert "publication-history-condition-" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table[0] == [
        "Live from (UTC)",
        "Live until (UTC)",
        "Revision",
        "Title",
        "Approved by",
        "Approved (UTC)",
        "Published by",
    ]
    assert [row[4] for row in table[1:]] == ["grace", "ada", ""]
    assert table[1][0].startswith("2025-06-01 09:00:00")
    assert table[3][1].startswith("2025-03-01 09:00:00")

    response = client.get(history_url(crps.obj), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Live from (UTC)"
    assert [row[4] for row in values[1:]] == ["grace", "ada", None]


def test_a_title_a_spreadsheet_would_run_is_escaped_in_csv(client, django_user_model):
    life = SnippetLife(client, django_user_model, "condition")
    life.obj.name = '=HYPERLINK("http://evil.example")'
    life.obj.save_revision(user=life.first_reviewer)
    life.obj.get_workflow().start(life.obj, life.first_reviewer)
    life.approve(life.first_reviewer, V2)
    client.force_login(life.editor)
    exported = client.get(history_url(life.obj), {"export": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert table[1][3] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize(
    ("at", "text", "banner"),
    [
        (MIGRATED, "Version 1", "published by the system without a medical review"),
        (V2 + datetime.timedelta(days=3), "Version 2", "approved by ada on March 1, 2025"),
        (V3, "Version 3", "approved by grace on June 1, 2025"),
    ],
)
def test_the_fields_are_shown_as_they_were_live_then(client, crps, at, text, banner):
    crps.edit("Version 4, a draft")
    client.force_login(crps.editor)
    response = client.get(snippet_url(crps.obj, "as_published"), {"at": local(at)})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert banner in soup.get_text(" ", strip=True)
    fields = dict(
        zip(
            [dt.get_text(strip=True) for dt in soup.select("dl dt")],
            [dd.get_text(strip=True) for dd in soup.select("dl dd")],
            strict=True,
        )
    )
    assert fields["Name"] == "CRPS"
    assert fields["Description"] == text


def test_a_moment_it_was_not_live_says_so(client, crps):
    client.force_login(crps.editor)
    before = MIGRATED - datetime.timedelta(days=1)
    response = client.get(snippet_url(crps.obj, "as_published"), {"at": local(before)})
    assert response.status_code == 404
    assert "CRPS was not live at Jan. 9, 2025, 9 a.m." in response.text
    assert "<dl>" not in response.text


@pytest.mark.parametrize("at", ["", "not a date", "2999-01-01T00:00"])
def test_a_bad_moment_is_sent_back_with_a_message(client, crps, at):
    client.force_login(crps.editor)
    url = snippet_url(crps.obj, "as_published")
    response = client.get(url, {"at": at}, follow=True)
    assert response.redirect_chain[-1][0] == history_url(crps.obj)
    assert "Choose a moment to show" in response.text


def test_who_may_not_edit_it_is_refused(client, crps):
    # Editors only view clinicians (Publishers edit them); anonymous visitors get nothing.
    clinician = ClinicianFactory(name="Dr Grace Hopper")
    client.force_login(crps.editor)
    for url, params in [
        (history_url(clinician), {}),
        (history_url(clinician), {"export": "csv"}),
        (snippet_url(clinician, "as_published"), {"at": local(V2)}),
    ]:
        response = client.get(url, params, follow=True)
        assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
        assert "you do not have permission" in response.text
        assert "Dr Grace Hopper" not in response.text
    client.logout()
    response = client.get(history_url(crps.obj))
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]
