"""Patients contact the clinic through a form the frontend renders from the API.

Everything goes through HTTP: the page's API detail, the JSON submission endpoint, the
admin's submissions listing and CSV export.
"""

import importlib
import json
import logging
import re
import smtplib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from contact.models import ContactPage, ContactSubmission
from demo.contact import ensure_contact_page
from headless.blocks import RICH_TEXT_FEATURES
from tests.factories import ContactPageFactory, FormFieldFactory

INTRO_MIGRATION = importlib.import_module("contact.migrations.0002_contactpage_intro_rich_text")

VALID = {
    "name": "Ada Testpatient",
    "email": "ada.testpatient@example.org",
    "preferred_contact_method": "Phone",
    "message": "Burning pain in the left foot since March",
    "consent": True,
}
# What must never be readable outside the admin: in the database, dumps, logs or email.
SENSITIVE = ["Testpatient", "ada.testpatient@example.org", "Burning pain in the left foot"]


@pytest.fixture(autouse=True)
def _rate_limit_out_of_the_way(settings):
    settings.CONTACT_RATE_LIMIT = "10000/h"
    cache.clear()


@pytest.fixture
def contact_page(home):
    page = ContactPageFactory(parent=home, title="Ask the clinic", to_address="desk@example.com")
    fields = [
        ("Name", "singleline", {}),
        ("Email", "email", {}),
        ("Phone", "singleline", {"required": False, "help_text": "If you prefer a call."}),
        (
            "Preferred contact method",
            "dropdown",
            {"choices": "Email\nPhone", "default_value": "Email"},
        ),
        ("Message", "multiline", {}),
        ("Topics", "checkboxes", {"required": False, "choices": "Appointments, Treatments"}),
        ("Consent", "checkbox", {}),
    ]
    for order, (label, field_type, extra) in enumerate(fields):
        FormFieldFactory(page=page, label=label, field_type=field_type, sort_order=order, **extra)
    return page


def submit_url(page):
    return reverse("contact:submit", args=[page.pk])


def post(client, page, data, **kwargs):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(submit_url(page), body, content_type="application/json", **kwargs)


def decrypted(key, token):
    try:
        return Fernet(key).decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def raw_form_data():
    table = ContactSubmission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT form_data FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


# The API detail a frontend renders the form from


