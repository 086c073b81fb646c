"""The vocabulary of the API's JSON Schema (draft 2020-12): types, objects, shared definitions.

A value our code shapes declares its schema beside that code, in these words: an
``api_schema`` method on the serializer field (``api_schema(builder, model)``), on the block
(``api_schema(builder)``) or on the endpoint (``api_schema(builder)``, listing the responses it
answers). :mod:`headless.schema_builder` walks the API and asks each of them. This module
imports nothing of Wagtail's API, so models may use it while they load.
"""

from django.conf import settings

DIALECT = "https://json-schema.org/draft/2020-12/schema"

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
URL = {"type": "string", "format": "uri"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}


JSON_TYPES = [(bool, "boolean"), (int, "integer"), (float, "number"), (str, "string")]


def enum(values):
    """One of ``values``, with their JSON types, so type generators need not infer them."""
    types = []
    for value in values:
        name = (
            "null" if value is None else next(t for cls, t in JSON_TYPES if isinstance(value, cls))
        )
        if name not in types:
            types.append(name)
    return {"type": types[0] if len(types) == 1 else types, "enum": list(values)}


def locale():
    """A content language's code (``WAGTAIL_CONTENT_LANGUAGES``): ``en``, ``es``."""
    return {
        **enum([code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES]),
        "description": "A language code.",
    }


def ref(name):
    return {"$ref": f"#/$defs/{name}"}


def nullable(schema):
    """``schema`` or null."""
    if set(schema) <= {"type", "format"} and "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return {**schema, "type": [*types, "null"]} if "null" not in types else schema
    if "enum" in schema:
        return {**schema, **enum([*schema["enum"], None])}
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties, required=None, **extra):
    """A closed object: no keys but ``properties``; ``required`` defaults to all of them."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
        "additionalProperties": False,
        **extra,
    }


def array(items):
    return {"type": "array", "items": items}


def error(builder):
    """``{message}``, and for a form submission ``errors``: each field's messages."""
    return builder.define(
        "Error",
        obj(
            {
                "message": STRING,
                "errors": {"type": "object", "additionalProperties": array(STRING)},
            },
            required=["message"],
            title="ApiError",  # not "Error", which would shadow the global Error in TypeScript
            description="The body of every error answer (4xx and 503).",
        ),
    )


def discriminated(refs, property_name="type"):
    """``oneOf`` the referenced objects, told apart by their constant ``property_name``.

    ``refs`` maps each value of the property to a :func:`ref`. ``discriminator`` is OpenAPI's
    word, which JSON Schema validators ignore; it tells type and client generators which
    branch applies without trying each.
    """
    return {
        "oneOf": list(refs.values()),
        "discriminator": {
            "propertyName": property_name,
            "mapping": {value: target["$ref"] for value, target in refs.items()},
        },
    }


def listing(builder, name, items, **extra):
    """A paginated listing of ``items``: ``{meta: {total_count}, items: [...]}``."""
    meta = builder.define("ListingMeta", obj({"total_count": INTEGER}))
    return builder.define(name, obj({"meta": meta, "items": array(items)}, **extra))
