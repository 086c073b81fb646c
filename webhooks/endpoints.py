"""Where events go: the endpoints of ``WEBHOOK_URLS`` and those editors manage, and signing."""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

from .models import WebhookEndpoint

SIGNATURE_HEADER = "X-Webhook-Signature"


@dataclass(frozen=True)
class Endpoint:
    url: str
    secret: str
    model: WebhookEndpoint | None = None


def env_endpoints():
    """The endpoints of ``WEBHOOK_URLS``: ``url`` or ``url|secret`` entries."""
    endpoints = []
    for entry in settings.WEBHOOK_URLS:
        url, _, secret = entry.partition("|")
        endpoints.append(Endpoint(url.strip(), secret.strip() or settings.WEBHOOK_SECRET))
    return endpoints


def has_endpoints():
    """Whether anyone listens; when nobody does, events are not even built."""
    return bool(settings.WEBHOOK_URLS) or WebhookEndpoint.objects.filter(active=True).exists()


def configured_endpoints():
    """Every endpoint an event goes to: ``WEBHOOK_URLS`` and the active admin-managed ones."""
    return env_endpoints() + [
        Endpoint(endpoint.url, endpoint.secret, endpoint)
        for endpoint in WebhookEndpoint.objects.filter(active=True)
    ]


def sign(body, secret):
    """The signature header value of a request body: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"
