"""Requests generated from the published contract: the API keeps every promise its document makes.

Schemathesis reads ``/api/v2/openapi.json`` from the app itself (the Django WSGI app, in this
process, inside the test's transaction) and, for every operation it documents, generates
requests from the parameters and request bodies the document declares: valid ones and, in
the negative phase, ones the document says are wrong. Path ids are half the time those of the
demo content, so details are rendered and not only 404s. Every answer must be below 500,
have a status code the operation documents, match that response's schema (unless
``fields=`` reshaped it on purpose, as in tests/test_fuzz_api.py), and be JSON.

``CONTRACT_FUZZ_EXAMPLES`` sets the examples per operation and phase (15 by default, as in CI);
``make fuzz`` sends 300. The contact form's rate limit is off, as in tests/test_fuzz_api.py:
its documented 429 would otherwise answer every POST after the fifth.
"""

import json
import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail_factories import DocumentFactory

from contact.models import ContactPage

EXAMPLES = int(os.environ.get("CONTRACT_FUZZ_EXAMPLES", "15"))

pytestmark = pytest.mark.django_db

# The demo content's ids by the path segment naming their endpoint, while it is loaded.
DEMO_IDS = {}
# Answers the demo's contact form (demo/contact.py) accepts.
DEMO_ANSWERS = {
    "name": "Sam",
    "email": "sam@example.org",
    "preferred_contact_method": "Email",
    "message": "Do you treat CRPS?",
    "consent": True,
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content, loaded once for the module and rolled back after it."""
    media = tmp_path_factory.mktemp("contract-fuzz-media")
    with django_db_blocker.unblock(), transaction.atomic():
        django_settings.MEDIA_ROOT, before = media, django_settings.MEDIA_ROOT
        try:
            call_command("load_demo_content", stdout=open(os.devnull, "w"))
            DocumentFactory(title="Clinic leaflet")
            DEMO_IDS.update(
                pages=list(Page.objects.values_list("pk", flat=True)),
                images=list(get_image_model().objects.values_list("pk", flat=True)),
                documents=list(get_document_model().objects.values_list("pk", flat=True)),
                forms=list(ContactPage.objects.values_list("pk", flat=True)),
            )
            yield {"media": media}
        finally:
            DEMO_IDS.clear()
            django_settings.MEDIA_ROOT = before
            transaction.set_rollback(True)


@contextmanager
def connections_kept_open():
    """A real request ends by closing database connections, also inside a transaction; the
    one open here holds the demo content. Django's test client disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The document as the app serves it, read at collection: every operation becomes a test.
with connections_kept_open():
    schema = schemathesis.openapi.from_wsgi("/api/v2/openapi.json", WSGIHandler())


@pytest.fixture
def contract(settings, demo):
    settings.MEDIA_ROOT = demo["media"]
    # Every request rendered, none replayed
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "ENABLED": False}
    settings.CONTACT_RATE_LIMIT = ""
    with connections_kept_open():
        yield demo


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    # The generated id, or half the time one of the demo content's, so details get rendered.
    kind = context.operation.path.split("/")[3]
    ids = DEMO_IDS.get(kind)
    if not ids or not path_parameters or "id" not in path_parameters:
        return st.just(path_parameters)
    return st.one_of(
        st.just(path_parameters),
        st.sampled_from(ids).map(lambda pk: {**path_parameters, "id": pk}),
    )


@schema.hook
def flatmap_body(context, body):
    # Generated answers, or half the time the demo form's valid ones over them, so some
    # submissions are stored (201) rather than all refused.
    if not isinstance(body, dict):
        return st.just(body)
    return st.sampled_from([body, {**body, **DEMO_ANSWERS}])


@schemathesis.check
def json_for_every_api_url(ctx, response, case):
    """Every /api/ answer with a body is a JSON object (a 302 from find/ and a 304 have none)."""
    if response.status_code in (302, 304):
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type == "application/json", f"Content-Type {content_type!r}"
    assert isinstance(json.loads(response.content), dict), "not a JSON object"
    return True


RESPONSE_SCHEMA = schemathesis.checks.response_schema_conformance
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    RESPONSE_SCHEMA,
    json_for_every_api_url,
]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(case, contract):
    checks = CHECKS
    if "fields" in (case.query or {}):
        # ?fields= reshapes an answer on purpose (`_` leaves `{}`), which a response schema
        # cannot follow; status codes, content types and JSON still hold.
        checks = [check for check in CHECKS if check is not RESPONSE_SCHEMA]
    # Uncompressed answers: schemathesis reads the bytes of a WSGI answer as they come, and the
    # encodings have tests of their own (tests/test_api_encoding.py).
    case.call_and_validate(checks=checks, headers={"Accept-Encoding": "identity"})
