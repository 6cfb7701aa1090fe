"""Sync (同步推送): shared catalogue entries flow from the sub-sites to the portal.

- :mod:`outbox` – events written in the same transaction as the entry change.
- :mod:`delivery` – takes pending events in order per entry and hands them to a target:
  :class:`~.targets.LocalPortal` (this platform's portal tenant) or
  :class:`~.targets.RemotePortal` (another zhanqun portal over signed HTTP).
- :mod:`receive` – the portal side: upsert by (source site code, entry uid), newer versions only.
- :mod:`background` – the embedded default: deliver right after commit, in a thread.
- :mod:`verify` – compare sources and copies; repair by enqueueing events.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register sync's settings, after-commit delivery, CLI, console pages and receiver."""
    from zhanqun.platform.sync import background, cli, settings, views

    settings.init_app(app)
    background.init_app(app)
    app.cli.add_command(cli.sync)
    views.init_app(app)
