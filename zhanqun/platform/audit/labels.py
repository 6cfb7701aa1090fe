"""Readable names of audit actions, for the log page and its filter.

Each feature names its own actions with :func:`describe` when it is imported; an action
without a name is shown by its code.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

_LABELS: dict[str, object] = {}

# Groups offered in the filter: every action starting with the prefix.
GROUPS = {
    "auth.": _l("All sign-in events"),
    "user.": _l("All account changes"),
    "membership.": _l("All role changes"),
    "tenant.": _l("All site changes"),
}


def describe(action: str, label) -> None:
    """Give ``action`` a (lazy, translated) name on the audit log page."""
    _LABELS[action] = label


def action_label(action: str) -> str:
    """The readable name of ``action``, or the action code itself."""
    label = _LABELS.get(action)
    return str(label) if label is not None else action


def known_actions() -> list[tuple[str, str]]:
    """``(action, label)`` of every named action, by code."""
    return [(action, str(label)) for action, label in sorted(_LABELS.items())]


for _action, _label in {
    "auth.signin": _l("Signed in"),
    "auth.signin_failed": _l("Failed sign-in"),
    "auth.signin_throttled": _l("Sign-in refused: too many attempts"),
    "auth.signout": _l("Signed out"),
    "user.create": _l("User created"),
    "user.update": _l("User details changed"),
    "user.password_reset": _l("Password reset"),
    "user.password_change": _l("Own password changed"),
    "user.deactivate": _l("Account deactivated"),
    "user.activate": _l("Account reactivated"),
    "membership.grant": _l("Role given or changed"),
    "membership.revoke": _l("Role removed"),
    "tenant.create": _l("Site created"),
    "tenant.update": _l("Site settings changed"),
    "tenant.suspend": _l("Site suspended"),
    "tenant.resume": _l("Site resumed"),
    "tenant.archive": _l("Site archived"),
    "tenant.restore": _l("Site restored"),
}.items():
    describe(_action, _label)
