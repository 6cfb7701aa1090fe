"""``zhanqun sync run|worker|verify|retry|keys``: thin wrappers over the sync services."""
from __future__ import annotations

import signal
import threading

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from zhanqun.platform.cli_support import ExpectedError, command_errors
from zhanqun.platform.extensions import db
from zhanqun.platform.sync import delivery, signing
from zhanqun.platform.sync.models import SyncKey
from zhanqun.platform.sync.verify import verify as verify_sources


@click.group()
def sync():
    """Deliver shared catalogue entries to the portal, and check that nothing drifted."""


@sync.command("run")
@click.option("--limit", type=int, default=None, help="Stop after this many events.")
@with_appcontext
def run(limit):
    """Deliver every pending event once, with a progress bar and a summary."""
    total = delivery.pending_count()
    if limit is not None:
        total = min(total, limit)
    with click.progressbar(length=total, label="Delivering") as bar:
        summary = delivery.deliver_pending(limit=limit, progress=bar.update)
    click.echo(f"delivered {summary.delivered} (already up to date {summary.ignored}), failed {summary.failed}, "
               f"parked {summary.parked}, still pending {delivery.pending_count()}")
    for error in summary.errors[:20]:
        click.echo(f"  {error}", err=True)
    if summary.failed:
        raise SystemExit(1)


@sync.command("worker")
@click.option("--interval", type=float, default=2.0, show_default=True, help="Seconds to sleep when idle.")
@with_appcontext
def worker(interval):
    """Deliver continuously until stopped (Ctrl-C or SIGTERM finish the current event first)."""
    stop = threading.Event()

    def _stop(signum, frame):
        click.echo("stopping after the current event …", err=True)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _stop)
    click.echo("sync worker started", err=True)
    run_worker(stop, interval)
    click.echo("sync worker stopped", err=True)


def run_worker(stop: threading.Event, interval: float, target=None) -> None:
    """The worker loop: deliver what is due, sleep when idle, until ``stop`` is set."""
    while not stop.is_set():
        summary = delivery.deliver_pending(stop=stop, target=target)
        if summary.attempted:
            click.echo(f"delivered {summary.delivered}, failed {summary.failed}, parked {summary.parked}", err=True)
        else:
            stop.wait(interval)


@sync.command("verify")
@click.option("--repair", is_flag=True, help="Enqueue the events that fix every difference.")
@with_appcontext
@command_errors()
def verify(repair):
    """Compare every shared entry with the portal's copy; exit 0 only when nothing differs."""
    if current_app.config["ZHANQUN_SYNC_TARGET"]:
        raise ExpectedError("verify compares with this platform's own portal; with ZHANQUN_SYNC_TARGET set, "
                            "run it on the portal's platform")
    report = verify_sources(repair=repair)
    for kind in ("missing", "stale", "orphaned"):
        for slug, uid in getattr(report, kind):
            click.echo(f"{kind}\t{slug}\t{uid}")
    click.echo(f"checked {report.checked} shared entries: {len(report.missing)} missing, {len(report.stale)} stale, "
               f"{len(report.orphaned)} orphaned" + ("; repairs enqueued" if repair and not report.clean else ""))
    if not report.clean:
        db.session.commit()
        raise SystemExit(1)


@sync.command("retry")
@click.argument("event_ids", nargs=-1, type=int)
@with_appcontext
@command_errors()
def retry(event_ids):
    """Make parked events (all, or those given) due again."""
    count = delivery.retry(list(event_ids) if event_ids else None)
    click.echo(f"{count} parked event(s) will be delivered again")


@sync.group("keys")
def keys():
    """The per-site secrets that sign deliveries to a remote portal."""


@keys.command("create")
@click.argument("site_code")
@with_appcontext
@command_errors()
def create_key(site_code):
    """Create (or replace) the secret of SITE_CODE and print it once, for the portal's side."""
    key = db.session.scalar(sa.select(SyncKey).where(SyncKey.site_code == site_code))
    secret = signing.new_secret()
    if key is None:
        db.session.add(SyncKey(site_code=site_code, secret=secret))
    else:
        key.secret = secret
    click.echo(secret)


@keys.command("add")
@click.argument("site_code")
@click.option("--secret", prompt=True, hide_input=True, help="The secret printed by `keys create` on the sending side.")
@with_appcontext
@command_errors()
def add_key(site_code, secret):
    """On the portal: accept deliveries of SITE_CODE signed with SECRET."""
    if len(secret) < 32:
        raise click.ClickException("the secret must be at least 32 characters")
    key = db.session.scalar(sa.select(SyncKey).where(SyncKey.site_code == site_code))
    if key is None:
        db.session.add(SyncKey(site_code=site_code, secret=secret))
    else:
        key.secret = secret
    click.echo(f"deliveries of {site_code} are accepted")
