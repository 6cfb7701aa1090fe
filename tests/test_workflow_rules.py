"""The workflow rules themselves, independent of any page."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.db import utcnow
from zhanqun.platform.workflow.models import Status
from zhanqun.platform.workflow.services import (
    Action,
    WorkflowError,
    allowed_actions,
    apply,
)


@pytest.mark.parametrize("status, role, expected", [
    (Status.DRAFT, Role.EDITOR, [Action.SUBMIT]),
    (Status.SUBMITTED, Role.EDITOR, []),
    (Status.PUBLISHED, Role.EDITOR, []),
    (Status.DRAFT, Role.REVIEWER, [Action.SUBMIT, Action.PUBLISH]),
    (Status.SUBMITTED, Role.REVIEWER, [Action.PUBLISH, Action.REJECT]),
    (Status.PUBLISHED, Role.SITE_ADMIN, [Action.WITHDRAW]),
    (Status.REJECTED, Role.EDITOR, [Action.SUBMIT]),
    (Status.WITHDRAWN, Role.EDITOR, [Action.SUBMIT]),
])
def test_allowed_actions_per_role_and_status(status, role, expected):
    assert allowed_actions(SimpleNamespace(status=status), role) == expected


def test_no_role_no_actions():
    assert allowed_actions(SimpleNamespace(status=Status.DRAFT), None) == []


def item(status=Status.SUBMITTED, **fields):
    return SimpleNamespace(id=1, status=status, published_at=None, created_by_id=7, **fields)


def test_refusals_happen_before_anything_changes(app):
    with app.test_request_context():
        user = SimpleNamespace(id=7)
        thing = item()
        with pytest.raises(WorkflowError):
            apply(thing, Action.PUBLISH, user=user, role=Role.EDITOR, item_type="article")
        with pytest.raises(WorkflowError):
            apply(thing, Action.REJECT, user=user, role=Role.REVIEWER, item_type="article", comment=" ")
        with pytest.raises(WorkflowError):
            apply(thing, Action.PUBLISH, user=user, role=Role.REVIEWER, item_type="article", require_other_reviewer=True)
        with pytest.raises(WorkflowError):
            apply(thing, Action.WITHDRAW, user=user, role=Role.SITE_ADMIN, item_type="article")
        assert thing.status == Status.SUBMITTED and thing.published_at is None


def test_visibility_follows_status_and_time():
    from zhanqun.platform.articles.models import Article

    now = utcnow()
    assert Article(status=Status.PUBLISHED, published_at=now - timedelta(minutes=1)).is_visible(now)
    assert not Article(status=Status.PUBLISHED, published_at=now + timedelta(minutes=1)).is_visible(now)
    assert not Article(status=Status.WITHDRAWN, published_at=now - timedelta(days=1)).is_visible(now)
    assert not Article(status=Status.PUBLISHED, published_at=None).is_visible(now)
