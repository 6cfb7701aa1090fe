"""Translated names of the catalogue's values, for templates and the API."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from zhanqun.platform.catalogue.models import DisclosureMode, Validity

VALIDITY = {Validity.VALID: _l("In force"), Validity.EXPIRED: _l("Expired"), Validity.REPEALED: _l("Repealed")}
DISCLOSURE = {DisclosureMode.ACTIVE: _l("Proactive disclosure"), DisclosureMode.ON_REQUEST: _l("Disclosure on request")}


def validity_label(value) -> str:
    """有效 / 失效 / 废止."""
    return str(VALIDITY[Validity(value)])


def disclosure_label(value) -> str:
    """主动公开 / 依申请公开."""
    return str(DISCLOSURE[DisclosureMode(value)])


def template_globals() -> dict:
    """What catalogue templates (console and themes) use."""
    return {"validity_label": validity_label, "disclosure_label": disclosure_label,
            "VALIDITY_CHOICES": list(VALIDITY.items()), "DISCLOSURE_CHOICES": list(DISCLOSURE.items())}
