"""``zhanqun sync verify [--repair]``: missing, stale and orphaned copies, and their repair."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.catalogue_support import copies, county, edit, make_entry
from zhanqun.platform.catalogue.models import CatalogueEntry
from zhanqun.platform.extensions import db
from zhanqun.platform.sync.models import PortalCopy
from zhanqun.tenants.scoping import cross_tenant


@pytest.fixture
def site(app, make_site, make_user):
    with cross_tenant():
        yield county(make_site, make_user)


def test_verify_is_clean_when_everything_arrived(site, runner):
    portal, jyj, wjj, reviewer = site
    make_entry(jyj, reviewer)
    result = runner.invoke(args=["sync", "verify"])
    assert result.exit_code == 0, result.output
    assert "checked 1 shared entries: 0 missing, 0 stale, 0 orphaned" in result.output


def test_verify_finds_and_repairs_drift(site, runner, app):
    portal, jyj, wjj, reviewer = site
    missing = make_entry(jyj, reviewer)
    stale = make_entry(wjj, reviewer)
    orphan_gone = make_entry(jyj, reviewer)
    with cross_tenant():
        db.session.execute(sa.delete(PortalCopy).where(PortalCopy.entry_uid == missing.uid))
        db.session.execute(sa.update(PortalCopy).where(PortalCopy.entry_uid == stale.uid).values(version=1, title="旧"))
        # The source row vanished without a withdraw (e.g. restored from an old backup).
        db.session.execute(sa.delete(CatalogueEntry).where(CatalogueEntry.uid == orphan_gone.uid))
        db.session.commit()
    result = runner.invoke(args=["sync", "verify"])
    assert result.exit_code == 1
    assert f"missing\tjyj\t{missing.uid}" in result.output
    assert f"stale\twjj\t{stale.uid}" in result.output
    assert f"orphaned\tjyj\t{orphan_gone.uid}" in result.output
    result = runner.invoke(args=["sync", "verify", "--repair"])
    assert result.exit_code == 1 and "repairs enqueued" in result.output
    got = copies()
    assert got[missing.uid].withdrawn is False and got[stale.uid].title == stale.title
    assert got[orphan_gone.uid].withdrawn is True
    assert runner.invoke(args=["sync", "verify"]).exit_code == 0


def test_verify_withdraws_copies_of_unshared_entries(site, runner, app):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    app.config["ZHANQUN_SYNC_DELIVERY"] = "off"
    edit(entry, shared=False)  # its withdraw is still waiting in the outbox
    app.config["ZHANQUN_SYNC_DELIVERY"] = "inline"
    assert runner.invoke(args=["sync", "verify"]).exit_code == 1
    runner.invoke(args=["sync", "run"])
    assert runner.invoke(args=["sync", "verify"]).exit_code == 0
    assert copies()[entry.uid].withdrawn is True


def test_verify_refuses_when_the_portal_is_remote(site, runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "ZHANQUN_SYNC_TARGET", "https://www.example.gov.cn")
    result = runner.invoke(args=["sync", "verify"])
    assert result.exit_code == 1 and "ZHANQUN_SYNC_TARGET" in result.output
