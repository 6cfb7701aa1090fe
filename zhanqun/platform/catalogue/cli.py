"""``zhanqun catalogue seed-terms``: the default topic and genre lists."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from zhanqun.platform.catalogue.taxonomy import seed_default_terms
from zhanqun.platform.cli_support import command_errors


@click.group()
def catalogue():
    """The disclosure catalogue."""


@catalogue.command("seed-terms")
@with_appcontext
@command_errors()
def seed_terms():
    """Add the default topics (主题分类) and genres (体裁分类) that are missing."""
    click.echo(f"{seed_default_terms()} term(s) added")
