"""The OpenAPI 3 document of ``/api/v1/``, generated with apispec from the marshmallow schemas.

The operations are listed here as data next to the schemas they use, so the document
cannot drift from the shapes the views dump and load.
"""
from __future__ import annotations

from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from zhanqun.platform.api import schemas as s

ERRORS = {
    "401": "No valid token of this site", "403": "The token lacks the scope", "404": "Not found",
    "409": "Not allowed in the item's current state", "422": "Invalid input; messages per field",
}
UID = {"name": "uid", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
ARTICLE_ID = {"name": "article_id", "in": "path", "required": True, "schema": {"type": "integer"}}

# path → method → (summary, query schema, request schema, response schema, scope, extra parameters)
OPERATIONS = {
    "/columns": {"get": ("The site's columns", None, None, s.ColumnList, None, [])},
    "/articles": {
        "get": ("Published articles", s.ArticleListArgs, None, s.ArticlePage, None, []),
        "post": ("Create an article draft", None, s.ArticleIn, s.ArticleOut, "articles:write", []),
    },
    "/articles/{article_id}": {
        "get": ("One published article", None, None, s.ArticleOut, None, [ARTICLE_ID]),
        "patch": ("Change an article", None, s.ArticleIn, s.ArticleOut, "articles:write", [ARTICLE_ID]),
    },
    "/articles/{article_id}/publish": {"post": ("Publish an article", None, None, s.ArticleOut, "publish", [ARTICLE_ID])},
    "/catalogue": {
        "get": ("Published catalogue entries", s.CatalogueListArgs, None, s.EntryPage, None, []),
        "post": ("Create a catalogue entry draft", None, s.EntryIn, s.EntryOut, "catalogue:write", []),
    },
    "/catalogue/{uid}": {
        "get": ("One published catalogue entry", None, None, s.EntryOut, None, [UID]),
        "patch": ("Change a catalogue entry", None, s.EntryIn, s.EntryOut, "catalogue:write", [UID]),
    },
    "/catalogue/{uid}/publish": {"post": ("Publish a catalogue entry", None, None, s.EntryOut, "publish", [UID])},
    "/portal/catalogue": {"get": ("The portal's catalogue of every department", s.PortalCatalogueArgs, None, s.CopyPage, None, [])},
}


@lru_cache(maxsize=1)
def spec_dict() -> dict:
    """The OpenAPI document as a dict (built once per process)."""
    spec = APISpec(title="zhanqun site API", version="1", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
                   servers=[{"url": "/api/v1"}],
                   info={"description": "Read a site's columns, articles and disclosure catalogue; write with a site token."})
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=s.ErrorOut)
    for path, methods in OPERATIONS.items():
        operations = {}
        for method, (summary, query, body, response, scope, params) in methods.items():
            op = {"summary": summary, "parameters": list(params),
                  "responses": {"200" if method != "post" or scope == "publish" else "201":
                                {"description": "OK", "content": {"application/json": {"schema": response}}}}}
            if query is not None:
                op["parameters"].append({"in": "query", "schema": query})
            if body is not None:
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
                if method == "patch":
                    op["summary"] += " (send only the fields to change)"
            if scope:
                op["security"] = [{"token": []}]
                op["description"] = f"Needs a token of this site with the `{scope}` scope."
            for code, text in ERRORS.items():
                op["responses"][code] = {"description": text, "content": {"application/json": {"schema": "Error"}}}
            operations[method] = op
        spec.path(path=path, operations=operations)
    return spec.to_dict()
