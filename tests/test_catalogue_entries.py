"""Catalogue entries: index numbers, sanitised bodies, the review workflow and versions."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError

from tests.catalogue_support import act, county, edit, entry_data, make_entry
from zhanqun.platform.accounts.models import Role
from zhanqun.platform.catalogue import index_numbers, services
from zhanqun.platform.catalogue.models import CatalogueEntry, CatalogueSettings
from zhanqun.platform.extensions import db
from zhanqun.platform.sync.models import OutboxEvent
from zhanqun.tenants.scoping import cross_tenant, tenant_context


@pytest.fixture
def site(app, make_site, make_user):
    """The county; the test body reads across sites (services enter their own tenant)."""
    with cross_tenant():
        yield county(make_site, make_user)


def test_index_numbers_follow_the_default_pattern_per_site_and_year(site):
    portal, jyj, wjj, reviewer = site
    first = make_entry(jyj, reviewer, publish=False)
    second = make_entry(jyj, reviewer, publish=False)
    other_year = make_entry(jyj, reviewer, publish=False, issued_on=__import__("datetime").date(2023, 5, 1))
    other_site = make_entry(wjj, reviewer, publish=False)
    assert first.index_number == "006939002/2024-00001"
    assert second.index_number == "006939002/2024-00002"
    assert other_year.index_number == "006939002/2023-00001"
    assert other_site.index_number == "006939003/2024-00001"


def test_a_site_may_use_its_own_pattern(site):
    portal, jyj, wjj, reviewer = site
    with tenant_context(jyj.id):
        db.session.add(CatalogueSettings(index_pattern="JY-{topic_code}-{year}-{seq:04d}"))
        db.session.commit()
    assert make_entry(jyj, reviewer).index_number == "JY-10-2024-0001"


@pytest.mark.parametrize("pattern", ["{org_code}-{seq}", "{year}-{nope}-{seq}", "{year}-{seq", "{year}"])
def test_patterns_that_could_repeat_or_break_are_refused(pattern):
    with pytest.raises(ValueError):
        index_numbers.validate_pattern(pattern)


def test_the_index_number_never_changes_once_published(site):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    number = entry.index_number
    with tenant_context(jyj.id):
        db.session.add(CatalogueSettings(index_pattern="X{year}{seq}"))
        db.session.commit()
    edit(entry, title="新标题", issued_on=__import__("datetime").date(2020, 1, 1))
    assert entry.index_number == number


def test_a_taken_number_is_retried(site, monkeypatch):
    """The unique constraint, not luck, keeps numbers apart: a stale guess is retried."""
    portal, jyj, wjj, reviewer = site
    make_entry(jyj, reviewer, publish=False)
    guesses = iter([1, 1, 2])
    monkeypatch.setattr(index_numbers, "_next_seq", lambda year: next(guesses))
    entry = make_entry(jyj, reviewer, publish=False)
    assert entry.index_seq == 2 and entry.index_number.endswith("-00002")


def test_body_is_sanitised_and_fields_checked(site):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    assert "<script>" not in entry.body and "各学校" in entry.body
    with tenant_context(jyj.id), pytest.raises(ValidationError) as exc:
        services.create_entry(entry_data(topic_id=entry.genre_id), user=reviewer)
    assert "topic_id" in exc.value.messages
    db.session.rollback()


def test_versions_and_outbox_events_follow_every_synced_change(site, app, monkeypatch):
    monkeypatch.setitem(app.config, "ZHANQUN_SYNC_DELIVERY", "off")
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer, publish=False)
    with cross_tenant():
        assert db.session.scalar(sa.select(sa.func.count(OutboxEvent.id))) == 0  # a draft is not sent
    act(entry, "publish", reviewer)
    edit(entry, title="改过的标题")
    edit(entry, shared=False)
    edit(entry, title="不共享时的修改")
    with cross_tenant():
        events = db.session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.id)).all()
    assert [(e.operation, e.version) for e in events] == [("upsert", 2), ("upsert", 3), ("withdraw", 4)]
    assert events[1].payload["title"] == "改过的标题"
    assert events[0].payload["source"]["site_code"] == "4304230002"
    assert events[0].payload["source"]["url"].endswith(f"/catalogue/{entry.uid}/")


def test_withdrawing_and_deleting_send_a_withdraw(site, app, monkeypatch):
    monkeypatch.setitem(app.config, "ZHANQUN_SYNC_DELIVERY", "off")
    portal, jyj, wjj, reviewer = site
    withdrawn = make_entry(jyj, reviewer)
    deleted = make_entry(jyj, reviewer)
    act(withdrawn, "withdraw", reviewer)
    with tenant_context(jyj.id):
        services.delete_entry(deleted, role=Role.REVIEWER)
        db.session.commit()
    with cross_tenant():
        ops = dict(db.session.execute(sa.select(OutboxEvent.entry_uid, OutboxEvent.operation).order_by(OutboxEvent.id)).all())
        assert db.session.scalar(sa.select(CatalogueEntry).where(CatalogueEntry.uid == deleted.uid)) is None
    assert ops == {withdrawn.uid: "withdraw", deleted.uid: "withdraw"}


def test_an_editor_cannot_change_a_published_entry(site, make_user):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    with tenant_context(jyj.id), pytest.raises(services.EntryError):
        services.update_entry(entry, {"title": "x"}, role=Role.EDITOR)
    db.session.rollback()


def test_no_event_without_the_entry(site, app, monkeypatch):
    """A failing save leaves neither the change nor its event."""
    monkeypatch.setitem(app.config, "ZHANQUN_SYNC_DELIVERY", "off")
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    with tenant_context(jyj.id):
        services.update_entry(entry, {"title": "半途"}, role=Role.REVIEWER)
        db.session.rollback()
    with cross_tenant():
        assert db.session.scalar(sa.select(sa.func.count(OutboxEvent.id))) == 1
        assert db.session.scalar(sa.select(CatalogueEntry.title).where(CatalogueEntry.id == entry.id)) != "半途"
