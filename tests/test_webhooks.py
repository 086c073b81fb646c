"""Publish events reach frontends: signed, after the commit, from the worker, retried.

Every test POSTs to a real HTTP server on 127.0.0.1 and runs the real worker command
(``db_worker --batch``) on the database queue, as production does.
"""

import hashlib
import hmac
import io
import json
import re
import signal
import socket
import threading
import uuid
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction
from wagtail_factories import ImageFactory

from cms.api import build_openapi
from home.models import ClinicSettings
from tests.factories import (
    ArticleIndexPageFactory,
    ArticlePageFactory,
    ClinicianFactory,
    ConditionFactory,
    translate,
)
from webhooks.events import events_table
from webhooks.management.commands import webhook_events_doc
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

SECRET = "test-webhook-secret"


class Receiver:
    """A frontend stand-in: records every POST and answers with the statuses it is given."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.requests.append({"headers": self.headers, "body": body, "status": status})
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "https://frontend.example/new-hook")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"frontend error")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/revalidate"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def events(self):
        return [json.loads(request["body"]) for request in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def webhooks(settings, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver listens on 127.0.0.1
    settings.WEBHOOK_URLS = [f"{receiver.url}|{SECRET}"]
    settings.WEBHOOK_RETRY_DELAYS = [0]
    settings.WEBHOOK_MAX_ATTEMPTS = 6
    settings.WEBHOOK_TIMEOUT = 2
    return receiver


@pytest.fixture
def run_worker(monkeypatch):
    """Run the webhook worker until its queue is empty, as `manage.py db_worker` would."""
    # The worker drops stale connections between tasks; here that is the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def run():
        call_command(
            "db_worker",
            "--backend=webhooks",
            "--batch",
            "--interval=0",
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
        )
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    return run


@pytest.fixture
def article(article_index):
    page = ArticlePageFactory(parent=article_index, title="Ketamine infusions")
    page.save_revision().publish()  # outside a captured commit: sends nothing
    return page


def publish(page, capture):
    with capture(execute=True):
        page.save_revision().publish()


def verify(request, secret=SECRET):
    expected = hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    received = request["headers"]["X-Webhook-Signature"].removeprefix("sha256=")
    return hmac.compare_digest(expected, received)


def test_publishing_posts_a_signed_event(
    webhooks, article, run_worker, django_capture_on_commit_callbacks
):
    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    [request] = webhooks.requests
    assert verify(request)
    assert not verify(request, secret="another-secret")
    event = json.loads(request["body"])
    assert event["event"] == "page.published"
    assert event["page"] == {
        "id": article.pk,
        "type": "articles.ArticlePage",
        "locale": "en",
        "path": "/articles/ketamine-infusions/",
    }
    assert event["affected_paths"] == ["/articles/"]
    assert request["headers"]["X-Webhook-Id"] == event["delivery_id"]
    assert request["headers"]["X-Webhook-Event"] == "page.published"
    assert datetime.fromisoformat(event["timestamp"]).tzinfo is not None


def test_each_delivery_has_its_own_id(
    webhooks, article, run_worker, django_capture_on_commit_callbacks
):
    publish(article, django_capture_on_commit_callbacks)
    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    ids = {event["delivery_id"] for event in webhooks.events()}
    assert len(ids) == 2


def test_pages_linking_to_a_published_page_are_affected(
    webhooks, article, article_index, run_worker, django_capture_on_commit_callbacks
):
    linking = ArticlePageFactory(
        parent=article_index,
        title="Living with CRPS",
        body=[("paragraph", f'<p>See <a linktype="page" id="{article.pk}">this</a>.</p>')],
    )
    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    [event] = webhooks.events()
    assert event["affected_paths"] == ["/articles/", linking.get_url_parts()[2]]


def test_failing_endpoint_gets_the_event_once_after_retries(
    webhooks, article, run_worker, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RETRY_DELAYS = [0, 0, 0]
    webhooks.statuses = [500, 500, 200]
    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    assert [request["status"] for request in webhooks.requests] == [500, 500, 200]
    assert len({request["headers"]["X-Webhook-Id"] for request in webhooks.requests}) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 3
    attempts = WebhookAttempt.objects.filter(delivery=delivery).order_by("number")
    assert [attempt.status_code for attempt in attempts] == [500, 500, 200]
    assert attempts[0].error == "HTTP 500 Internal Server Error"  # the status, never the body
    assert attempts[2].error == ""


def test_retries_wait_for_the_backoff_delay(
    webhooks, article, run_worker, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RETRY_DELAYS = [600]
    webhooks.statuses = [503]
    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    assert len(webhooks.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.RETRYING
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=500)


def test_endpoint_that_is_down_neither_blocks_nor_breaks_publishing(
    settings, article, run_worker, django_capture_on_commit_callbacks
):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_URLS = [f"http://127.0.0.1:{port}/hook|{SECRET}"]
    settings.WEBHOOK_RETRY_DELAYS = [0]
    settings.WEBHOOK_MAX_ATTEMPTS = 5

    publish(article, django_capture_on_commit_callbacks)

    article.refresh_from_db()
    assert article.live
    delivery = WebhookDelivery.objects.get()
    # Publishing only queued the delivery; nothing was sent while the editor waited.
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert not WebhookAttempt.objects.exists()

    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 5
    attempts = WebhookAttempt.objects.filter(delivery=delivery)
    assert {attempt.status_code for attempt in attempts} == {None}
    assert all("refused" in attempt.error.lower() for attempt in attempts)


def test_an_error_building_an_event_does_not_fail_the_publish(
    webhooks, article, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("webhooks.events.page_event", broken)
    publish(article, django_capture_on_commit_callbacks)

    article.refresh_from_db()
    assert article.live
    assert not article.has_unpublished_changes
    assert not WebhookDelivery.objects.exists()


def test_rolled_back_changes_send_nothing(webhooks, article, run_worker):
    # Without a commit, the on-commit callbacks never run.
    article.save_revision().publish()
    run_worker()

    assert webhooks.requests == []
    assert not WebhookDelivery.objects.exists()


def test_unpublishing_posts_an_event(
    webhooks, article, run_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    run_worker()

    [event] = webhooks.events()
    assert event["event"] == "page.unpublished"
    assert event["page"]["path"] == "/articles/ketamine-infusions/"


def test_deleting_a_live_page_posts_one_deleted_event(
    webhooks, article, run_worker, django_capture_on_commit_callbacks
):
    page_id = article.pk
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    run_worker()

    [event] = webhooks.events()
    assert event["event"] == "page.deleted"
    assert event["page"]["id"] == page_id
    assert event["page"]["path"] == "/articles/ketamine-infusions/"
    assert event["affected_paths"] == ["/articles/"]


def test_moving_a_page_posts_old_and_new_paths(
    webhooks, home, article, run_worker, django_capture_on_commit_callbacks
):
    guides = ArticleIndexPageFactory(parent=home, title="Guides", slug="guides")
    with django_capture_on_commit_callbacks(execute=True):
        article.move(guides, pos="last-child")
    run_worker()

    [event] = webhooks.events()
    assert event["event"] == "page.moved"
    assert event["page"]["path"] == "/guides/ketamine-infusions/"
    assert event["page"]["old_path"] == "/articles/ketamine-infusions/"
    assert event["affected_paths"] == ["/articles/", "/guides/"]


def test_moving_a_section_lists_its_pages_old_and_new_paths(
    webhooks, home, article_index, article, run_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article_index.slug = "library"
        article_index.save_revision().publish()
    run_worker()

    moved = next(event for event in webhooks.events() if event["event"] == "page.moved")
    assert moved["page"]["path"] == "/library/"
    assert moved["page"]["old_path"] == "/articles/"
    assert "/articles/ketamine-infusions/" in moved["affected_paths"]
    assert "/library/ketamine-infusions/" in moved["affected_paths"]


def test_scheduled_publishing_posts_the_same_event(
    webhooks, article_index, run_worker, django_capture_on_commit_callbacks
):
    page = ArticlePageFactory(parent=article_index, title="Nerve blocks", live=False)
    page.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", verbosity=0)
    run_worker()

    [event] = webhooks.events()
    assert event["event"] == "page.published"
    assert event["page"]["path"] == "/articles/nerve-blocks/"


def test_changing_a_snippet_lists_the_live_pages_that_show_it(
    webhooks, article_index, run_worker, django_capture_on_commit_callbacks
):
    author = ClinicianFactory()
    condition = ConditionFactory(name="Fibromyalgia")
    shown = ArticlePageFactory(parent=article_index, title="Pacing", author=author)
    shown.conditions.add(condition)
    shown.save()
    ArticlePageFactory(parent=article_index, title="Draft", author=author, live=False)

    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Dr Renamed"
        author.save()
        condition.description = "Widespread pain."
        condition.save()
    run_worker()

    events = {event["object"]["type"]: event for event in webhooks.events()}
    assert events["articles.Clinician"]["event"] == "snippet.changed"
    assert events["articles.Clinician"]["object"]["id"] == author.pk
    assert events["articles.Clinician"]["affected_paths"] == ["/articles/pacing/"]
    assert events["articles.Condition"]["affected_paths"] == ["/articles/pacing/"]


def test_a_medical_snippets_draft_sends_nothing_and_its_publishing_one_event(
    webhooks, article_index, run_worker, django_capture_on_commit_callbacks
):
    condition = ConditionFactory(name="Fibromyalgia", description="Widespread pain.")
    shown = ArticlePageFactory(parent=article_index, title="Pacing")
    shown.conditions.add(condition)
    shown.save_revision().publish()

    with django_capture_on_commit_callbacks(execute=True):
        condition.description = "Widespread pain and fatigue."
        revision = condition.save_revision()  # a draft, as the admin's Save draft makes it
    run_worker()
    assert webhooks.requests == []

    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()  # what approval in medical review does
    run_worker()
    assert [(e["event"], e["object"]["type"]) for e in webhooks.events()] == [
        ("snippet.changed", "articles.Condition")
    ]
    assert webhooks.events()[0]["affected_paths"] == ["/articles/pacing/"]


def test_a_snippet_no_live_page_shows_sends_nothing(
    db, webhooks, run_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ClinicianFactory()
    run_worker()

    assert webhooks.requests == []


def test_changing_an_image_lists_the_pages_that_show_it(
    webhooks, article_index, run_worker, django_capture_on_commit_callbacks
):
    hero, photo = ImageFactory(), ImageFactory()
    ArticlePageFactory(
        parent=article_index, title="Hero", hero_image=hero, hero_image_alt="A clinic"
    )
    # Shown through the author's photo: two references away.
    ArticlePageFactory(parent=article_index, title="Byline", author=ClinicianFactory(photo=photo))

    with django_capture_on_commit_callbacks(execute=True):
        hero.title = "Clinic entrance"
        hero.save()
        photo.title = "Portrait"
        photo.save()
    run_worker()

    events = {event["object"]["id"]: event for event in webhooks.events()}
    assert events[hero.pk]["event"] == "image.changed"
    assert events[hero.pk]["affected_paths"] == ["/articles/hero/"]
    assert events[photo.pk]["affected_paths"] == ["/articles/byline/"]


def test_endpoint_added_in_the_admin_gets_deliveries(
    admin_client, receiver, article, run_worker, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver listens on 127.0.0.1
    home = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("webhookendpoint:index") in home  # in the Settings menu
    form = admin_client.get(reverse("webhookendpoint:add"))
    assert form.status_code == 200
    assert 'name="secret"' in form.content.decode()

    response = admin_client.post(
        reverse("webhookendpoint:add"),
        {"url": receiver.url, "secret": "from-the-admin", "active": "on", "description": "Next"},
    )
    assert response.status_code == 302
    WebhookEndpoint.objects.create(url=receiver.url + "?off", secret="x", active=False)

    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    [request] = receiver.requests
    assert verify(request, secret="from-the-admin")
    assert json.loads(request["body"])["event"] == "page.published"


def test_new_admin_endpoints_get_a_generated_secret(db):
    first = WebhookEndpoint.objects.create(url="https://a.example/hook")
    second = WebhookEndpoint.objects.create(url="https://b.example/hook")
    assert len(first.secret) >= 32
    assert first.secret != second.secret


def test_admin_shows_the_delivery_log(
    admin_client, webhooks, article, run_worker, django_capture_on_commit_callbacks
):
    webhooks.statuses = [502]
    publish(article, django_capture_on_commit_callbacks)
    run_worker()
    delivery = WebhookDelivery.objects.get()

    listing = admin_client.get(reverse("webhookdelivery:index"), {"status": "succeeded"})
    assert listing.status_code == 200
    assert "page.published" in listing.content.decode()

    detail = admin_client.get(reverse("webhookdelivery:inspect", args=[delivery.pk]))
    assert detail.status_code == 200
    content = detail.content.decode()
    assert "502" in content
    assert "200" in content
    assert str(delivery.delivery_id) in content


def test_the_delivery_log_cannot_be_edited(admin_client):
    delivery = WebhookDelivery.objects.create(
        delivery_id=uuid.uuid4(),
        url="https://frontend.test/hook",
        event="page.published",
        payload={},
    )
    response = admin_client.post(
        reverse("webhookdelivery:delete", args=[delivery.pk]), follow=False
    )
    assert response.status_code in (302, 403)
    assert WebhookDelivery.objects.filter(pk=delivery.pk).exists()
    edit = admin_client.get(reverse("webhookdelivery:edit", args=[delivery.pk]))
    assert edit.status_code in (302, 403)
    assert (
        reverse("webhookdelivery:add")
        not in admin_client.get(reverse("webhookdelivery:index")).content.decode()
    )


def test_old_finished_deliveries_can_be_pruned(db):
    def delivery(status, days_old):
        created = WebhookDelivery.objects.create(
            delivery_id=uuid.uuid4(),
            url="https://frontend.test/hook",
            event="page.published",
            payload={},
            status=status,
        )
        created_at = timezone.now() - timedelta(days=days_old)
        WebhookDelivery.objects.filter(pk=created.pk).update(created_at=created_at)
        return created

    old = delivery(WebhookDelivery.Status.SUCCEEDED, days_old=40)
    recent = delivery(WebhookDelivery.Status.FAILED, days_old=2)
    retrying = delivery(WebhookDelivery.Status.RETRYING, days_old=40)

    call_command("prune_webhook_deliveries", "--days=30", stdout=io.StringIO())

    remaining = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, retrying.pk}
    assert old.pk not in remaining


def test_site_settings_redirects_and_privacy_are_told_to_the_frontend(
    webhooks, article_index, site, run_worker, django_capture_on_commit_callbacks
):
    page = ArticlePageFactory(parent=article_index, title="Pacing", slug="pacing")
    with django_capture_on_commit_callbacks(execute=True):
        clinic = ClinicSettings.for_site(site)
        clinic.phone = "555 0100"
        clinic.save()
        Redirect.objects.create(old_path="/old-pacing", redirect_page=page)
        PageViewRestriction.objects.create(page=page, restriction_type="login")
    run_worker()

    events = {event["event"]: event for event in webhooks.events()}
    settings_event = events["settings.changed"]
    assert settings_event["all_paths"] is True
    assert settings_event["tags"] == ["settings"]
    redirect_event = events["redirect.changed"]
    assert redirect_event["object"]["old_path"] == "/old-pacing"
    assert redirect_event["affected_paths"] == ["/old-pacing"]
    privacy = events["page.privacy_changed"]
    assert privacy["page"]["path"] == "/articles/pacing/"
    assert f"page-{page.pk}" in privacy["tags"]
    assert privacy["all_paths"] is False


def test_loading_the_demo_content_sends_no_webhooks(webhooks, db, run_worker, tmp_path):
    call_command("load_demo_content", stdout=io.StringIO())
    run_worker()

    assert webhooks.requests == []


# Targets: public http(s) servers only


def resolving_to(*answers):
    """A ``socket.getaddrinfo`` answering each lookup with the next of ``answers`` (the last
    one repeats)."""
    answers = list(answers)

    def getaddrinfo(host, port, *args, **kwargs):
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return getaddrinfo


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://127.0.0.1:8000/hook", "127.0.0.1 is a loopback address"),
        ("http://localhost:3000/api/revalidate", "localhost is 127.0.0.1, a loopback address"),
        ("https://10.1.2.3/hook", "10.1.2.3 is a private network address"),
        ("http://[::1]/hook", "::1 is a loopback address"),
        ("http://0.0.0.0/hook", "0.0.0.0 is an unspecified address"),
        ("ftp://frontend.example/hook", "Only http:// and https:// addresses"),
    ],
)
def test_the_admin_refuses_endpoints_that_are_not_public_http(admin_client, url, message):
    response = admin_client.post(
        reverse("webhookendpoint:add"), {"url": url, "secret": "s", "active": "on"}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_accepts_a_public_endpoint(admin_client, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to("93.184.215.14"))
    response = admin_client.post(
        reverse("webhookendpoint:add"),
        {"url": "https://frontend.example/api/revalidate", "secret": "s", "active": "on"},
    )

    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().url == "https://frontend.example/api/revalidate"


def test_a_refused_target_is_never_sent_to(
    settings, receiver, article, run_worker, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_URLS = [f"{receiver.url}|{SECRET}"]  # 127.0.0.1; private targets not allowed
    settings.WEBHOOK_RETRY_DELAYS = [0]

    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    [attempt] = delivery.log.all()
    assert attempt.status_code is None
    assert attempt.error == (
        "Refused, nothing sent: 127.0.0.1 is a loopback address: "
        "webhooks go to public addresses only."
    )


def test_a_host_that_resolves_elsewhere_by_the_time_of_sending_is_refused(
    settings, receiver, article, run_worker, django_capture_on_commit_callbacks, monkeypatch
):
    port = receiver.server.server_port
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to("93.184.215.14"))
    endpoint = WebhookEndpoint(url=f"http://frontend.example:{port}/hook", secret=SECRET)
    endpoint.full_clean()  # a public address when the editor saved it
    endpoint.save()
    settings.WEBHOOK_RETRY_DELAYS = [0]
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    # Public for the check before the attempt, the receiver's loopback for the connection.
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to("93.184.215.14", "127.0.0.1"))

    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    assert receiver.requests == []
    [attempt] = WebhookAttempt.objects.all()
    assert attempt.error.startswith("Refused, nothing sent: frontend.example is 127.0.0.1,")


def test_a_redirect_is_recorded_with_where_it_points_and_not_followed(
    webhooks, article, run_worker, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    webhooks.statuses = [308]

    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    assert len(webhooks.requests) == 1
    [attempt] = WebhookAttempt.objects.all()
    assert attempt.status_code == 308
    assert (
        attempt.error == "HTTP 308: redirected to https://frontend.example/new-hook: use that URL"
    )


def test_the_response_body_is_never_stored(
    webhooks, article, run_worker, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    webhooks.statuses = [502]

    publish(article, django_capture_on_commit_callbacks)
    run_worker()

    [attempt] = WebhookAttempt.objects.all()
    assert attempt.error == "HTTP 502 Bad Gateway"


def test_the_system_check_warns_of_refused_webhook_urls(settings):
    settings.WEBHOOK_URLS = [
        f"http://169.254.169.254/latest/|{SECRET}",
        f"gopher://frontend.example/|{SECRET}",
    ]
    out, err = io.StringIO(), io.StringIO()

    call_command("check", stdout=out, stderr=err)

    output = out.getvalue() + err.getvalue()
    assert output.count("webhooks.W002") == 2
    assert "http://169.254.169.254/latest/ is refused" in output
    assert "169.254.169.254 is a link-local address" in output
    assert "Only http:// and https:// addresses" in output


class Hanging:
    """An endpoint that accepts the connection and never answers in time."""

    def __init__(self, seconds):
        self.posts = 0
        hanging = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                hanging.posts += 1
                hanging.released.wait(seconds)

            def log_message(self, *args):
                pass

        self.released = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/revalidate"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def test_an_endpoint_that_hangs_does_not_hold_up_the_others(
    webhooks, article, run_worker, django_capture_on_commit_callbacks, settings
):
    hanging = Hanging(seconds=10)
    try:
        settings.WEBHOOK_URLS = [f"{hanging.url}|{SECRET}", f"{webhooks.url}|{SECRET}"]
        settings.WEBHOOK_TIMEOUT = 1
        settings.WEBHOOK_RETRY_DELAYS = [600]
        for title in ("First", "Second", "Third"):
            article.title = title
            publish(article, django_capture_on_commit_callbacks)

        run_worker()
    finally:
        hanging.close()

    assert [event["event"] for event in webhooks.events()] == ["page.published"] * 3
    others = WebhookDelivery.objects.filter(url=webhooks.url)
    assert {delivery.status for delivery in others} == {WebhookDelivery.Status.SUCCEEDED}
    # One attempt found the endpoint hanging; its other deliveries wait out the backoff.
    assert hanging.posts == 1
    held = WebhookDelivery.objects.filter(url=hanging.url)
    assert sorted(delivery.attempts for delivery in held) == [0, 0, 1]
    assert all(d.next_attempt_at > timezone.now() + timedelta(seconds=500) for d in held)
    timed_out = WebhookAttempt.objects.get(delivery__url=hanging.url)
    assert "timed out" in timed_out.error


def test_deliveries_wait_until_every_server_has_read_the_change(
    webhooks, article, django_capture_on_commit_callbacks, settings
):
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "POLL_SECONDS": 0.5}
    before = timezone.now()
    publish(article, django_capture_on_commit_callbacks)

    task = DBTaskResult.objects.get(task_path="webhooks.tasks.deliver")
    assert task.run_after >= before + timedelta(seconds=0.5)


def test_publishing_a_translation_names_its_locale_and_revalidates_its_own_paths(
    webhooks, article, run_worker, django_capture_on_commit_callbacks
):
    spanish = translate(article, {"Ketamine infusions": "Infusiones de ketamina"})
    assert spanish.get_parent().live  # the Spanish index: an alias of the live English one
    with django_capture_on_commit_callbacks(execute=True):
        spanish.get_latest_revision().publish()
    run_worker()

    [event] = [json.loads(request["body"]) for request in webhooks.requests]
    assert event["page"] == {
        "id": spanish.pk,
        "type": "articles.ArticlePage",
        "locale": "es",
        "path": "/es/articles/ketamine-infusions/",
    }
    # The Spanish index lists it; the English article now lists it among its translations.
    assert event["affected_paths"] == ["/articles/ketamine-infusions/", "/es/articles/"]
    assert f"page-{article.pk}" in event["tags"]


def test_docs_list_every_event_the_document_defines():
    """docs/webhooks.md's table and the OpenAPI webhooks come from one registry: no drift."""
    table = webhook_events_doc.documented()
    assert table == events_table()
    listed = re.findall(r"^\| `([a-z_.]+)` \|", table, flags=re.MULTILINE)
    assert sorted(listed) == sorted(build_openapi()["webhooks"])
    assert len(listed) == 10
