"""The demo county's catalogue: created once, shared entries synced to the portal."""
from __future__ import annotations

from tests.catalogue_support import copies
from zhanqun.platform.catalogue.demo import ENTRIES, load_demo_catalogue
from zhanqun.platform.extensions import db


def test_demo_catalogue_is_idempotent_and_synced(app, make_site, make_user):
    make_user("admin", platform_admin=True)
    sites = {"hengshan": make_site("hengshan", kind="portal", site_code="4304230001"),
             "jyj": make_site("jyj", name="衡山县教育局", site_code="4304230003", org_code="006939003"),
             "hbj": make_site("hbj", name="衡山县环保局", site_code="4304230006", org_code="006939006")}
    created = load_demo_catalogue(sites)
    db.session.commit()
    assert created == len(ENTRIES["jyj"]) + len(ENTRIES["hbj"])
    shared = [c for c in copies().values() if not c.withdrawn]
    assert len(shared) == created - 1  # 环保局 keeps its duty roster to itself
    assert {c.source_name for c in shared} == {"衡山县教育局", "衡山县环保局"}
    assert load_demo_catalogue(sites) == 0
    db.session.commit()
    assert len(copies()) == created - 1
