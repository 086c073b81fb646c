"""Queuing events for frontends: one signed delivery per endpoint, created after the commit.

Nothing here may slow down or break publishing. Deliveries are created once the editor's
transaction commits and are sent by the worker (``manage.py db_worker --backend webhooks``,
see :mod:`webhooks.tasks`).
"""

import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from headless.cache import cache_settings

from .endpoints import configured_endpoints
from .models import WebhookDelivery
from .tasks import deliver

_suspended = threading.local()


@contextmanager
def suspended():
    """Send no events for what happens inside (loading the demo content, for one)."""
    _suspended.active = True
    try:
        yield
    finally:
        _suspended.active = False


def queue(payload, *, unless_page_deleted=None):
    """Deliver ``payload`` to every endpoint once the current transaction commits.

    Rolled-back changes send nothing. ``unless_page_deleted`` drops the event if that page is
    gone by then: deleting a live page unpublishes it first, and one ``page.deleted`` says it
    all.
    """
    if payload is None or getattr(_suspended, "active", False):
        return

    def create_deliveries():
        if unless_page_deleted and not Page.objects.filter(pk=unless_page_deleted).exists():
            return
        enqueue_deliveries(payload)

    transaction.on_commit(create_deliveries, robust=True)


def enqueue_deliveries(payload):
    poll = timedelta(seconds=cache_settings.POLL_SECONDS)
    for endpoint in configured_endpoints():
        delivery_id = uuid.uuid4()
        delivery = WebhookDelivery.objects.create(
            delivery_id=delivery_id,
            endpoint=endpoint.model,
            url=endpoint.url,
            event=payload["event"],
            payload={"event": payload["event"], "delivery_id": str(delivery_id), **payload},
        )
        # Sent once every app server has read the change, so that the frontend's refetch
        # cannot get the old answer from a server yet to poll (headless/cache/versions.py).
        deliver.using(run_after=timezone.now() + poll).enqueue(delivery.pk)
