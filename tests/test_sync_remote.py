"""Delivery to a remote zhanqun portal over signed HTTP, and the receiving endpoint's refusals.

The remote portal is a second app on its own database, so the two platforms share nothing
but the HTTP messages between them.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa

from tests.catalogue_support import county, make_entry
from tests.conftest import make_test_app
from zhanqun.platform.audit.models import AuditEvent
from zhanqun.platform.extensions import db
from zhanqun.platform.sync import delivery, signing
from zhanqun.platform.sync.models import EventState, OutboxEvent, PortalCopy, SyncKey
from zhanqun.platform.sync.targets import RECEIVE_PATH, RemotePortal, message
from zhanqun.tenants.scoping import cross_tenant

SECRET_JYJ = "a" * 64
SECRET_WJJ = "b" * 64


@pytest.fixture(scope="module")
def remote_app(tmp_path_factory):
    """Another platform whose portal receives the deliveries."""
    folder = tmp_path_factory.mktemp("remote")
    app = make_test_app("sqlite:///" + str(folder / "remote.db"), str(folder / "instance"), ZHANQUN_DOMAIN="remote.test")
    with app.app_context():
        from zhanqun.tenants.services import create_tenant

        db.create_all()
        create_tenant({"slug": "portal", "name": "远端门户", "kind": "portal", "site_code": "9999999999"})
        db.session.add_all([SyncKey(site_code="4304230002", secret=SECRET_JYJ), SyncKey(site_code="4304230003", secret=SECRET_WJJ)])
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def remote(remote_app):
    """The remote app, its tables of received things emptied after the test."""
    yield remote_app
    with remote_app.app_context():
        for model in (PortalCopy, AuditEvent):
            db.session.execute(sa.delete(model.__table__))
        db.session.execute(sa.text("DELETE FROM sync_received_message"))
        db.session.commit()


def remote_copies(remote_app) -> dict:
    with remote_app.app_context(), cross_tenant():
        return {c.entry_uid: (c.version, c.title, c.withdrawn) for c in db.session.scalars(sa.select(PortalCopy))}


def refusals(remote_app) -> list:
    with remote_app.app_context():
        return [e.detail["reason"] for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "sync.refused"))]


class ThreadedWSGI(httpx.BaseTransport):
    """Calls the remote app in a thread of its own, as a real server would (fresh context)."""

    def __init__(self, app):
        self.inner = httpx.WSGITransport(app=app)
        self.pool = ThreadPoolExecutor(1)
        self.down = False

    def handle_request(self, request):
        if self.down:
            raise httpx.ConnectError("connection refused")
        return self.pool.submit(self._call, request).result()

    def _call(self, request):
        response = self.inner.handle_request(request)
        response.read()
        return response


@pytest.fixture
def site(app, make_site, make_user):
    app.config["ZHANQUN_SYNC_DELIVERY"] = "off"
    with cross_tenant():
        result = county(make_site, make_user)
        db.session.add_all([SyncKey(site_code="4304230002", secret=SECRET_JYJ), SyncKey(site_code="4304230003", secret=SECRET_WJJ)])
        db.session.commit()
        yield result
    app.config["ZHANQUN_SYNC_DELIVERY"] = "inline"


def outbox():
    db.session.commit()
    return db.session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.id)).all()


def post(remote_app, body: bytes, *, site_code="4304230002", secret=SECRET_JYJ, timestamp=None, host="remote.test"):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"Host": host, "Content-Type": "application/json", signing.SITE_HEADER: site_code,
               signing.TIMESTAMP_HEADER: timestamp, signing.SIGNATURE_HEADER: signing.sign(secret, timestamp, body)}
    return remote_app.test_client().post(RECEIVE_PATH, data=body, headers=headers)


def body_of(event) -> bytes:
    return json.dumps(message(event), ensure_ascii=False).encode()


def test_events_arrive_at_the_remote_portal_and_not_locally(site, remote):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    transport = ThreadedWSGI(remote)
    target = RemotePortal("http://remote.test", client=httpx.Client(transport=transport))
    summary = delivery.deliver_pending(target=target)
    assert summary.delivered == 1
    assert remote_copies(remote) == {entry.uid: (entry.version, entry.title, False)}
    assert db.session.scalar(sa.select(sa.func.count(PortalCopy.id))) == 0


def test_remote_portal_down_then_back(site, remote):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    transport = ThreadedWSGI(remote)
    transport.down = True
    target = RemotePortal("http://remote.test", client=httpx.Client(transport=transport))
    assert delivery.deliver_pending(target=target).failed == 1
    assert remote_copies(remote) == {}
    transport.down = False
    assert delivery.deliver_pending(target=target).attempted == 0  # backing off
    db.session.execute(sa.update(OutboxEvent.__table__).values(next_attempt_at=OutboxEvent.created_at))
    db.session.commit()
    assert delivery.deliver_pending(target=target).delivered == 1
    assert entry.uid in remote_copies(remote)


def test_a_lost_answer_is_not_delivered_twice(site, remote):
    """The portal applied it but the answer was lost: the retry is a replay, taken as done."""
    portal, jyj, wjj, reviewer = site
    make_entry(jyj, reviewer)
    event = outbox()[0]
    assert post(remote, body_of(event)).status_code == 200
    target = RemotePortal("http://remote.test", client=httpx.Client(transport=ThreadedWSGI(remote)))
    summary = delivery.deliver_pending(target=target)
    assert summary.delivered == 1 and summary.ignored == 1
    assert outbox()[0].state == EventState.DELIVERED


def test_forged_replayed_stale_and_unknown_messages_are_refused(site, remote):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    body = body_of(outbox()[0])
    assert post(remote, body, secret=SECRET_WJJ).status_code == 401  # another site's secret
    assert post(remote, body, secret="x" * 64).status_code == 401  # forged
    assert post(remote, body, timestamp=time.time() - 301).status_code == 401  # stale
    assert post(remote, body, site_code="0000000000").status_code == 401  # unknown site
    assert post(remote, body, site_code="4304230003", secret=SECRET_WJJ).status_code == 400  # posing as another site
    tampered = body.replace(entry.title.encode(), "篡改".encode())
    timestamp = str(int(time.time()))
    headers = {"Host": "remote.test", signing.SITE_HEADER: "4304230002", signing.TIMESTAMP_HEADER: timestamp,
               signing.SIGNATURE_HEADER: signing.sign(SECRET_JYJ, timestamp, body)}
    assert remote.test_client().post(RECEIVE_PATH, data=tampered, headers=headers).status_code == 401
    assert remote_copies(remote) == {}
    assert post(remote, body).status_code == 200
    assert post(remote, body).status_code == 409  # replayed
    assert remote_copies(remote) == {entry.uid: (entry.version, entry.title, False)}
    assert sorted(refusals(remote)) == sorted(["bad signature", "bad signature", "stale", "unknown site code", "malformed",
                                               "bad signature", "replayed"])


def test_only_the_portal_receives(site, remote):
    with remote.app_context():
        from zhanqun.tenants.services import create_tenant

        create_tenant({"slug": "dept", "name": "远端部门", "site_code": "8888888888"})
        db.session.commit()
    portal, jyj, wjj, reviewer = site
    make_entry(jyj, reviewer)
    try:
        assert post(remote, body_of(outbox()[0]), host="dept.remote.test").status_code == 404
    finally:
        with remote.app_context():
            from zhanqun.tenants.models import Tenant

            db.session.execute(sa.delete(Tenant.__table__).where(Tenant.__table__.c.slug == "dept"))
            db.session.commit()
