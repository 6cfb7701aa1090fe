"""The ``zhanqun`` command: Flask's CLI with every feature's commands added in ``create_app``."""
from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from zhanqun.platform.config import ConfigError


def _create_app():
    from zhanqun.platform.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def cli():
    """zhanqun (站群): consolidated government websites.

    \b
    Configuration comes from ZHANQUN_* environment variables (see README).
    """


def main() -> None:
    """Entry point of the ``zhanqun`` console script."""
    try:
        cli.main(prog_name="zhanqun")
    except ConfigError as exc:
        click.echo(f"zhanqun: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
