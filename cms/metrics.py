"""What an operator scrapes: ``GET /metrics`` in Prometheus's text format.

Counted as things happen, in the process they happen in:

- ``cms_http_requests_total`` and ``cms_http_request_duration_seconds``: every request by
  endpoint (the URL pattern's name, never the raw path: the number of series stays bounded),
  method and status, timed from the first middleware to the last byte handed to the server.
- ``cms_api_cache_answers_total``: anonymous API answers by ``result``: ``hit`` (the stored
  bytes), ``miss`` (nothing stored: rendered and filed) and ``stale`` (what was stored was out
  of date after a change: rendered again, by a visitor or by the cache worker).
- ``cms_api_cache_change_to_fresh_seconds``: from a change's commit until the cache worker
  has rendered the answers it made stale again (and purged the CDN).
- ``cms_renditions_created_total``: image renditions made.
- ``cms_rendition_batch_seconds``: seconds spent making an image's renditions, by ``where``:
  ``task`` (the media worker, after an upload or change) or ``url`` (a serve URL asked before
  the task made it). Never an API read.

Read from the database at each scrape (the same on every server):

- ``cms_tasks``: the task queues (the cache worker's, the webhook worker's) by status.
- ``cms_task_oldest_ready_age_seconds``: how long the oldest task due to run has waited.
- ``cms_webhook_deliveries``: webhook deliveries by status (failed for good, retrying, ...).

With several gunicorn workers, each worker counts in files under ``PROMETHEUS_MULTIPROC_DIR``
(prometheus-client's multiprocess mode) and a scrape of any worker adds them all up. The
endpoint answers only with ``Authorization: Bearer <METRICS_TOKEN>``, or to anyone when
``METRICS_WITHOUT_TOKEN`` says a network rule keeps the public away; otherwise it is a 404.
See docs/production.md, "Metrics".
"""

import hmac
import logging
import os
import time
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from headless import cache, renditions
from webhooks.models import WebhookDelivery

from .health import HEALTH_PATHS

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"

_counted = CollectorRegistry(auto_describe=True)
"""The metrics this process counts; a scrape in multiprocess mode reads every process's files."""

