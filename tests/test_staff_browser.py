"""A superuser's first sign-in in headless Chromium: the second factor, the access log, idle.

The test is the person with the authenticator app: it reads the key the setup page shows and
computes the code (tests/totp.py). Uses Debian's chromium, as tests/test_admin_browser.py.
"""

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from cms.staff.sessions import LAST_ACTIVITY_SESSION_KEY
from contact.models import ContactSubmission
from tests.factories import ContactPageFactory, FormFieldFactory
from tests.totp import totp

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def admin_url(live_server, transactional_db, django_db_serialized_rollback, site, settings):
    settings.STAFF_MFA_REQUIRED = True
    return f"{live_server.url}/admin/"


def sign_in_with_password(page, admin_url):
    page.goto(admin_url)
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_in_sets_up_an_app_and_reading_messages_is_logged(
    browser_page, admin_url, django_user_model, home
):
    page = browser_page
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    form = ContactPageFactory(parent=home, title="Ask the clinic")
    FormFieldFactory(page=form, label="Message", field_type="multiline")
    ContactSubmission.objects.create(page=form, form_data={"message": "Pain in my knee"})

    sign_in_with_password(page, admin_url)

    # Straight to the setup page: no admin before the second factor.
    page.wait_for_url(re.compile(r"/admin/mfa/setup/\?next="))
    expect(page.locator(".mfa-qr-code svg")).to_be_visible()
    secret = page.locator("[data-mfa-secret]").inner_text()
    page.get_by_label("Code").fill(totp(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".mfa-recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(admin_url)

    # Reading the form's submissions is in the access report.
    page.goto(f"{admin_url}forms/submissions/{form.pk}/")
    expect(page.get_by_text("Pain in my knee")).to_be_visible()
    page.goto(f"{admin_url}reports/submission-access/")
    expect(page.get_by_text("Viewed 1 submission")).to_be_visible()
    expect(page.get_by_text("Pain in my knee")).to_have_count(0)

    # Signing in again asks for the app's code (the next one: codes are single use).
    page.context.clear_cookies()
    sign_in_with_password(page, admin_url)
    page.wait_for_url(re.compile(r"/admin/mfa/verify/\?next="))
    page.get_by_label("Code").fill(totp(secret, time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(admin_url)
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()

    # Fifteen minutes without a request (a superuser reads messages): signed out.
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session[LAST_ACTIVITY_SESSION_KEY] = time.time() - 16 * 60
    session.save()
    page.goto(f"{admin_url}pages/")
    page.wait_for_url(re.compile(r"/admin/login/\?next="))
    expect(page.get_by_text("signed out after 15 minutes without activity")).to_be_visible()
