"""Every read, export and deletion of patients' messages leaves an entry in the audit log.

The entry names who, which form, how many submissions and which (ids) and, for an export, the
format; never an answer. The "Access to patient messages" report lists the entries.
"""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, PageLogEntry

from contact.models import ContactSubmission
from tests.factories import ContactPageFactory, FormFieldFactory

VIEW_LIST = "contact.submissions.view_list"
EXPORT = "contact.submissions.export"
DELETE = "contact.submissions.delete"
ANSWERS = {"name": "Ada Testpatient", "message": "=Burning pain in the left foot"}
SECRETS = ["Testpatient", "Burning pain"]


@pytest.fixture
def form(home):
    page = ContactPageFactory(parent=home, title="Ask the clinic")
    FormFieldFactory(page=page, label="Name", field_type="singleline", sort_order=0)
    FormFieldFactory(page=page, label="Message", field_type="multiline", sort_order=1)
    return page


@pytest.fixture
def submissions(form):
    return [ContactSubmission.objects.create(page=form, form_data=ANSWERS) for _ in range(3)]


def entries(action):
    return list(PageLogEntry.objects.filter(action=action).order_by("pk"))


def assert_no_answers(entry):
    logged = json.dumps(entry.data) + entry.label + str(entry.message)
    for secret in SECRETS:
        assert secret not in logged


def test_viewing_the_submissions_list_is_logged(admin_client, admin_user, form, submissions):
    response = admin_client.get(reverse("wagtailforms:list_submissions", args=[form.pk]))

    assert response.status_code == 200
    assert "Ada Testpatient" in response.content.decode()
    [entry] = entries(VIEW_LIST)
    assert entry.user == admin_user
    assert entry.page_id == form.pk
    assert entry.data["count"] == 3
    assert sorted(entry.data["ids"]) == sorted(s.pk for s in submissions)
    assert entry.message == "Viewed 3 submissions"
    assert_no_answers(entry)


def test_a_filtered_page_of_the_list_logs_the_submissions_it_showed(
    admin_client, form, submissions
):
    earlier = timezone.now() - timedelta(days=10)
    ContactSubmission.objects.filter(pk=submissions[0].pk).update(submit_time=earlier)
    url = reverse("wagtailforms:list_submissions_results", args=[form.pk])
    since = (timezone.now() - timedelta(days=5)).date().isoformat()

    response = admin_client.get(url, {"date_from": since})

    assert response.status_code == 200
    [entry] = entries(VIEW_LIST)
    assert entry.data == {"count": 2, "ids": sorted(s.pk for s in submissions[1:])}


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_export_is_logged_with_its_format(
    admin_client, admin_user, form, submissions, export_format
):
    url = reverse("wagtailforms:list_submissions", args=[form.pk])

    response = admin_client.get(url, {"export": export_format})

    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert entries(VIEW_LIST) == []
    [entry] = entries(EXPORT)
    assert entry.user == admin_user
    assert entry.page_id == form.pk
    assert entry.data == {
        "count": 3,
        "ids": sorted(s.pk for s in submissions),
        "format": export_format,
    }
    assert entry.message == f"Exported 3 submissions as {export_format.upper()}"
    assert_no_answers(entry)


def test_deleting_submissions_in_the_admin_is_logged(admin_client, admin_user, form, submissions):
    chosen = sorted(s.pk for s in submissions[:2])
    url = reverse("wagtailforms:delete_submissions", args=[form.pk])
    query = "&".join(f"selected-submissions={pk}" for pk in chosen)

    response = admin_client.post(f"{url}?{query}")

    assert response.status_code == 302
    assert ContactSubmission.objects.count() == 1
    [entry] = entries(DELETE)
    assert entry.user == admin_user
    assert entry.page_id == form.pk
    assert entry.data == {"count": 2, "ids": chosen}
    assert entry.message == "Deleted 2 submissions"
    assert_no_answers(entry)


