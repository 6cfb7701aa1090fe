"""The census checks: what each looks for, its severity, and how a finding is worded.

The thresholds are those of the national government website check (全国政府网站普查):

- the home page cannot be opened: single veto (单项否决);
- nothing new on the home page for 14 days: single veto;
- a column not updated within its expected interval (``Column.expected_update_days``:
  news 14 days, notices and policy documents 6 months, overview-type columns 1 year);
  5 or more such stale columns on one site: single veto; 10 or more columns that should be
  updated but are not (stale, or expected to update and still empty): single veto;
- an empty column (a list with nothing published, a single page with no text); 5 or more:
  single veto;
- footer elements: sponsor and contact, site code, ICP and public-security filing numbers;
- images without alternative text, pages without a title;
- broken internal links, missing images and attachments; failing external links.

Checks here are pure functions over data the caller loads (column statistics, crawled
pages); ``services`` loads, runs them and reconciles the findings.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from zhanqun.platform.census.crawler import BROKEN, CrawlResult
from zhanqun.platform.census.models import Severity
from zhanqun.platform.columns.models import ColumnKind
from zhanqun.platform.columns.services import public_path

HOME_STALE_DAYS = 14
MANY_STALE = 5
MANY_UNUPDATED = 10
MANY_EMPTY = 5
VETO, ORDINARY = Severity.VETO, Severity.ORDINARY


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    label: object  # lazy string
    needs_network: bool = False


CHECKS = {c.code: c for c in (
    Check("home_unreachable", VETO, _l("Home page cannot be opened")),
    Check("home_stale", VETO, _l("Home page not updated")),
    Check("many_stale", VETO, _l("Too many stale columns")),
    Check("many_unupdated", VETO, _l("Too many columns not updated")),
    Check("many_empty", VETO, _l("Too many empty columns")),
    Check("column_stale", ORDINARY, _l("Column not updated in time")),
    Check("column_empty", ORDINARY, _l("Empty column")),
    Check("broken_link", ORDINARY, _l("Broken link")),
    Check("missing_file", ORDINARY, _l("Missing image or attachment")),
    Check("external_link", ORDINARY, _l("External link fails"), needs_network=True),
    Check("footer_missing", ORDINARY, _l("Footer element missing")),
    Check("image_alt", ORDINARY, _l("Images without alternative text")),
    Check("page_title", ORDINARY, _l("Page without a title")),
)}
FOOTER_ELEMENTS = {
    "sponsor": _l("sponsor"),
    "contact": _l("contact"),
    "site_code": _l("site code"),
    "icp_number": _l("ICP filing number"),
    "police_number": _l("public-security filing number"),
}


@dataclass
class Detected:
    """A problem seen in this run; ``key`` tells it apart from others of the same check."""

    check: str
    url: str
    key: str
    params: dict = field(default_factory=dict)

    @property
    def severity(self) -> Severity:
        return CHECKS[self.check].severity

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(f"{self.check}\n{self.key}".encode()).hexdigest()


@dataclass
class ColumnStats:
    """One column with what was last published in it and how much (children included)."""

    path: str
    name: str
    kind: ColumnKind
    expected_days: int | None
    visible_items: int
    last_update: datetime | None
    has_text: bool = True


def column_findings(columns: list[ColumnStats], now: datetime) -> list[Detected]:
    """Stale and empty columns, and the single-veto counts over them."""
    found: list[Detected] = []
    stale = empty_expected = empty = 0
    for c in columns:
        url = public_path(c.path)
        if c.kind == ColumnKind.PAGE:
            is_empty = not c.has_text
        elif c.kind in (ColumnKind.LIST, ColumnKind.TOPIC):
            is_empty = c.visible_items == 0
        else:
            continue  # links and catalogues are checked by their own features
        if is_empty:
            empty += 1
            empty_expected += c.expected_days is not None
            found.append(Detected("column_empty", url, c.path, {"column": c.name}))
            continue
        if c.expected_days is not None and c.last_update is not None and now - c.last_update > timedelta(days=c.expected_days):
            stale += 1
            found.append(Detected("column_stale", url, c.path, {
                "column": c.name, "days": (now - c.last_update).days, "expected": c.expected_days}))
    if stale >= MANY_STALE:
        found.append(Detected("many_stale", "/", "site", {"count": stale, "limit": MANY_STALE}))
    if stale + empty_expected >= MANY_UNUPDATED:
        found.append(Detected("many_unupdated", "/", "site", {"count": stale + empty_expected, "limit": MANY_UNUPDATED}))
    if empty >= MANY_EMPTY:
        found.append(Detected("many_empty", "/", "site", {"count": empty, "limit": MANY_EMPTY}))
    return found


def home_findings(last_publication: datetime | None, now: datetime) -> list[Detected]:
    """Single veto when nothing was published on the site in the last 14 days."""
    if last_publication is not None and now - last_publication <= timedelta(days=HOME_STALE_DAYS):
        return []
    days = (now - last_publication).days if last_publication else None
    return [Detected("home_stale", "/", "home", {"days": days, "limit": HOME_STALE_DAYS})]


def page_findings(crawl: CrawlResult, site) -> list[Detected]:
    """What the crawl saw: broken links, missing files, footer elements, alt texts, titles."""
    found: list[Detected] = []
    if crawl.home_status >= BROKEN:
        found.append(Detected("home_unreachable", "/", "home", {"status": crawl.home_status}))
    for broken in crawl.broken.values():
        check = "missing_file" if broken.is_resource else "broken_link"
        found.append(Detected(check, broken.first_page, broken.target,
                              {"target": broken.target, "status": broken.status, "pages": broken.pages}))
    for page in crawl.pages:
        if page.images_without_alt:
            found.append(Detected("image_alt", page.path, page.path, {"count": len(page.images_without_alt),
                                                                     "example": page.images_without_alt[0]}))
        if not page.title:
            found.append(Detected("page_title", page.path, page.path))
    if crawl.home_html:
        for element in FOOTER_ELEMENTS:
            value = getattr(site, element)
            if not value or value not in crawl.home_html:
                found.append(Detected("footer_missing", "/", element, {"element": element}))
    return found


def external_findings(failures: dict[str, tuple[str, str]]) -> list[Detected]:
    """``failures`` maps url → (first page, reason)."""
    return [Detected("external_link", page, url, {"target": url, "reason": reason}) for url, (page, reason) in failures.items()]


def describe(check: str, params: dict) -> str:
    """What is wrong, in the current language."""
    p = params
    if check == "home_unreachable":
        return _("The home page answers %(status)s.", status=p["status"])
    if check == "home_stale":
        if p.get("days") is None:
            return _("Nothing has been published on this site yet.")
        return _("Nothing new for %(days)s days (the limit is %(limit)s).", days=p["days"], limit=p["limit"])
    if check in ("many_stale", "many_unupdated"):
        return _("%(count)s columns are not updated in time (single veto from %(limit)s).", count=p["count"], limit=p["limit"])
    if check == "many_empty":
        return _("%(count)s columns are empty (single veto from %(limit)s).", count=p["count"], limit=p["limit"])
    if check == "column_stale":
        return _("“%(column)s” has had nothing new for %(days)s days; it should be updated every %(expected)s days.",
                 column=p["column"], days=p["days"], expected=p["expected"])
    if check == "column_empty":
        return _("“%(column)s” has no content.", column=p["column"])
    if check in ("broken_link", "missing_file"):
        return _("%(target)s answers %(status)s (linked from %(pages)s page(s)).", target=p["target"], status=p["status"],
                 pages=p["pages"])
    if check == "external_link":
        return _("%(target)s fails: %(reason)s", target=p["target"], reason=p["reason"])
    if check == "footer_missing":
        return _("The footer does not show the %(element)s.", element=FOOTER_ELEMENTS[p["element"]])
    if check == "image_alt":
        return _("%(count)s image(s) have no alternative text, e.g. %(example)s.", count=p["count"], example=p["example"])
    if check == "page_title":
        return _("The page has no title.")
    return check


def label(check: str) -> str:
    """The check's name in the current language."""
    return str(CHECKS[check].label) if check in CHECKS else check
