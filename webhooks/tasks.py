"""Sending deliveries: the worker's task, one attempt per run, retried with backoff.

A failed attempt is logged and retried later, with the delays of ``WEBHOOK_RETRY_DELAYS``,
until ``WEBHOOK_MAX_ATTEMPTS`` attempts have been made. Run by
``manage.py db_worker --backend webhooks``.
"""

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .endpoints import SIGNATURE_HEADER, env_endpoints, sign
from .models import WebhookAttempt, WebhookDelivery
from .targets import TargetRefused, check_url, checked_connection

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 500


@task(backend="webhooks")
def deliver(delivery_pk):
    """Make the next attempt of a webhook delivery."""
    attempt(delivery_pk)


def attempt(delivery_pk):
    """Make the next attempt of a delivery, and schedule another if it fails."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_pk).first()
    if delivery is None or delivery.status in (
        WebhookDelivery.Status.SUCCEEDED,
        WebhookDelivery.Status.FAILED,
    ):
        return

    number = delivery.attempts + 1
    secret = _secret_for(delivery)
    refused = _refusal(delivery.url)
    if secret and not refused and _hold(delivery):
        return
    started_at = timezone.now()
    start = time.monotonic()
    if refused:
        status_code, error = None, refused
    elif secret:
        status_code, error = _post(delivery, number, secret)
    else:
        status_code, error = None, "The endpoint is no longer configured, or has no secret."
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=started_at,
        duration_ms=round((time.monotonic() - start) * 1000),
        status_code=status_code,
        error=error[:ERROR_MAX_LENGTH],
    )

    delivery.attempts = number
    delivery.last_response_code = status_code
    delivery.next_attempt_at = None
    logger.info(
        "Webhook %s to %s, attempt %d: %s",
        delivery.event,
        delivery.url,
        number,
        status_code or error,
    )
    if not error:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
    elif number >= settings.WEBHOOK_MAX_ATTEMPTS or not secret or refused:
        delivery.status = WebhookDelivery.Status.FAILED
        logger.warning("Webhook %s to %s failed for good: %s", delivery.event, delivery.url, error)
    else:
        delivery.status = WebhookDelivery.Status.RETRYING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=_retry_delay(number))
    delivery.save(update_fields=["attempts", "last_response_code", "status", "next_attempt_at"])

    if delivery.status == WebhookDelivery.Status.RETRYING:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)


def _hold(delivery):
    """Put off a delivery to an endpoint that just failed to answer at all; whether it was.

    An endpoint that is down or hangs costs the worker up to ``WEBHOOK_TIMEOUT`` per attempt:
    after one such failure, every delivery to it waits the first backoff delay, so the others'
    deliveries are not queued behind it. The one due first then tries it again.
    """
    last = (
        WebhookAttempt.objects.filter(delivery__url=delivery.url)
        .order_by("-started_at")
        .values_list("started_at", "status_code", "error")
        .first()
    )
    if last is None or last[1] is not None or not last[2]:
        return False
    until = last[0] + timedelta(seconds=_retry_delay(1))
    if until <= timezone.now():
        return False
    delivery.next_attempt_at = until
    delivery.save(update_fields=["next_attempt_at"])
    deliver.using(run_after=until).enqueue(delivery.pk)
    logger.info(
        "Webhook %s to %s held until %s: it did not answer", delivery.event, delivery.url, until
    )
    return True


def _refusal(url):
    """Why ``url`` may not be sent to (``webhooks.targets``), or "" when it may."""
    try:
        check_url(url)
    except TargetRefused as exc:
        return f"Refused, nothing sent: {exc}"
    return ""


def _secret_for(delivery):
    if delivery.endpoint is not None:
        return delivery.endpoint.secret if delivery.endpoint.active else None
    for endpoint in env_endpoints():
        if endpoint.url == delivery.url:
            return endpoint.secret
    return None


def _retry_delay(failed_attempts):
    delays = settings.WEBHOOK_RETRY_DELAYS
    return delays[min(failed_attempts, len(delays)) - 1] if delays else 0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failed delivery: the body must not be re-sent as a GET elsewhere."""

    def redirect_request(self, *args, **kwargs):
        return None


class _CheckedHTTPConnection(http.client.HTTPConnection):
    """Connects only to an address ``webhooks.targets`` allows, checked as it connects."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = checked_connection


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = checked_connection


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


# Sent directly, never through HTTP(S)_PROXY: the address checked must be the one connected to.
_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _CheckedHTTPHandler, _CheckedHTTPSHandler, _NoRedirects
)


def _post(delivery, number, secret):
    """POST the delivery; return (response status or None, error text or "")."""
    body = json.dumps(delivery.payload).encode()
    request = urllib.request.Request(
        delivery.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "painclinic-cms-webhooks",
            "X-Webhook-Id": str(delivery.delivery_id),
            "X-Webhook-Event": delivery.event,
            "X-Webhook-Attempt": str(number),
            SIGNATURE_HEADER: sign(body, secret),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        # The status only, never the body: it could be anything the target holds.
        with exc:
            if 300 <= exc.code < 400:
                location = exc.headers.get("Location", "(no Location)")
                return exc.code, f"HTTP {exc.code}: redirected to {location}: use that URL"
            return exc.code, f"HTTP {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TargetRefused):
            return None, f"Refused, nothing sent: {exc.reason}"
        return None, str(exc.reason)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