def test_api_detail_describes_the_form(client, contact_page):
    response = client.get(f"/api/v2/pages/{contact_page.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["submit_url"] == f"http://cms.test/api/v2/forms/{contact_page.pk}/submissions/"
    assert data["success_message"] == contact_page.success_message
    assert data["error_message"] == contact_page.error_message
    assert data["honeypot_field"] == "website"
    fields = {field["name"]: field for field in data["fields"]}
    assert [field["name"] for field in data["fields"]] == [
        "name",
        "email",
        "phone",
        "preferred_contact_method",
        "message",
        "topics",
        "consent",
    ]
    assert fields["name"] == {
        "name": "name",
        "label": "Name",
        "type": "singleline",
        "required": True,
        "choices": [],
        "help_text": None,
        "default": None,
        "max_length": 255,
    }
    assert fields["phone"]["required"] is False
    assert fields["phone"]["help_text"] == "If you prefer a call."
    assert fields["preferred_contact_method"]["type"] == "dropdown"
    assert fields["preferred_contact_method"]["choices"] == ["Email", "Phone"]
    assert fields["preferred_contact_method"]["default"] == "Email"
    assert fields["topics"]["choices"] == ["Appointments", "Treatments"]
    assert fields["topics"]["default"] == []
    assert fields["consent"]["type"] == "checkbox"
    assert fields["consent"]["default"] is False
    assert fields["message"]["max_length"] == 4000


def test_editor_builds_a_contact_form_in_the_admin(admin_client, home):
    url = reverse("wagtailadmin_pages:add", args=("contact", "contactpage", home.pk))
    assert admin_client.get(url).status_code == 200

    form_field = {
        "label": "Your question",
        "help_text": "",
        "required": "on",
        "field_type": "multiline",
        "choices": "",
        "default_value": "",
    }
    response = admin_client.post(
        url,
        nested_form_data(
            {
                "title": "Questions",
                "slug": "questions",
                "intro": rich_text("<p>Ask us <b>anything</b>.</p>", features=RICH_TEXT_FEATURES),
                "form_fields": inline_formset([form_field]),
                "success_message": "Got it, thanks.",
                "error_message": "Please fix the fields below.",
                "to_address": "team@example.com",
                "from_address": "",
                "subject": "",
                "comments": inline_formset([]),
                "action-publish": "action-publish",
            }
        ),
    )

    assert response.status_code == 302
    page = ContactPage.objects.get(slug="questions")
    assert page.live
    detail = admin_client.get(f"/api/v2/pages/{page.pk}/").json()
    assert [field["name"] for field in detail["fields"]] == ["your_question"]
    assert detail["success_message"] == "Got it, thanks."
    # Draftail keys each paragraph (data-block-key), as in every rich text field it edits.
    assert re.fullmatch(r'<p( data-block-key="\w+")?>Ask us <b>anything</b>\.</p>', detail["intro"])
    assert post(admin_client, page, {}).json()["message"] == "Please fix the fields below."


# The intro: rich text, like every other intro


def test_the_intro_is_frontend_ready_html(client, home, article_index):
    page = ContactPageFactory(
        parent=home,
        slug="ask",
        intro=f'<p>Read <a linktype="page" id="{article_index.pk}">our guides</a> first.</p>',
    )

    expected = '<p>Read <a href="/articles/">our guides</a> first.</p>'
    assert client.get(f"/api/v2/pages/{page.pk}/").json()["intro"] == expected
    found = client.get("/api/v2/pages/find/", {"html_path": "/ask/"}).json()
    assert found["intro"] == expected
    listed = client.get("/api/v2/pages/", {"type": "contact.ContactPage", "fields": "intro"})
    assert listed.json()["items"][0]["intro"] == expected


def test_a_link_in_the_intro_to_a_page_visitors_cannot_see_is_plain_text(client, home):
    draft = ContactPageFactory(parent=home, slug="draft", live=False)
    page = ContactPageFactory(
        parent=home, intro=f'<p>See <a linktype="page" id="{draft.pk}">the draft</a>.</p>'
    )

    assert client.get(f"/api/v2/pages/{page.pk}/").json()["intro"] == "<p>See the draft.</p>"


def test_an_empty_intro_is_null(client, home):
    page = ContactPageFactory(parent=home, intro="")

    assert client.get(f"/api/v2/pages/{page.pk}/").json()["intro"] is None


PLAIN_INTRO = "Write to us & we <answer>.\nUsually within a day.\n\nIn an emergency, call 911."
HTML_INTRO = (
    "<p>Write to us &amp; we &lt;answer&gt;.<br>Usually within a day.</p>\n\n"
    "<p>In an emergency, call 911.</p>"
)


def test_the_migration_turns_plain_text_intros_into_paragraphs(client, home):
    # As the page was before the migration: plain text, in the page and in its draft.
    page = ContactPageFactory(parent=home, intro=PLAIN_INTRO)
    page.save_revision()
    empty = ContactPageFactory(parent=home, intro="")

    INTRO_MIGRATION.plain_text_to_html(django_apps, None)

    page.refresh_from_db()
    assert page.intro == HTML_INTRO
    assert page.get_latest_revision().content["intro"] == HTML_INTRO
    assert client.get(f"/api/v2/pages/{page.pk}/").json()["intro"] == HTML_INTRO
    empty.refresh_from_db()
    assert empty.intro == ""


def test_the_migration_back_strips_the_tags(home):
    page = ContactPageFactory(parent=home, intro=HTML_INTRO)
    page.save_revision()
    lists = ContactPageFactory(
        parent=home, intro="<p>Bring:</p><ul><li>a letter</li><li>a list</li></ul>"
    )

    INTRO_MIGRATION.html_to_plain_text(django_apps, None)

    page.refresh_from_db()
    assert page.intro == PLAIN_INTRO
    assert page.get_latest_revision().content["intro"] == PLAIN_INTRO
    lists.refresh_from_db()
    assert lists.intro == "Bring:\n\na letter\na list"


# Submitting


def test_valid_submission_is_stored_and_answered_with_the_success_message(client, contact_page):
    response = post(client, contact_page, {**VALID, "topics": ["Treatments"]})

    assert response.status_code == 201
    assert response.json() == {"message": contact_page.success_message}
    submission = ContactSubmission.objects.get()
    assert submission.page_id == contact_page.pk
    assert submission.get_data()["name"] == "Ada Testpatient"
    assert submission.get_data()["topics"] == ["Treatments"]
    assert submission.get_data()["consent"] is True


def test_invalid_submission_gets_the_error_message_and_a_message_per_field(client, contact_page):
    response = post(
        client,
        contact_page,
        {
            "name": "x" * 256,
            "email": "not-an-email",
            "preferred_contact_method": "Carrier pigeon",
            "message": "y" * 4001,
            "topics": ["Appointments", "Astrology"],
        },
    )

    assert response.status_code == 400
    data = response.json()
    assert data["message"] == contact_page.error_message
    errors = data["errors"]
    assert set(errors) == {
        "name",
        "email",
        "preferred_contact_method",
        "message",
        "topics",
        "consent",
    }
    assert errors["name"] == ["Ensure this value has at most 255 characters (it has 256)."]
    assert errors["email"] == ["Enter a valid email address."]
    assert errors["preferred_contact_method"] == [
        "Select a valid choice. Carrier pigeon is not one of the available choices."
    ]
    assert errors["message"] == ["Ensure this value has at most 4000 characters (it has 4001)."]
    assert errors["topics"] == [
        "Select a valid choice. Astrology is not one of the available choices."
    ]
    assert errors["consent"] == ["This field is required."]
    assert not ContactSubmission.objects.exists()


def test_required_fields_are_named_when_missing(client, contact_page):
    response = post(client, contact_page, {})

    assert response.status_code == 400
    errors = response.json()["errors"]
    required = {"name", "email", "preferred_contact_method", "message", "consent"}
    assert set(errors) == required
    assert all(errors[name] == ["This field is required."] for name in required)


def test_answers_of_the_wrong_json_type_are_refused(client, contact_page):
    response = post(client, contact_page, {**VALID, "name": ["Ada"], "topics": "Treatments"})

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {
        "name": ["Send a single value, not a list or an object."],
        "topics": ["Send a list of the chosen options."],
    }
    assert not ContactSubmission.objects.exists()


@pytest.mark.parametrize("body", ["name=Ada", "[1, 2]", '"text"', "NaN", '{"name": ', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_gets_400(client, contact_page, body):
    response = post(client, contact_page, body)

    assert response.status_code == 400
    assert "JSON object" in response.json()["message"]


def test_a_body_that_is_too_large_gets_413(client, contact_page):
    response = post(client, contact_page, {**VALID, "padding": "z" * 17_000})

    assert response.status_code == 413
    assert "16 KB" in response.json()["message"]
    assert not ContactSubmission.objects.exists()


def test_unknown_draft_private_or_other_pages_are_not_forms(client, contact_page, home):
    draft = ContactPageFactory(parent=home, live=False)
    private = ContactPageFactory(parent=home)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    missing = Page.objects.order_by("-pk").first().pk + 100

    for page_id in [missing, draft.pk, private.pk, home.pk]:
        response = client.post(
            reverse("contact:submit", args=[page_id]),
            json.dumps(VALID),
            content_type="application/json",
        )
        assert response.status_code == 404, page_id
        assert response.json() == {"message": "There is no such form."}
    assert not ContactSubmission.objects.exists()


@pytest.mark.parametrize("page_id", [2**63, 10**28])
def test_an_id_past_the_databases_integers_is_no_form(client, contact_page, page_id):
    # It once reached the database as it came and failed there: a 500.
    response = client.post(
        reverse("contact:submit", args=[page_id]), json.dumps(VALID), "application/json"
    )

    assert response.status_code == 404
    assert response.json() == {"message": "There is no such form."}


def test_only_post_is_accepted(client, contact_page):
    response = client.get(submit_url(contact_page))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["message"] == "Send the submission with POST."


def test_the_page_url_itself_does_not_take_submissions(client, contact_page):
    response = client.post(contact_page.url, VALID)

    assert response.status_code == 405
    assert not ContactSubmission.objects.exists()


# Abuse


def test_honeypot_is_accepted_silently_and_not_stored(client, contact_page):
    response = post(client, contact_page, {**VALID, "website": "http://spam.example"})

    assert response.status_code == 201
    assert response.json() == {"message": contact_page.success_message}
    assert not ContactSubmission.objects.exists()


def test_rate_limit_per_client_address(client, contact_page, settings):
    settings.CONTACT_RATE_LIMIT = "2/h"

    assert post(client, contact_page, VALID).status_code == 201
    assert post(client, contact_page, VALID).status_code == 201
    response = post(client, contact_page, VALID)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many submissions" in response.json()["message"]
    assert ContactSubmission.objects.count() == 2
    other_client = post(client, contact_page, VALID, REMOTE_ADDR="203.0.113.9")
    assert other_client.status_code == 201


def test_submissions_are_taken_while_the_rate_limit_cache_is_down(client, contact_page):
    with mock.patch("contact.views.get_usage", side_effect=ConnectionError("cache down")):
        response = post(client, contact_page, VALID)

    assert response.status_code == 201
    assert ContactSubmission.objects.count() == 1


def test_submissions_from_other_origins_are_refused(client, contact_page):
    response = post(client, contact_page, VALID, headers={"Origin": "https://elsewhere.example"})

    assert response.status_code == 403
    assert "origin" in response.json()["message"]
    assert not ContactSubmission.objects.exists()


def test_the_frontend_origin_may_post_across_origins(client, contact_page):
    origin = {"Origin": "https://frontend.test"}
    preflight = client.options(
        submit_url(contact_page),
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight["Access-Control-Allow-Methods"]

    response = post(client, contact_page, VALID, headers=origin)

    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "https://frontend.test"
    assert ContactSubmission.objects.count() == 1


# Privacy


def test_stored_values_are_encrypted_in_the_database(client, contact_page):
    assert post(client, contact_page, VALID).status_code == 201

    [raw] = raw_form_data()
    for value in SENSITIVE:
        assert value not in raw
    assert "Testpatient" in ContactSubmission.objects.get().get_data()["name"]


def test_dumpdata_shows_no_submitted_value(client, contact_page):
    assert post(client, contact_page, VALID).status_code == 201
    out = StringIO()

    call_command("dumpdata", "contact.contactsubmission", stdout=out)

    dump = out.getvalue()
    assert f'"page": {contact_page.pk}' in dump
    for value in SENSITIVE:
        assert value not in dump


def test_a_new_key_reads_what_the_old_one_wrote(client, contact_page, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FORM_ENCRYPTION_KEYS = [old_key]
    assert post(client, contact_page, VALID).status_code == 201
    old = ContactSubmission.objects.get()

    settings.FORM_ENCRYPTION_KEYS = [new_key, old_key]
    assert ContactSubmission.objects.get(pk=old.pk).get_data()["email"] == VALID["email"]
    assert post(client, contact_page, {**VALID, "name": "Bea Second"}).status_code == 201
    new = ContactSubmission.objects.exclude(pk=old.pk).get()
    # The current (first) key wrote the new submission; the old one cannot read it.
    written = {
        key: [decrypted(key, token) for token in raw_form_data()] for key in (old_key, new_key)
    }
    assert sum(text is not None for text in written[old_key]) == 1
    assert sum("Bea Second" in (text or "") for text in written[new_key]) == 1

    settings.FORM_ENCRYPTION_KEYS = [new_key]
    assert ContactSubmission.objects.get(pk=new.pk).get_data()["name"] == "Bea Second"
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        ContactSubmission.objects.get(pk=old.pk)


def test_notification_names_the_form_and_links_to_the_admin_without_answers(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, contact_page, VALID).status_code == 201

    [email] = mail.outbox
    assert email.to == ["desk@example.com"]
    assert "Ask the clinic" in email.subject
    assert "Ask the clinic" in email.body
    admin_url = f"http://cms.test/admin/forms/submissions/{contact_page.pk}/"
    assert admin_url in email.body
    message = email.message().as_string()
    for value in SENSITIVE + ["Phone"]:
        assert value not in message


def test_nothing_submitted_is_logged(client, contact_page, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's own default stops at INFO
    connection.force_debug_cursor = True  # log every SQL statement and its parameters too
    try:
        assert post(client, contact_page, VALID).status_code == 201
        assert (
            post(client, contact_page, {**VALID, "email": "Testpatient at home"}).status_code == 400
        )
    finally:
        connection.force_debug_cursor = False

    assert any("INSERT" in record.getMessage() for record in caplog.records)
    assert any("Bad Request" in record.getMessage() for record in caplog.records)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for value in SENSITIVE:
        assert value not in logged


# The admin


@pytest.fixture
def submitted(client, contact_page):
    assert post(client, contact_page, VALID).status_code == 201
    return contact_page


def editor_client(client, django_user_model, page, *, may_read_submissions):
    group = Group.objects.create(name=f"Editors {may_read_submissions}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    if may_read_submissions:
        group.permissions.add(Permission.objects.get(codename="view_contactsubmission"))
    change_page = Permission.objects.get(
        content_type__app_label="wagtailcore", codename="change_page"
    )
    GroupPagePermission.objects.create(group=group, page=page, permission=change_page)
    user = django_user_model.objects.create_user(f"editor-{may_read_submissions}", password="pw")
    user.groups.add(group)
    client.force_login(user)
    return client


def test_admin_lists_and_exports_decrypted_submissions(admin_client, submitted):
    listing_url = reverse("wagtailforms:list_submissions", args=[submitted.pk])

    listing = admin_client.get(listing_url)
    assert listing.status_code == 200
    assert "Ada Testpatient" in listing.content.decode()
    assert "ada.testpatient@example.org" in listing.content.decode()

    export = admin_client.get(listing_url, {"export": "csv"})
    assert export.status_code == 200
    csv = b"".join(export.streaming_content).decode()
    header, row = csv.strip().splitlines()
    assert header.startswith("Submission date,Name,Email,Phone,Preferred contact method,Message")
    assert "Ada Testpatient,ada.testpatient@example.org,,Phone," in row


def test_editor_with_the_permission_reads_submissions(client, django_user_model, submitted):
    editor = editor_client(client, django_user_model, submitted, may_read_submissions=True)

    response = editor.get(reverse("wagtailforms:list_submissions", args=[submitted.pk]))

    assert response.status_code == 200
    assert "Ada Testpatient" in response.content.decode()


def test_editor_without_the_permission_cannot_read_submissions(
    client, django_user_model, submitted
):
    editor = editor_client(client, django_user_model, submitted, may_read_submissions=False)
    listing_url = reverse("wagtailforms:list_submissions", args=[submitted.pk])

    for response in [editor.get(listing_url), editor.get(listing_url, {"export": "csv"})]:
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    forms_index = editor.get(reverse("wagtailforms:index"))
    assert "Ask the clinic" not in forms_index.content.decode()


# Retention


def test_purge_deletes_old_submissions_and_says_how_many(contact_page):
    old = ContactSubmission.objects.create(page=contact_page, form_data=VALID)
    ContactSubmission.objects.filter(pk=old.pk).update(submit_time=timezone.now() - timedelta(40))
    recent = ContactSubmission.objects.create(page=contact_page, form_data=VALID)
    out = StringIO()

    call_command("purge_form_submissions", "--older-than", "30", stdout=out)

    assert out.getvalue().strip() == "Deleted 1 submission older than 30 days."
    assert list(ContactSubmission.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.parametrize("days", ["0", "-5", "ninety", "1.5"])
def test_purge_refuses_a_bad_number_of_days(db, days):
    with pytest.raises(CommandError, match="whole number of days"):
        call_command("purge_form_submissions", "--older-than", days)


# Demo content


def test_demo_contact_page_is_created_once_and_takes_submissions(client, home):
    page = ensure_contact_page(home)

    assert ensure_contact_page(home).pk == page.pk
    assert ContactPage.objects.child_of(home).count() == 1
    detail = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert [field["name"] for field in detail["fields"]] == [
        "name",
        "email",
        "phone",
        "preferred_contact_method",
        "message",
        "consent",
    ]
    assert detail["intro"].startswith("<p>") and detail["intro"].endswith("</p>")
    assert post(client, page, VALID).status_code == 201


# Nothing lost


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stored_submission_survives_a_mail_server_that_is_down(client, contact_page):
    with mock.patch("contact.models.send_mail", side_effect=smtplib.SMTPException("down")):
        response = post(client, contact_page, VALID)

    assert response.status_code == 201
    assert ContactSubmission.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_are_all_stored(live_server, contact_page, settings):
    settings.CONTACT_RATE_LIMIT = None
    url = live_server.url + submit_url(contact_page)
    body = json.dumps(VALID).encode()

    def submit(_):
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    # The live server shares one in-memory SQLite connection between its threads, so
    # SQLite takes the submissions one at a time; PostgreSQL takes them 20 at a time.
    workers = 20 if connection.vendor == "postgresql" else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = list(pool.map(submit, range(200)))

    assert statuses == [201] * 200
    assert ContactSubmission.objects.filter(page=contact_page).count() == 200


def test_pages_that_collect_health_information_say_so_in_their_meta(
    client, contact_page, article_index
):
    detail = client.get(f"/api/v2/pages/{contact_page.pk}/").json()
    article_index_detail = client.get(f"/api/v2/pages/{article_index.pk}/").json()
    listing = client.get("/api/v2/pages/").json()["items"]

    assert detail["meta"]["collects_health_information"] is True
    assert article_index_detail["meta"]["collects_health_information"] is False
    by_id = {item["id"]: item["meta"]["collects_health_information"] for item in listing}
    assert by_id[contact_page.pk] is True
    assert by_id[article_index.pk] is False
