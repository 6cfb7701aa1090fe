"""Delivery of shared entries to the local portal, and the faults it must survive."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.catalogue_support import act, copies, county, edit, make_entry
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.sync import delivery, receive
from zhanqun.platform.sync.background import deliverer
from zhanqun.platform.sync.models import EventState, OutboxEvent, PortalCopy
from zhanqun.platform.sync.targets import DeliveryError, LocalPortal
from zhanqun.tenants.scoping import cross_tenant


@pytest.fixture
def site(app, make_site, make_user):
    with cross_tenant():
        yield county(make_site, make_user)


@pytest.fixture
def manual(app):
    """Delivery only when the test says so."""
    app.config["ZHANQUN_SYNC_DELIVERY"] = "off"
    yield
    app.config["ZHANQUN_SYNC_DELIVERY"] = "inline"


def events(state=None):
    db.session.commit()  # a new snapshot: other threads may have written
    query = sa.select(OutboxEvent).order_by(OutboxEvent.id).execution_options(populate_existing=True)
    if state:
        query = query.where(OutboxEvent.state == state)
    return db.session.scalars(query).all()


class Counting(LocalPortal):
    """The local portal, counting what it is handed; optionally down or dying after N."""

    def __init__(self, down=False, die_after=None):
        self.down, self.die_after, self.handed = down, die_after, []

    def deliver(self, event):
        if self.down:
            raise DeliveryError("connection refused")
        if self.die_after is not None and len(self.handed) >= self.die_after:
            raise KeyboardInterrupt  # the process is killed: nothing below runs
        self.handed.append(event.uid)
        return super().deliver(event)


def test_publishing_a_shared_entry_reaches_the_portal_after_commit(site):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    copy = copies()[entry.uid]
    assert (copy.title, copy.index_number, copy.version, copy.withdrawn) == (entry.title, entry.index_number, entry.version, False)
    assert copy.tenant_id == portal.id and copy.source_name == "示范县教育局" and copy.topic_name == "科技、教育"
    assert copy.source_url.endswith(f"/catalogue/{entry.uid}/") and copy.received_at is not None
    edit(entry, title="新标题")
    assert copies()[entry.uid].title == "新标题"
    act(entry, "withdraw", reviewer)
    assert copies()[entry.uid].withdrawn is True


def test_unshared_entries_stay_home(site):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer, shared=False)
    assert entry.uid not in copies()


def test_the_background_thread_delivers_after_commit(site, app):
    app.config["ZHANQUN_SYNC_DELIVERY"] = "background"
    try:
        portal, jyj, wjj, reviewer = site
        entry = make_entry(jyj, reviewer)
        deliverer(app).wait(10)
        assert copies()[entry.uid].version == entry.version
        assert [e.state for e in events()] == [EventState.DELIVERED]
    finally:
        app.config["ZHANQUN_SYNC_DELIVERY"] = "inline"


def test_nothing_is_delivered_when_the_transaction_rolls_back(site, app):
    portal, jyj, wjj, reviewer = site
    make_entry(jyj, reviewer, commit=False)
    db.session.rollback()
    assert copies() == {} and events() == []


def test_portal_unreachable_then_back(site, manual, app):
    portal, jyj, wjj, reviewer = site
    entries = [make_entry(jyj, reviewer) for _ in range(3)]
    summary = delivery.deliver_pending(target=Counting(down=True))
    assert summary.failed == 3 and copies() == {}
    waiting = events(EventState.PENDING)
    assert len(waiting) == 3 and all(e.attempts == 1 and e.last_error for e in waiting)
    # Backed off: not due yet, so nothing is attempted right away.
    assert delivery.deliver_pending(target=Counting()).attempted == 0
    with cross_tenant():
        db.session.execute(sa.update(OutboxEvent).values(next_attempt_at=utcnow()))
        db.session.commit()
    delivery.deliver_pending(target=Counting())
    assert set(copies()) == {e.uid for e in entries}


def test_backoff_grows_and_the_last_attempt_parks(site, manual, app):
    app.config["ZHANQUN_SYNC_MAX_ATTEMPTS"] = 3
    try:
        portal, jyj, wjj, reviewer = site
        make_entry(jyj, reviewer)
        delays = []
        for _ in range(3):
            with cross_tenant():
                db.session.execute(sa.update(OutboxEvent).values(next_attempt_at=utcnow()))
                db.session.commit()
            delivery.deliver_pending(target=Counting(down=True))
            event = events()[0]
            delays.append((event.next_attempt_at - event.created_at).total_seconds())
        assert delays[1] > delays[0] * 1.5
        assert event.state == EventState.PARKED and event.attempts == 3
        assert delivery.retry() == 1
        db.session.commit()
        delivery.deliver_pending(target=Counting())
        assert events()[0].state == EventState.DELIVERED
    finally:
        app.config["ZHANQUN_SYNC_MAX_ATTEMPTS"] = 8


def test_worker_killed_mid_batch_loses_and_doubles_nothing(site, manual, monkeypatch):
    portal, jyj, wjj, reviewer = site
    monkeypatch.setattr(delivery, "BATCH_SIZE", 3)
    entries = [make_entry(jyj if i % 2 else wjj, reviewer) for i in range(6)]
    for entry in entries[:3]:
        edit(entry, title=entry.title + "（修订）")
    dying = Counting(die_after=4)  # the first batch commits, the second dies after one event
    with pytest.raises(KeyboardInterrupt):
        delivery.deliver_pending(target=dying)
    db.session.rollback()
    assert len([e for e in events() if e.state == EventState.DELIVERED]) == 3
    restarted = Counting()
    delivery.deliver_pending(target=restarted)
    assert not set(dying.handed[:3]) & set(restarted.handed)  # what was committed is not sent again
    assert set(dying.handed + restarted.handed) == {e.uid for e in events()}
    assert all(e.state == EventState.DELIVERED for e in events())
    got = copies()
    assert len(got) == 6 and all(got[e.uid].version == e.version and got[e.uid].title == e.title for e in entries)
    with cross_tenant():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PortalCopy)) == 6


def test_duplicates_and_reversed_order_leave_the_newest(site, manual):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    edit(entry, title="第二版")
    old, new = events()
    with cross_tenant():
        target = LocalPortal()
        assert target.deliver(new) == receive.APPLIED
        assert target.deliver(old) == receive.IGNORED
        assert target.deliver(new) == receive.IGNORED
        db.session.commit()
    copy = copies()[entry.uid]
    assert (copy.title, copy.version) == ("第二版", new.version)


def test_a_withdraw_overtaking_its_upsert_keeps_the_entry_hidden(site, manual):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    act(entry, "withdraw", reviewer)
    upsert, withdraw = events()
    with cross_tenant():
        LocalPortal().deliver(withdraw)
        LocalPortal().deliver(upsert)
        db.session.commit()
    assert copies()[entry.uid].withdrawn is True


def test_events_of_one_entry_go_in_order(site, manual):
    """A later version waits while an earlier one of the same entry is backing off."""
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    edit(entry, title="二")
    first, second = events()
    with cross_tenant():
        db.session.execute(sa.update(OutboxEvent).where(OutboxEvent.id == first.id)
                           .values(next_attempt_at=utcnow() + timedelta(minutes=5)))
        db.session.commit()
    assert delivery.deliver_pending(target=Counting()).attempted == 0
    with cross_tenant():
        db.session.execute(sa.update(OutboxEvent).values(next_attempt_at=utcnow()))
        db.session.commit()
    handed = Counting()
    delivery.deliver_pending(target=handed)
    assert handed.handed == [first.uid, second.uid]


def test_cli_run_shows_progress_and_a_summary(site, manual, runner):
    portal, jyj, wjj, reviewer = site
    for _ in range(3):
        make_entry(jyj, reviewer)
    result = runner.invoke(args=["sync", "run"])
    assert result.exit_code == 0, result.output
    assert "delivered 3" in result.output and "still pending 0" in result.output
    assert len(copies()) == 3


def test_worker_loop_stops_gracefully(site, manual, app):
    from zhanqun.platform.sync.cli import run_worker

    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    stop = threading.Event()

    class StopAfterOne(Counting):
        def deliver(self, event):
            result = super().deliver(event)
            stop.set()
            return result

    run_worker(stop, interval=0.01, target=StopAfterOne())
    assert copies()[entry.uid].version == entry.version


def test_console_shows_parked_events_with_a_retry_button(site, manual, app, client, make_user):
    from tests.conftest import CONSOLE, console_post, signin

    app.config["ZHANQUN_SYNC_MAX_ATTEMPTS"] = 1
    try:
        portal, jyj, wjj, reviewer = site
        entry = make_entry(jyj, reviewer)
        delivery.deliver_pending(target=Counting(down=True))
    finally:
        app.config["ZHANQUN_SYNC_MAX_ATTEMPTS"] = 8
    make_user("admin", platform_admin=True)
    signin(client, "admin")
    page = client.get("/sync/", headers={"Host": CONSOLE}).get_data(as_text=True)
    assert "connection refused" in page and entry.title in page
    assert client.post("/sync/retry", data={"event_id": events()[0].id}, headers={"Host": CONSOLE}).status_code == 400  # no CSRF
    response = console_post(client, "/sync/retry", {"event_id": events()[0].id})
    assert response.status_code == 302
    assert events()[0].state == EventState.PENDING


def test_only_platform_admins_see_the_sync_page(site, client):
    from tests.conftest import CONSOLE, signin

    signin(client, "shen")
    assert client.get("/sync/", headers={"Host": CONSOLE}).status_code == 403


def test_several_entries_in_one_transaction_all_arrive(site):
    """Index numbers use savepoints; releasing one must not count as the commit."""
    portal, jyj, wjj, reviewer = site
    first = make_entry(jyj, reviewer, commit=False)
    second = make_entry(jyj, reviewer, commit=False)
    db.session.commit()
    assert {first.uid, second.uid} <= set(copies())
