"""The API's schemas: output shapes, input bodies (unknown fields refused), list arguments.

Output schemas are the single place a resource's JSON shape is defined; the OpenAPI
document is generated from these same classes.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from zhanqun.platform.articles.schemas import ArticleTextSchema
from zhanqun.platform.catalogue.schemas import EntryInputSchema
from zhanqun.platform.schemas import StrictSchema


class TermOut(Schema):
    code = fields.String()
    name = fields.String()


class ColumnOut(Schema):
    id = fields.Integer()
    parent_id = fields.Integer(allow_none=True)
    name = fields.String()
    slug = fields.String()
    kind = fields.String()
    position = fields.Integer()


class AttachmentOut(Schema):
    name = fields.String()
    url = fields.String()


class ArticleOut(Schema):
    id = fields.Integer()
    column_id = fields.Integer()
    title = fields.String()
    subtitle = fields.String()
    summary = fields.String()
    body = fields.String(metadata={"description": "Sanitised HTML"})
    source = fields.String()
    author = fields.String()
    status = fields.String()
    published_at = fields.DateTime(allow_none=True)
    url = fields.String()


class ArticleIn(StrictSchema, ArticleTextSchema):
    """A new article draft, or (``partial``) the fields to change."""

    column_id = fields.Integer(required=True)


class EntryOut(Schema):
    uid = fields.String()
    index_number = fields.String()
    title = fields.String()
    publisher = fields.String()
    document_number = fields.String()
    topic = fields.Nested(TermOut, allow_none=True)
    genre = fields.Nested(TermOut, allow_none=True)
    issued_on = fields.Date(allow_none=True)
    publication_date = fields.Date(allow_none=True)
    validity = fields.String()
    validity_note = fields.String()
    disclosure_mode = fields.String()
    body = fields.String(metadata={"description": "Sanitised HTML"})
    shared = fields.Boolean()
    status = fields.String()
    version = fields.Integer()
    column_id = fields.Integer(allow_none=True)
    attachments = fields.List(fields.Nested(AttachmentOut))
    url = fields.String()


class EntryIn(EntryInputSchema):
    """A new catalogue entry draft, or (``partial``) the fields to change; unknown fields refused."""


class CopyOut(Schema):
    """An entry of a department as the portal's aggregated catalogue shows it."""

    uid = fields.String(attribute="entry_uid")
    index_number = fields.String()
    title = fields.String()
    publisher = fields.String()
    document_number = fields.String()
    department = fields.Function(lambda c: {"site_code": c.source_site_code, "name": c.source_name})
    topic = fields.Function(lambda c: {"code": c.topic_code, "name": c.topic_name} if c.topic_code else None)
    genre = fields.Function(lambda c: {"code": c.genre_code, "name": c.genre_name} if c.genre_code else None)
    issued_on = fields.Date(allow_none=True)
    publication_date = fields.Date(allow_none=True)
    validity = fields.String()
    validity_note = fields.String()
    disclosure_mode = fields.String()
    body = fields.String()
    attachments = fields.List(fields.Nested(AttachmentOut))
    source_url = fields.String()
    received_at = fields.DateTime()
    version = fields.Integer()


class PageArgs(StrictSchema):
    """Pagination of every list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ArticleListArgs(PageArgs):
    column = fields.Integer(load_default=None)


class CatalogueListArgs(PageArgs):
    topic = fields.String(load_default=None, validate=validate.Length(max=16))
    genre = fields.String(load_default=None, validate=validate.Length(max=16))
    year = fields.Integer(load_default=None, validate=validate.Range(min=1900, max=2999))
    validity = fields.String(load_default=None, validate=validate.OneOf(["valid", "expired", "repealed"]))
    q = fields.String(load_default="", validate=validate.Length(max=100))


class PortalCatalogueArgs(CatalogueListArgs):
    department = fields.String(load_default=None, validate=validate.Length(max=32),
                               metadata={"description": "Site code of the department"})


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """A list envelope ``{items, page, per_page, total, pages}`` around ``item_schema``."""
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema)), "page": fields.Integer(), "per_page": fields.Integer(),
        "total": fields.Integer(), "pages": fields.Integer(),
    })


ColumnList = type("ColumnList", (Schema,), {"items": fields.List(fields.Nested(ColumnOut))})
ArticlePage = page_schema(ArticleOut, "ArticlePage")
EntryPage = page_schema(EntryOut, "EntryPage")
CopyPage = page_schema(CopyOut, "CopyPage")


class ErrorBody(Schema):
    code = fields.Integer()
    message = fields.String()
    field_errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), data_key="fields",
                               metadata={"description": "Messages per input field (422 only)"})


class ErrorOut(Schema):
    error = fields.Nested(ErrorBody)
