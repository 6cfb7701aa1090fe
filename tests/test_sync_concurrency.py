"""Concurrency on PostgreSQL: index numbers under parallel saves, two workers sharing a queue."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.catalogue_support import county, entry_data, make_entry
from zhanqun.platform.catalogue import services
from zhanqun.platform.catalogue.models import CatalogueEntry
from zhanqun.platform.extensions import db
from zhanqun.platform.sync import delivery
from zhanqun.platform.sync.models import EventState, OutboxEvent
from zhanqun.platform.sync.targets import LocalPortal
from zhanqun.tenants.scoping import cross_tenant, tenant_context

pytestmark = pytest.mark.postgresql


@pytest.fixture
def site(app, make_site, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (set ZHANQUN_TEST_DATABASE_URL)")
    with cross_tenant():
        yield county(make_site, make_user)


def in_threads(app, count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads that start together; re-raise any failure."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        with app.app_context():
            try:
                barrier.wait()
                results[i] = work(i)
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_parallel_saves_never_share_an_index_number(site, app):
    portal, jyj, wjj, reviewer = site
    reviewer_id = reviewer.id

    def save(i):
        with tenant_context(jyj.id):
            numbers = []
            for _ in range(5):
                entry = services.create_entry(entry_data(title=f"并发 {i}"), user=db.session.get(type(reviewer), reviewer_id))
                db.session.commit()
                numbers.append(entry.index_number)
            return numbers

    numbers = [n for chunk in in_threads(app, 6, save) for n in chunk]
    assert len(numbers) == len(set(numbers)) == 30
    with tenant_context(jyj.id):
        seqs = sorted(db.session.scalars(sa.select(CatalogueEntry.index_seq)))
    assert seqs == list(range(1, 31))


def test_two_workers_deliver_each_event_once(site, app, monkeypatch):
    monkeypatch.setattr(delivery, "BATCH_SIZE", 5)  # several batches, so both workers get some
    app.config["ZHANQUN_SYNC_DELIVERY"] = "off"
    try:
        portal, jyj, wjj, reviewer = site
        for i in range(40):
            make_entry(jyj if i % 2 else wjj, reviewer)
        handed: list[str] = []
        lock = threading.Lock()

        class Recording(LocalPortal):
            def deliver(self, event):
                with lock:
                    handed.append(event.uid)
                return super().deliver(event)

        summaries = in_threads(app, 2, lambda i: delivery.deliver_pending(target=Recording()))
        assert len(handed) == len(set(handed)) == 40
        assert all(s.delivered > 0 for s in summaries), "both workers took part"
        with cross_tenant():
            db.session.commit()
            states = db.session.scalars(sa.select(OutboxEvent.state)).all()
        assert states == [EventState.DELIVERED] * 40
    finally:
        app.config["ZHANQUN_SYNC_DELIVERY"] = "inline"
