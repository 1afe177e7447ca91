"""Finishing touches on the OpenAPI schema: descriptions for the parameters that
drf-spectacular cannot read from a field (the path's slug, the repeatable tag
filter), so that every field and filter is described."""

import functools
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

from . import filters

PARAMETERS = {
    "slug": "The record's identifier, as in its page address (stable).",
    "tag": filters.PracticeFilterSet.base_filters["tag"].extra["help_text"],
}
EXAMPLES = {
    "tag": ["task-forces"],
    "jurisdiction": "united-states",
    "theme": "prosecution",
    "basis": "audit",
    "q": "hotline",
    "updated_since": "2026-01-01",
}


ERROR = {
    "type": "object",
    "description": "What went wrong, in words.",
    "properties": {
        "detail": {
            "type": "string",
            "description": "Why the request was not answered.",
            "example": "The cursor is not valid; follow the next and previous "
            "links as given.",
        }
    },
    "required": ["detail"],
}
ERRORS = {
    "400": "A parameter that cannot be used (an edited cursor).",
    "404": "No published record by that slug.",
    "406": "The client accepts no JSON (JSON is the only format).",
    "429": "Too many requests from this address; wait Retry-After seconds.",
}


def describe_parameters(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, text in ERRORS.items():
                if status == "404" and "{slug}" not in path:
                    continue
                responses.setdefault(
                    status,
                    {
                        "description": text,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Error"}
                            }
                        },
                    },
                )
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                if not parameter.get("description") and name in PARAMETERS:
                    parameter["description"] = PARAMETERS[name]
                if name in EXAMPLES and "example" not in parameter:
                    parameter["example"] = EXAMPLES[name]
    return result


@functools.cache
def openapi_json():
    """The schema as JSON text, built once per process: it changes only with the
    code, and building it takes about a second."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.dumps(document, ensure_ascii=False, cls=DjangoJSONEncoder)


@require_safe
def schema_view(request):
    response = HttpResponse(
        openapi_json(), content_type="application/vnd.oai.openapi+json"
    )
    patch_cache_control(response, public=True, max_age=300)
    return response