def test_the_delete_confirmation_reads_nothing_and_logs_nothing(admin_client, form, submissions):
    url = reverse("wagtailforms:delete_submissions", args=[form.pk])

    response = admin_client.get(url, {"selected-submissions": submissions[0].pk})

    assert response.status_code == 200
    assert "Testpatient" not in response.content.decode()
    assert PageLogEntry.objects.filter(action__startswith="contact.").count() == 0


def test_purging_old_submissions_is_logged_per_form(form, submissions, home):
    other = ContactPageFactory(parent=home, title="Referrals")
    old = [*submissions[:2], ContactSubmission.objects.create(page=other, form_data=ANSWERS)]
    ContactSubmission.objects.filter(pk__in=[s.pk for s in old]).update(
        submit_time=timezone.now() - timedelta(days=100)
    )

    call_command("purge_form_submissions", "--older-than", "90", stdout=io.StringIO())

    by_page = {entry.page_id: entry for entry in entries(DELETE)}
    assert set(by_page) == {form.pk, other.pk}
    assert by_page[form.pk].user is None
    assert by_page[form.pk].data == {"count": 2, "ids": sorted(s.pk for s in submissions[:2])}
    assert by_page[other.pk].data == {"count": 1, "ids": [old[2].pk]}
    for entry in by_page.values():
        assert_no_answers(entry)


def test_nothing_is_logged_when_nothing_was_purged(form, submissions):
    call_command("purge_form_submissions", "--older-than", "90", stdout=io.StringIO())

    assert entries(DELETE) == []


# The report


def reader_client(client, django_user_model, page, *, may_read_submissions):
    group = Group.objects.create(name=f"Front desk {may_read_submissions}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    if may_read_submissions:
        group.permissions.add(Permission.objects.get(codename="view_contactsubmission"))
    change_page = Permission.objects.get(
        content_type__app_label="wagtailcore", codename="change_page"
    )
    GroupPagePermission.objects.create(group=group, page=page, permission=change_page)
    user = django_user_model.objects.create_user(
        f"desk-{may_read_submissions}", password="pw", first_name="Dana", last_name="Desk"
    )
    user.groups.add(group)
    client.force_login(user)
    return client


def test_the_report_lists_who_read_which_messages(client, django_user_model, form, submissions):
    reader = reader_client(client, django_user_model, form, may_read_submissions=True)
    listing = reverse("wagtailforms:list_submissions", args=[form.pk])
    reader.get(listing)
    reader.get(listing, {"export": "csv"})

    report = reader.get(reverse("contact_submission_access"))

    assert report.status_code == 200
    html = report.content.decode()
    assert "Access to patient messages" in html
    assert "Ask the clinic" in html
    assert "Dana Desk" in html
    assert "Viewed 3 submissions" in html
    assert "Exported 3 submissions as CSV" in html
    for secret in SECRETS:
        assert secret not in html


def test_the_report_exports_without_answers(admin_client, form, submissions):
    admin_client.get(reverse("wagtailforms:list_submissions", args=[form.pk]))

    export = admin_client.get(reverse("contact_submission_access"), {"export": "csv"})

    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode()
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == ["Date/Time", "User", "Form", "Form ID", "Action", "Count", "Format", "IDs"]
    [row] = rows
    assert row[1:7] == ["admin", "Ask the clinic", str(form.pk), "Viewed", "3", ""]
    assert row[7] == " ".join(str(pk) for pk in sorted(s.pk for s in submissions))
    for secret in SECRETS:
        assert secret not in text


def test_the_report_is_shown_in_the_reports_menu_only_to_readers(client, django_user_model, form):
    editor = reader_client(client, django_user_model, form, may_read_submissions=False)

    assert editor.get(reverse("contact_submission_access")).status_code == 302
    dashboard = editor.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("contact_submission_access") not in dashboard


def test_site_history_can_be_filtered_to_these_actions(admin_client, form, submissions):
    admin_client.get(reverse("wagtailforms:list_submissions", args=[form.pk]))

    history = admin_client.get(reverse("wagtailadmin_reports:site_history"), {"action": VIEW_LIST})

    assert history.status_code == 200
    assert "Viewed 3 submissions" in history.content.decode()
