"""Showing and changing the policy (`policy show`, `policy set`): the writes of domain/core/policy.py,
apart from it so that the policy's reading, which every command does, builds no table class
(docs/ARCHITECTURE.md, "Reading fast")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from receptionctl import reasons
from receptionctl.domain.core import access, audit, clock
from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.policy import (
    CACHE,
    SETTINGS,
    TIMES,
    channel_problem,
    load,
    parse_value,
    role_channels,
    to_text,
)
from receptionctl.errors import BadInput
from receptionctl.i18n import N_, _
from receptionctl.store.tables.common import Policy

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class PolicyView:
    key: str
    value: Any
    default: Any
    help: str
    source: str
    updated_at: Any
    updated_by: str | None


def show(session: Session) -> list[PolicyView]:


    rows = {r.key: r for r in session.scalars(select(Policy))}
    values = load(session)
    return [
        PolicyView(k, values[k], s.default, s.help, s.source,
                   rows[k].updated_at if k in rows else None, rows[k].updated_by if k in rows else None)
        for k, s in SETTINGS.items()
    ]


def set_value(session: Session, actor: str, key: str, text: str) -> PolicyView:
    """Change one setting (admin only), validated and typed, with an audit event."""
    access.require(session, actor, frozenset(), N_("change the policy"))
    value = parse_value(key, text)
    if key == "country":
        try:
            calendar_for(value).check()
        except BadInput:
            raise BadInput(_("policy country cannot be {text!r}: expected an ISO 3166 country code the "
                             "holidays package knows, such as CN").format(text=text)) from None
    if key == "notify_role_channels":
        for role, url in role_channels({key: value}).items():
            problem = channel_problem(url)
            if problem:
                raise BadInput(_("policy {key} cannot be {text!r}: the channel of {role} is not an Apprise URL: "
                                 "{problem}").format(key=key, text=text, role=role, problem=reasons.channel(problem)))
    if key == "identity":
        access.check_identity_mode(session, value)
    current = load(session)
    before = current[key]
    after = {**current, key: value}
    for low, high in (("deduction_min", "deduction_max"), ("red_line_score", "excellent_score")):
        if after[low] > after[high]:
            raise BadInput(_("policy {key} cannot be {text!r}: {low} ({low_value}) must not exceed {high} "
                             "({high_value})").format(key=key, text=text, low=low, low_value=after[low], high=high,
                                                      high_value=after[high]))
    row = session.get(Policy, key)
    if row is None:
        row = Policy(key=key, value=to_text(value), updated_at=clock.now(), updated_by=actor)
        session.add(row)
    else:
        row.value, row.updated_at, row.updated_by = to_text(value), clock.now(), actor
    session.flush()
    session.info.pop(CACHE, None)
    session.info.pop(TIMES, None)
    audit.record(session, actor, "policy.set", "policy", None, before={key: to_text(before)},
                 after={key: to_text(value)})
    return next(v for v in show(session) if v.key == key)