REQUESTS = Counter(
    "cms_http_requests",
    "Requests by endpoint (URL pattern name), method and status.",
    ["endpoint", "method", "status"],
    registry=_counted,
)
REQUEST_SECONDS = Histogram(
    "cms_http_request_duration_seconds",
    "Seconds from the first middleware to the response, by endpoint and method.",
    ["endpoint", "method"],
    # Cached answers take about a millisecond; a first render of a page with new images, seconds.
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=_counted,
)
CACHE_ANSWERS = Counter(
    "cms_api_cache_answers",
    "Anonymous API answers by endpoint and result: hit, miss (first render) or stale "
    "(rendered again after a change).",
    ["endpoint", "result"],
    registry=_counted,
)
CHANGE_TO_FRESH = Histogram(
    "cms_api_cache_change_to_fresh_seconds",
    "Seconds from a change's commit until the answers it made stale are rendered again.",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
    registry=_counted,
)
RENDITIONS = Counter(
    "cms_renditions_created",
    "Image renditions made.",
    registry=_counted,
)
RENDITION_SECONDS = Histogram(
    "cms_rendition_batch_seconds",
    "Seconds spent making renditions, by where they were made: task (after an upload or "
    "change) or url (a serve URL asked before the task ran).",
    ["where"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=_counted,
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
"""The endpoint of a request no URL pattern matches (static files, unknown paths)."""


# Counting requests


class MetricsMiddleware:
    """Answer ``/metrics``, and count and time every other request.

    First in ``MIDDLEWARE``: a request is timed through every layer, cached answers included,
    and Prometheus, which scrapes each app server by its own address over plain HTTP, needs no
    allowed Host header and no HTTPS redirect (as ``/healthz``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == METRICS_PATH:
            return metrics_view(request)
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        endpoint = _endpoint(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(endpoint, method).observe(seconds)
        result = response.get("X-Cache")
        if result == "miss" and getattr(request, cache.STALE, False):
            result = "stale"
        if result in ("hit", "miss", "stale"):
            CACHE_ANSWERS.labels(endpoint, result).inc()
        return response


def _endpoint(request):
    if request.resolver_match is not None:
        return request.resolver_match.view_name
    if request.path_info in HEALTH_PATHS:
        return "healthz"
    # A cached answer is served before URL resolution (headless.middleware).
    return _view_name(request.path_info)


@lru_cache(maxsize=4096)
def _view_name(path):
    """The view name of ``path``: resolved once per path, as the URL patterns never change
    while a process runs; bounded, so unknown paths cannot fill memory."""
    try:
        return resolve(path).view_name
    except Resolver404:
        return UNMATCHED


# Counting what happens elsewhere (connected in cms.signal_handlers)


def rendition_saved(sender, instance, created, raw=False, **kwargs):
    # headless.renditions.make counts its own (Wagtail saves several in one bulk_create, which
    # sends no post_save); this counts the others (the admin's thumbnails, Wagtail's tags).
    if created and not raw and not renditions.making.get():
        RENDITIONS.inc()


def renditions_made(sender, count, seconds, where, **kwargs):
    RENDITIONS.inc(count)
    RENDITION_SECONDS.labels(where).observe(seconds)


def task_finished(sender, task_result, **kwargs):
    """A change is fresh once the cache worker's ``after_change`` task for it has run."""
    if task_result.task.module_path != cache.after_change.module_path:
        return
    if task_result.status != TaskResultStatus.SUCCESSFUL or task_result.finished_at is None:
        return
    committed_at = task_result.args[1]
    CHANGE_TO_FRESH.observe(max(task_result.finished_at.timestamp() - committed_at, 0))


# Reading the task queues at scrape time


class TaskQueueCollector:
    """The task queues and webhook deliveries, read from the database at each scrape."""

    def collect(self):
        try:
            return list(self._collect())
        except DatabaseError as exc:
            logger.warning("Metrics: could not read the task queues: %s", exc)
            return []

    def _collect(self):
        now = timezone.now()
        counts = GaugeMetricFamily(
            "cms_tasks",
            "Tasks in the database queues by backend, queue and status "
            "(READY, RUNNING, FAILED, SUCCESSFUL; finished ones until pruned).",
            labels=["backend", "queue", "status"],
        )
        found = {
            (backend, queue, status): number
            for backend, queue, status, number in DBTaskResult.objects.order_by()
            .values_list("backend_name", "queue_name", "status")
            .annotate(number=Count("id"))
        }
        for backend in _database_backends():
            for status in TaskResultStatus.values:
                found.setdefault((backend, "default", status), 0)
        for (backend, queue, status), number in sorted(found.items()):
            counts.add_metric([backend, queue, status], number)
        yield counts

        ages = GaugeMetricFamily(
            "cms_task_oldest_ready_age_seconds",
            "Seconds the oldest task due to run has waited (0 when none is), by backend and queue.",
            labels=["backend", "queue"],
        )
        never = get_date_max()
        oldest = {
            (backend, queue): min(value for value in due if value is not None)
            for backend, queue, *due in DBTaskResult.objects.ready()
            .order_by()
            .values_list("backend_name", "queue_name")
            .annotate(
                # Due since it was queued, or since the time it was to run after.
                queued=Min("enqueued_at", filter=Q(run_after=never)),
                deferred=Min("run_after", filter=~Q(run_after=never)),
            )
        }
        queues = {(backend, queue) for backend, queue, _ in found}
        for backend, queue in sorted(queues):
            since = oldest.get((backend, queue))
            ages.add_metric([backend, queue], (now - since).total_seconds() if since else 0)
        yield ages

        deliveries = GaugeMetricFamily(
            "cms_webhook_deliveries",
            "Webhook deliveries by status (until pruned).",
            labels=["status"],
        )
        by_status = dict.fromkeys(WebhookDelivery.Status.values, 0)
        by_status.update(
            WebhookDelivery.objects.order_by()
            .values_list("status")
            .annotate(number=Count("id"))
            .values_list("status", "number")
        )
        for status, number in sorted(by_status.items()):
            deliveries.add_metric([status], number)
        yield deliveries


def _database_backends():
    return [
        alias
        for alias, options in settings.TASKS.items()
        if options["BACKEND"].startswith("django_tasks_db.")
    ]


_queues = TaskQueueCollector()


# The endpoint


def metrics_view(request):
    """The metrics, to a request that shows the token (or to any, where a network rule guards)."""
    if not settings.METRICS_TOKEN and not settings.METRICS_WITHOUT_TOKEN:
        return HttpResponse("Not found.\n", status=404, content_type="text/plain")
    if settings.METRICS_TOKEN and not _shows_token(request):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["Content-Type"] = "text/plain"
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def _shows_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )


def _registry():
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_counted)
    registry.register(_queues)
    return registry
