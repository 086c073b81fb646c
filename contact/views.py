"""The JSON endpoint a frontend posts contact form submissions to.

``POST /api/v2/forms/<page_id>/submissions/`` with a JSON object of answers keyed by each
field's ``name`` from the page's API detail. Answers are validated by the page's own form
class, so the rules are exactly those editors set in the admin. Nothing a patient submits
is ever logged: log lines name the form page and nothing else.
"""

import json
import logging

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, transaction
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from headless import cache, openapi, schema
from headless.renderers import CompactJsonResponse

from .models import ContactPage

logger = logging.getLogger(__name__)


def _json(status, message, **extra):
    return CompactJsonResponse({"message": message, **extra}, status=status)


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _origin_allowed(request):
    # Browsers always send Origin on a cross-site POST; servers posting on a patient's
    # behalf (a frontend's own backend) send none, and are not refused for it.
    origin = request.headers.get("Origin")
    return origin is None or origin in settings.FRONTEND_ORIGINS


def _rate_limited(request):
    """``(limited, seconds until the window ends)`` for this client address.

    Raises ``SuspiciousOperation`` when the request has no client address to count it by
    (``cms/client_address.py``): such a request is refused, never taken unlimited.
    """
    rate = settings.CONTACT_RATE_LIMIT
    if not rate:
        return False, 0
    try:
        usage = get_usage(request, group="contact.submit", key="ip", rate=rate, increment=True)
    except cache.ERRORS:  # the cache is out of reach (headless/cache/outage.py)
        # Patients must still reach the clinic while the cache is down.
        logger.warning("Rate limit not checked: the cache is unavailable", exc_info=True)
        return False, 0
    if usage is None or not usage["should_limit"]:
        return False, 0
    return True, max(usage["time_left"], 1)


def _read_json_object(request):
    """The body as a dict, or an error response (413 too large, 400 not a JSON object)."""
    limit = settings.CONTACT_MAX_BODY_BYTES
    too_large = _json(413, f"A submission may be at most {limit // 1024} KB.")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None, too_large
    try:
        body = request.body
    except RequestDataTooBig:
        return None, too_large
    if len(body) > limit:
        return None, too_large
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return None, _json(400, "Send the submission as a JSON object of field names to values.")
    return data, None


def _shape_errors(fields, data):
    """Answers of the wrong JSON type, which Django's fields would otherwise coerce to text."""
    errors = {}
    for name, field in fields.items():
        value = data.get(name)
        if value is None:
            continue
        if isinstance(field, forms.MultipleChoiceField):
            if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
                errors[name] = ["Send a list of the chosen options."]
        elif not isinstance(value, str | int | float | bool):
            errors[name] = ["Send a single value, not a list or an object."]
    return errors


@csrf_exempt
def submit(request, page_id):
    """Validate and store one submission to a live, public contact form page."""
    if request.method != "POST":
        response = _json(405, "Send the submission with POST.")
        response["Allow"] = "POST"
        return response

    if not _origin_allowed(request):
        return _json(403, "Submissions are not accepted from this origin.")

    try:
        limited, retry_after = _rate_limited(request)
    except (SuspiciousOperation, ImproperlyConfigured) as error:
        # A proxy or frontend server that does not pass the client's address as configured.
        logger.warning("Refused a submission to form page %s: %s", page_id, error)
        return _json(400, f"The server could not tell which address this came from. {error}")
    if limited:
        response = _json(429, "Too many submissions from your address. Please try again later.")
        response["Retry-After"] = str(retry_after)
        return response

    # By id, not pk: pk is the link to the page row, whose lookup hands a number past the
    # column's range to the database (a 500), where id's matches nothing (a 404).
    page = ContactPage.objects.live().public().filter(id=page_id).first()
    if page is None:
        return _json(404, "There is no such form.")

    data, error_response = _read_json_object(request)
    if error_response:
        return error_response

    honeypot = page.honeypot_field
    if honeypot and data.get(honeypot):
        # A person never sees this field; only bots fill it in. They are told it worked.
        logger.info("Discarded a submission to form page %s: honeypot filled in", page.pk)
        return _json(201, page.success_message)

    form = page.get_form(data, page=page, user=request.user)
    shape_errors = _shape_errors(form.fields, data)
    if shape_errors:
        answers = {name: value for name, value in data.items() if name not in shape_errors}
        form = page.get_form(answers, page=page, user=request.user)
    if not form.is_valid() or shape_errors:
        errors = {name: list(messages) for name, messages in form.errors.items()}
        errors.update(shape_errors)
        return _json(400, page.error_message, errors=errors)

    try:
        with transaction.atomic():
            page.process_form_submission(form)
    except DatabaseError:
        logger.exception("Could not store a submission to form page %s", page.pk)
        response = _json(503, page.error_message)
        response["Retry-After"] = "30"
        return response

    logger.info("Stored a submission to form page %s", page.pk)
    return _json(201, page.success_message)


def api_operations(builder, path):
    """The OpenAPI operation of :func:`submit`, mounted at ``path`` (see ``cms/api.py``)."""
    answer = {
        "anyOf": [schema.STRING, {"type": "number"}, schema.BOOLEAN, schema.array(schema.STRING)]
    }
    answers = builder.define(
        "FormAnswers",
        {
            "type": "object",
            "additionalProperties": schema.nullable(answer),
            "description": (
                "Each field's answer under its `name` from the page's `fields`: text, a number, "
                "true or false for a checkbox, a list of the chosen options for checkboxes."
            ),
        },
    )
    submitted = builder.define(
        "FormSubmitted",
        schema.obj({"message": schema.STRING}, description="The page's success message."),
    )
    retry_after = {"Retry-After": "Seconds to wait before trying again."}
    error = schema.error(builder)
    return {
        f"{path}{{id}}/submissions/": {
            "post": openapi.operation(
                "contact_submit",
                "Send the answers to a contact form page",
                {
                    201: openapi.response(
                        "Stored; the body is the page's success message.", submitted
                    ),
                    **openapi.errors(
                        builder,
                        _400=(
                            "Not a JSON object, or answers the form does not accept: the page's "
                            "error message, and under errors each field's messages."
                        ),
                        _403="Submissions are not accepted from this Origin.",
                        _404="No live, public contact form page has this id.",
                        _405="Only POST is allowed.",
                        _413="The body is larger than the limit.",
                    ),
                    429: openapi.response(
                        "Too many submissions from this address.", error, retry_after
                    ),
                    503: openapi.response(
                        "Could not be stored now; retry later.", error, retry_after
                    ),
                },
                [openapi.path_id("The contact page's id (its detail's id).")],
                tag="forms",
                requestBody={"required": True, "content": {openapi.JSON: {"schema": answers}}},
            )
        }
    }
