"""Helpers shared by every feature's CLI commands: expected errors become one line."""
from __future__ import annotations

import functools
import json

import click
import sqlalchemy as sa
from marshmallow import ValidationError

from zhanqun.platform.extensions import db
from zhanqun.platform.schemas import flatten_errors


class ExpectedError(Exception):
    """Base for domain errors whose message is meant for the person who ran the command."""


def one_line(messages: dict) -> str:
    """``ValidationError`` messages as ``field: message; field: message``."""
    return "; ".join(f"{field}: {' '.join(texts)}" for field, texts in flatten_errors(messages).items())


def command_errors(*expected: type[Exception]):
    """Run a command in one transaction; expected errors roll back and exit 1 with one line.

    ``ValidationError`` is always expected; pass the feature's own exception types too.
    """

    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            except ValidationError as exc:
                db.session.rollback()
                raise click.ClickException(one_line(exc.messages)) from None
            except (ExpectedError, *expected) as exc:
                db.session.rollback()
                raise click.ClickException(str(exc)) from None
            except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
                db.session.rollback()
                reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
                raise click.ClickException(
                    f"the database cannot be used ({reason}); run `zhanqun db upgrade` and check ZHANQUN_DATABASE_URL"
                ) from None

        return wrapper

    return decorator


def echo_json(data) -> None:
    """Print ``data`` as indented JSON (Chinese kept readable)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
