"""The words of the API's OpenAPI 3.1 document: parameters, responses, operations.

Each endpoint declares its operations beside its code with ``api_operations(builder, path)``,
returning ``{path: {method: operation}}`` in these words; the schemas of the bodies are the
JSON Schema definitions of :mod:`headless.schema`. :class:`headless.schema_builder.SchemaBuilder`
collects them into one registry, and :func:`document` turns that registry into the OpenAPI
document, its ``$defs`` becoming ``components/schemas``.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import schema

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"


def query(name, value_schema, description, required=False):
    """A query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": value_schema,
    }


def path_id(description):
    """The ``{id}`` in a path."""
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema.INTEGER,
    }


def response(description, body=None, headers=None):
    """A response; ``body`` is the schema of its JSON, or None for an empty one."""
    answer = {"description": description}
    if headers:
        answer["headers"] = {
            name: {"description": text, "schema": schema.STRING} for name, text in headers.items()
        }
    if body is not None:
        answer["content"] = {JSON: {"schema": body}}
    return answer


ROOT_OR_ID = {"anyOf": [schema.INTEGER, {"const": "root"}]}

# The query parameters of Wagtail's API v2 endpoints, as they read them.
WAGTAIL_PARAMETERS = {
    parameter["name"]: parameter
    for parameter in [
        query(
            "fields",
            schema.STRING,
            "Comma-separated fields to add to the defaults (`parent`), `-name` to remove one, "
            "`*` for all, `_` for none; `name(sub,fields)` for a nested object's fields.",
        ),
        query("limit", {"type": "integer", "minimum": 0}, "How many items (at most 100)."),
        query("offset", {"type": "integer", "minimum": 0}, "How many items to skip."),
        query(
            "order",
            schema.STRING,
            "A field to sort by, `-field` for descending, or `random`; with search, one of the "
            "fields the search index holds (a 400 names them), and no order means by relevance.",
        ),
        query("search", schema.STRING, "Words to search for; results are ordered by relevance."),
        query("search_operator", schema.enum(["and", "or"]), "Whether every word must match."),
        query("type", schema.STRING, "Page types, `app.Model`, comma-separated (PageType)."),
        query("child_of", ROOT_OR_ID, "Only children of this page (`root`: the site root)."),
        query("ancestor_of", schema.INTEGER, "Only ancestors of this page."),
        query(
            "descendant_of", ROOT_OR_ID, "Only descendants of this page (`root`: the site root)."
        ),
        query("translation_of", ROOT_OR_ID, "Only translations of this page."),
        query(
            "locale",
            schema.locale(),
            "Only pages in this language (its code). Without it, pages in every language are "
            "listed together (English and Spanish): a listing visitors see passes their language.",
        ),
        query(
            "site",
            schema.STRING,
            "The site, `hostname` or `hostname:port`, whose pages to serve; by default the "
            "site of the request's Host.",
        ),
        query("rich_text_format", schema.enum(["html"]), "Wagtail's own rich text fields as HTML."),
        query("format", schema.enum(["json"]), "The only format: JSON."),
        query("_", schema.STRING, "Ignored: a cache buster some HTTP clients add."),
        query("id", schema.INTEGER, "The id of the object to find."),
    ]
}


def wagtail_parameters(*names):
    """Wagtail API v2's own query parameters, in the order given."""
    return [WAGTAIL_PARAMETERS[name] for name in names]


def operation(operation_id, summary, responses, parameters=(), tag=None, **extra):
    """One operation; ``responses`` maps status codes to :func:`response` values."""
    return {
        "operationId": operation_id,
        "summary": summary,
        **({"tags": [tag]} if tag else {}),
        "parameters": list(parameters),
        "responses": {str(status): answer for status, answer in responses.items()},
        **extra,
    }


def errors(builder, **statuses):
    """Error responses, ``{status: why}``, each with the body :func:`schema.error` describes."""
    body = schema.error(builder)
    return {int(status.lstrip("_")): response(why, body) for status, why in statuses.items()}


def cached(builder):
    """The answers every cached GET may give besides its own (see :mod:`headless.cache`)."""
    return {
        304: response("Not modified: the If-None-Match ETag still matches."),
        **errors(builder, _503="The database is out of reach; retry after Retry-After seconds."),
    }


