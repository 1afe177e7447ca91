"""The API's human documentation, generated from its OpenAPI schema (so the page
and the schema cannot disagree): a plain HTML reference at /api/docs/ that needs no
JavaScript, and Swagger UI at /api/docs/explorer/ from drf-spectacular-sidecar's
files with our own start-up script (no inline code, the site's CSP unchanged)."""

import json

from django.shortcuts import render

from .schema import openapi_json

# Fields every versioned record has, described once on the page.
COMMON = [
    "id",
    "slug",
    "url",
    "api_url",
    "created",
    "updated",
    "published_at",
    "version",
    "version_url",
]


def _resolve(schema, document):
    """A schema with its $ref (and a single allOf wrapper) looked up."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name, document["components"]["schemas"][name]
    if len(schema.get("allOf", [])) == 1:
        name, inner = _resolve(schema["allOf"][0], document)
        return name, {**inner, "description": schema.get("description", "")}
    return None, schema


def _type(schema, document):
    name, resolved = _resolve(schema, document)
    if name:
        return name
    if resolved.get("type") == "array":
        return f"list of {_type(resolved.get('items', {}), document)}"
    kind = resolved.get("type", "object")
    if resolved.get("format"):
        kind += f" ({resolved['format']})"
    if resolved.get("nullable"):
        kind += ", or null"
    return kind


def _fields(schema, document):
    return [
        {
            "name": name,
            "type": _type(prop, document),
            "description": prop.get("description")
            or _resolve(prop, document)[1].get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def reference():
    document = json.loads(openapi_json())
    operations = []
    for path, methods in document["paths"].items():
        operation = methods["get"]
        response = operation["responses"]["200"]["content"]["application/json"]
        name, body = _resolve(response["schema"], document)
        item = None
        if "results" in body.get("properties", {}):
            item, _ = _resolve(body["properties"]["results"]["items"], document)
        operations.append(
            {
                "id": operation["operationId"],
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {
                        "name": p["name"],
                        "where": p["in"],
                        "type": _type(p.get("schema", {}), document),
                        "description": p.get("description", ""),
                        "example": p.get("example", ""),
                        "choices": _resolve(p.get("schema", {}), document)[1].get(
                            "enum", []
                        )
                        or _resolve(p.get("schema", {}).get("items", {}), document)[
                            1
                        ].get("enum", []),
                    }
                    for p in operation.get("parameters", [])
                ],
                "returns": item or name,
                "list": item is not None,
            }
        )
    common = _fields(document["components"]["schemas"]["Finding"], document)
    common = [f for f in common if f["name"] in COMMON]
    schemas = [
        {
            "name": name,
            "fields": [f for f in _fields(schema, document) if f["name"] not in COMMON],
            "common": [n for n in COMMON if n in schema.get("properties", {})],
        }
        for name, schema in sorted(document["components"]["schemas"].items())
        if not name.startswith("Paginated")
        and not name.endswith("Summary")
        and "properties" in schema
    ]
    return {
        "info": document["info"],
        "operations": operations,
        "common": common,
        "schemas": schemas,
    }


def api_docs(request):
    return render(request, "api/docs.html", reference())


def api_explorer(request):
    return render(request, "api/explorer.html")
