"""Sync to the local portal, end to end (issue 5).

    python bench/sync.py            # 20 sub-sites × 500 shared entries (10,000 events),
                                    # rewrites its marked block of docs/performance.md
    python bench/sync.py --quick    # 4 × 50, in seconds, prints only
    python bench/sync.py --sites 2 --per-site 10 --no-write    # any size, prints only
    python bench/sync.py --database-url postgresql+psycopg://…/empty_db

Seeds a temporary SQLite database (or the given empty database) through the real catalogue
services with delivery switched off, so every entry leaves one outbox event. Then measures
``deliver_pending()`` to the local portal (claim, upsert of the portal copy, mark delivered,
one transaction per event: events per second, end to end) and ``sync verify`` over every
shared entry.
"""
from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from docblock import write_block  # noqa: E402 - after the path set-up above

# The block between <!-- bench/sync.py: start --> and <!-- bench/sync.py: end --> in docs/performance.md,
# in this section (at its end when the markers are not there yet).
OWNER, SECTION = "bench/sync.py", "## Sync of shared catalogue entries to the portal (`bench/sync.py`)"
SECRET = "bench-secret-key-0123456789abcdef0123456789abcdef"


def build_app(database_url: str, instance: str):
    from zhanqun import create_app

    return create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": instance,
                       "ZHANQUN_DOMAIN": "bench.test", "ZHANQUN_SYNC_DELIVERY": "off"})


def seed(sites: int, per_site: int) -> float:
    """Create the portal, ``sites`` departments and their shared published entries; returns seconds."""
    from zhanqun.platform.accounts.models import Role
    from zhanqun.platform.accounts.services import create_user
    from zhanqun.platform.catalogue import services
    from zhanqun.platform.catalogue.models import CatalogueTerm, TermKind
    from zhanqun.platform.catalogue.taxonomy import seed_default_terms
    from zhanqun.platform.extensions import db
    from zhanqun.tenants.scoping import tenant_context
    from zhanqun.tenants.services import create_tenant

    started = time.perf_counter()
    create_tenant({"slug": "portal", "name": "基准县人民政府", "kind": "portal", "site_code": "4399990000"})
    user, _ = create_user({"username": "bench", "password": "bench-password-123", "is_platform_admin": True})
    seed_default_terms()
    db.session.commit()
    topics = [t.id for t in db.session.scalars(db.select(CatalogueTerm).where(CatalogueTerm.kind == TermKind.TOPIC))]
    for n in range(sites):
        tenant = create_tenant({"slug": f"dept{n:02d}", "name": f"基准县第{n + 1}局", "site_code": f"43999901{n:02d}",
                                "org_code": f"0069{n:05d}"})
        db.session.commit()
        with tenant_context(tenant.id):
            for i in range(per_site):
                entry = services.create_entry({
                    "title": f"第{n + 1}局信息公开条目{i + 1}", "publisher": tenant.name, "topic_id": topics[i % len(topics)],
                    "issued_on": date(2020 + i % 5, 1 + i % 12, 1 + i % 28), "shared": True,
                    "body": "<p>" + "政府信息公开正文。" * 40 + "</p>",
                }, user=user)
                services.change_status(entry, "publish", user=user, role=Role.SITE_ADMIN)
            db.session.commit()
        print(f"  seeded {n + 1}/{sites} sites", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return time.perf_counter() - started


def machine(database_url: str) -> dict:
    from zhanqun.platform.extensions import db

    ram = "?"
    try:
        with open("/proc/meminfo") as f:
            ram = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    backend = db.engine.dialect.name
    if backend == "postgresql":
        with db.engine.connect() as conn:
            version = "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar()
    else:
        version = "SQLite " + sqlite3.sqlite_version
    return {"nproc": os.cpu_count(), "ram": ram, "python": platform.python_version(), "database": version,
            "os": f"{platform.system()} {platform.release()}"}


def run(args) -> dict:
    from zhanqun.platform.extensions import db
    from zhanqun.platform.sync.delivery import deliver_pending, pending_count
    from zhanqun.platform.sync.verify import verify

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or "sqlite:///" + os.path.join(tmp, "bench.db")
        app = build_app(url, os.path.join(tmp, "instance"))
        with app.app_context():
            db.create_all()
            seconds_seed = seed(args.sites, args.per_site)
            events = pending_count()
            started = time.perf_counter()
            summary = deliver_pending()
            seconds_deliver = time.perf_counter() - started
            started = time.perf_counter()
            report = verify()
            seconds_verify = time.perf_counter() - started
            result = {
                "sites": args.sites, "entries": args.sites * args.per_site, "events": events,
                "delivered": summary.delivered, "failed": summary.failed, "seed_s": round(seconds_seed, 1),
                "deliver_s": round(seconds_deliver, 2), "events_per_s": round(summary.delivered / seconds_deliver, 1),
                "verify_s": round(seconds_verify, 2), "verify_clean": report.clean, "checked": report.checked,
                "machine": machine(url),
            }
            if not args.database_url:
                db.engine.dispose()
    return result


def markdown(r: dict) -> str:
    """The measured part of the section (the text of the marked block, without the markers)."""
    m = r["machine"]
    return "\n".join([
        (f"Run {datetime.now(UTC):%Y-%m-%d} on {m['nproc']} CPUs, {m['ram']} RAM, {m['os']}; "
         f"Python {m['python']}; {m['database']}."),
        "",
        "| measure | value |",
        "|---|---|",
        f"| sub-sites × shared entries | {r['sites']} × {r['entries'] // r['sites']} = {r['entries']} |",
        f"| outbox events delivered to the local portal | {r['delivered']} (failed {r['failed']}) |",
        f"| delivery time, end to end | {r['deliver_s']} s |",
        f"| **delivery rate** | **{r['events_per_s']} events/s** (one worker, batches of 50 events per transaction) |",
        f"| `sync verify` over {r['checked']} shared entries | {r['verify_s']} s ({'clean' if r['verify_clean'] else 'DIFFERENCES'}) |",
        f"| seeding through the catalogue services (not part of the measure) | {r['seed_s']} s |",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--per-site", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="4 sites × 50 entries; prints only")
    parser.add_argument("--no-write", action="store_true", help="only print; do not rewrite the block in docs/performance.md")
    parser.add_argument("--database-url", help="an EMPTY database to use instead of a temporary SQLite file")
    args = parser.parse_args()
    if args.quick:
        args.sites, args.per_site = 4, 50
    result = run(args)
    text = markdown(result)
    print(text)
    if not (args.quick or args.no_write):
        path = write_block(OWNER, text, SECTION)
        print(f"written to the {OWNER} block of {os.path.relpath(path, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
