"""Recognition (docs/usage/measures.md; seed 000: rewards such as bonuses and certificates for
the departments and people who serve well; seed 003: staff who satisfy clients recognised and
praised in public, however small their contribution).

A reward is praise, a certificate or a bonus (its amount), for a reason, perhaps for a visit or a
case. Recognition is public: everyone on the staff sees who was rewarded and why; a bonus's
amount only the person, those who reward and admins. Nobody rewards themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import select

from receptionctl.domain.cases import cases
from receptionctl.domain.core import access, audit, clock, find
from receptionctl.domain.core.base import amount as parse_amount
from receptionctl.domain.core.base import required_text, visit_client
from receptionctl.domain.core.vocab import RewardKind
from receptionctl.errors import BadInput, NotAllowed
from receptionctl.i18n import N_, _
from receptionctl.store.tables.common import Staff
from receptionctl.store.tables.measures import Reward

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KINDS = tuple(k.value for k in RewardKind)
REWARD = frozenset({"approver", "duty_manager", "coordinator"})  # and admin
SEE_AMOUNTS = REWARD  # a bonus's amount: these, admins, and the person rewarded


@dataclass(frozen=True)
class RewardView:
    id: int
    person: str
    name: str
    kind: str  # praise | certificate | bonus
    reason: str
    amount: Decimal | None  # a bonus's; None for the others, and for those who may not see it
    case_id: int | None
    visit_id: int | None
    at: datetime
    by: str


def _query():
    return select(Reward, Staff.username, Staff.name).join(Staff, Staff.id == Reward.staff_id)


def _view(row, shown: bool) -> RewardView:
    r, username, name = row
    amount = Decimal(r.amount) if r.amount is not None and shown else None
    return RewardView(r.id, username, name, r.kind, r.reason, amount, r.case_id, r.visit_id, r.at, r.by)


def _what_for(session: Session, actor: str, case_id: int | None, visit_id: int | None) -> int | None:
    """The visit of a reward given for a case or a visit (checked); a complaint about staff is no
    public matter."""
    if case_id is not None:
        case = cases.show_case(session, actor, case_id)  # not found unless the actor may see it
        if case.restricted:
            raise BadInput(_("case {case} is a complaint about a member of staff: a reward is seen by everyone, "
                             "so it cannot name that case").format(case=case_id),
                           hint=_("give the reward without --case"))
        if visit_id is not None and case.visit_id is not None and visit_id != case.visit_id:
            raise BadInput(_("case {case} arose in visit {visit}, not visit {other}").format(
                case=case_id, visit=case.visit_id, other=visit_id))
        visit_id = visit_id or case.visit_id
    if visit_id is not None:
        visit_client(session, visit_id)  # not found: exit 3
    return visit_id


def reward(session: Session, actor: str, person: str, kind: str, reason: str, amount: str | None = None,
           case_id: int | None = None, visit_id: int | None = None) -> RewardView:
    """Recognise a person (an approver, a duty manager, a coordinator or an admin, never
    themselves): praise, a certificate, or a bonus of `amount`, for `reason`."""
    who = access.require(session, actor, REWARD, N_("give rewards"))
    if kind not in KINDS:
        raise BadInput(_("kind {kind!r} is not valid: expected one of {choices}").format(
            kind=kind, choices=", ".join(KINDS)))
    reason = required_text(reason, "--reason", N_("what the person did well"), limit=2000)
    value = parse_amount(amount, N_("--amount"))
    if kind == "bonus" and (value is None or value <= 0):
        raise BadInput(_("a bonus needs its amount: expected --amount such as 500"))
    if kind != "bonus" and value is not None:
        raise BadInput(_("--amount is a bonus's: expected --kind bonus, not {kind}").format(kind=kind))
    staff = find.staff(session, person, N_("the reward"))
    if staff.id == who.id:
        raise NotAllowed(_("{user} cannot reward themselves").format(user=actor),
                         hint=_("another approver, duty manager or coordinator gives it"))
    visit_id = _what_for(session, actor, case_id, visit_id)
    row = Reward(staff_id=staff.id, kind=kind, reason=reason, amount=None if value is None else str(value),
                 case_id=case_id, visit_id=visit_id, at=clock.now(), by=who.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "reward.add", "reward", row.id, visit_id=visit_id,
                 after={"person": staff.username, "kind": kind, "reason": reason, "amount": row.amount,
                        "case_id": case_id})
    return _view(session.execute(_query().where(Reward.id == row.id)).first(), True)


def list_rewards(session: Session, actor: str, person: str | None = None, start: datetime | None = None,
                 end: datetime | None = None) -> list[RewardView]:
    """Rewards, newest first, everyone's (recognition is public); a bonus's amount only for the
    person, those who reward and admins."""
    me = access.find_actor(session, actor)
    if me is None:
        raise NotAllowed(_("{user!r} is not on the staff list, so cannot see rewards").format(user=actor),
                         hint=_("act as a registered user with --as"))
    q = _query()
    if person is not None:
        q = q.where(Reward.staff_id == find.staff(session, person, "--person").id)
    if start is not None:
        q = q.where(Reward.at >= start)
    if end is not None:
        q = q.where(Reward.at < end)
    every = me.has(*SEE_AMOUNTS)
    return [_view(r, every or r[0].staff_id == me.id)
            for r in session.execute(q.order_by(Reward.at.desc(), Reward.id.desc()))]