def security_schemes():
    """How an operation for staff authenticates: a token, or the admin's session cookie."""
    return {
        "token": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: a key of Django REST framework's token authentication "
            "(`manage.py drf_create_token <username>`).",
        },
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The session of a user signed in to the Wagtail admin.",
        },
    }


STAFF_SECURITY = [{"token": []}, {"session": []}]
"""What an operation for staff only takes (``operation(..., security=STAFF_SECURITY)``)."""


def webhook(event, payload_ref, description):
    """A webhook the CMS POSTs to a frontend: its body and what the frontend should answer."""
    return {
        "post": {
            "operationId": "webhook_" + event.replace(".", "_"),
            "summary": description,
            "tags": ["webhooks"],
            "parameters": [
                {
                    "name": name,
                    "in": "header",
                    "required": True,
                    "description": text,
                    "schema": schema.STRING,
                }
                for name, text in [
                    ("X-Webhook-Id", "The delivery's id, the payload's delivery_id."),
                    ("X-Webhook-Event", f"{event}"),
                    ("X-Webhook-Attempt", "1 for the first attempt, then 2, 3, ..."),
                    ("X-Webhook-Signature", "sha256=<hex HMAC-SHA256 of the raw body>"),
                ]
            ],
            "requestBody": {"required": True, "content": {JSON: {"schema": payload_ref}}},
            "responses": {
                "2XX": {
                    "description": "Received; every other answer is retried (docs/webhooks.md)."
                }
            },
        }
    }


SERVERS = [
    {
        "url": "/",
        "description": "The CMS that serves this document: its paths start with /api/v2/.",
    }
]
"""Relative, so the one committed document fits every deployment (OpenAPI resolves it against
the document's own URL): a client passes the CMS's origin as its base URL."""

PUBLIC = [{}]
"""The root ``security``: the empty requirement, so no credentials. The API is public and read
only; an operation for staff says otherwise with :data:`STAFF_SECURITY`."""


def tags(operations, descriptions):
    """The root ``tags``: every tag the operations use, with its description from
    ``descriptions`` (``{tag: description}``), in the order given there."""
    used = {tag for operation in operations for tag in operation.get("tags", ())}
    missing = used - descriptions.keys()
    if missing:
        raise ImproperlyConfigured(
            f"OpenAPI tags without a description: {', '.join(sorted(missing))}; describe them "
            "in the tags= of the SchemaBuilder (cms/api.py's API_TAGS)."
        )
    return [
        {"name": name, "description": text} for name, text in descriptions.items() if name in used
    ]


def document(defs, paths, webhooks, info, tag_descriptions):
    """The OpenAPI document: ``defs`` become ``components/schemas``, their refs rewritten."""
    operations = [
        operation
        for items in (paths, webhooks)
        for methods in items.values()
        for operation in methods.values()
    ]
    return _rewrite_refs(
        {
            "openapi": OPENAPI_VERSION,
            "info": info,
            "servers": SERVERS,
            "security": PUBLIC,
            "tags": tags(operations, tag_descriptions),
            "paths": dict(sorted(paths.items())),
            "webhooks": dict(sorted(webhooks.items())),
            "components": {
                "schemas": dict(sorted(defs.items())),
                "securitySchemes": security_schemes(),
            },
        }
    )


DEFS = "#/$defs/"
COMPONENTS = "#/components/schemas/"


def _rewrite_refs(value):
    if isinstance(value, dict):
        rewritten = {key: _rewrite_refs(item) for key, item in value.items()}
        if isinstance(rewritten.get("$ref"), str):
            rewritten["$ref"] = _component(rewritten["$ref"])
        discriminator = rewritten.get("discriminator")
        if isinstance(discriminator, dict) and "mapping" in discriminator:
            mapping = discriminator["mapping"]
            discriminator["mapping"] = {key: _component(target) for key, target in mapping.items()}
        return rewritten
    if isinstance(value, list):
        return [_rewrite_refs(item) for item in value]
    return value


def _component(target):
    return COMPONENTS + target.removeprefix(DEFS) if target.startswith(DEFS) else target
