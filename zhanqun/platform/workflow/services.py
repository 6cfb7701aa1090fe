"""The transition rules. Callers flush; the request commits."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from zhanqun.platform.accounts.models import Role, User
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.workflow.models import Status, Transition


class Action(enum.StrEnum):
    """What a person does to an item."""

    SUBMIT = "submit"
    PUBLISH = "publish"
    REJECT = "reject"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status
    role: Role


RULES = {
    Action.SUBMIT: Rule(frozenset({Status.DRAFT, Status.REJECTED, Status.WITHDRAWN}), Status.SUBMITTED, Role.EDITOR),
    # Reviewers may publish their own draft directly, unless the site requires four eyes.
    Action.PUBLISH: Rule(frozenset({Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN}), Status.PUBLISHED, Role.REVIEWER),
    Action.REJECT: Rule(frozenset({Status.SUBMITTED}), Status.REJECTED, Role.REVIEWER),
    Action.WITHDRAW: Rule(frozenset({Status.PUBLISHED}), Status.WITHDRAWN, Role.REVIEWER),
}


class WorkflowError(Exception):
    """The transition is not allowed; ``str(exc)`` says why, for the person who tried."""


def allowed_actions(item, role: Role | None) -> list[Action]:
    """The actions ``role`` may take on ``item`` in its current status."""
    if role is None:
        return []
    return [a for a, rule in RULES.items() if item.status in rule.sources and role.includes(rule.role)]


def apply(item, action: Action, *, user: User, role: Role, item_type: str, comment: str = "",
          require_other_reviewer: bool = False, publish_at: datetime | None = None) -> Transition:
    """Move ``item`` by ``action`` and record the transition.

    ``require_other_reviewer`` is the site's four-eyes rule: nobody publishes what they
    created themselves. ``publish_at`` schedules publication (default: now, or the time
    already set on the item).
    """
    rule = RULES[Action(action)]
    if not role.includes(rule.role):
        raise WorkflowError(_("Your role on this site does not allow this."))
    if item.status not in rule.sources:
        raise WorkflowError(_("This cannot be done while the item is “%(status)s”.", status=status_label(item.status)))
    if action == Action.REJECT and not comment.strip():
        raise WorkflowError(_("Say why it is rejected, so the author can fix it."))
    if action == Action.PUBLISH and require_other_reviewer and item.created_by_id == user.id:
        raise WorkflowError(_("This site requires that someone other than the author publishes it."))
    previous = item.status
    item.status = rule.target
    if action == Action.PUBLISH:
        item.published_at = publish_at or item.published_at or utcnow()
    transition = Transition(
        item_type=item_type, item_id=item.id, action=action.value, from_status=previous, to_status=rule.target,
        user_id=user.id, comment=comment.strip(),
    )
    db.session.add(transition)
    db.session.flush()
    return transition


def history(item_type: str, item_id: int) -> list[Transition]:
    """Every transition of one item, oldest first."""
    return list(db.session.scalars(
        sa.select(Transition).where(Transition.item_type == item_type, Transition.item_id == item_id)
        .options(sa.orm.joinedload(Transition.user)).order_by(Transition.id)
    ))


def status_label(status: Status) -> str:
    """The translated name of a status."""
    labels = {
        Status.DRAFT: _("Draft"),
        Status.SUBMITTED: _("Awaiting review"),
        Status.PUBLISHED: _("Published"),
        Status.REJECTED: _("Rejected"),
        Status.WITHDRAWN: _("Withdrawn"),
    }
    return labels[Status(status)]
