"""Performance scores (seed 002): reception results count for the policy's reception_weight
(15 %) of a team's performance score, and each mistake (wrong information, a client
complaint) deducts deduction_min..deduction_max (2-5) points. A person's reception score out of
100 is built from the measures of the visits they hosted, weighted by the policy's
score_weights, less the points deducted in the period; a team's from its members' visits, less
all of its members' deductions. Both sides are shown (seed 000: rewards and penalties; seed 003:
recognise the staff who satisfy clients): each person's and team's rewards (praise, certificates,
bonuses) and penalties by kind (points, warnings, fines, demotions) beside the score; rewards do
not change the score. A fixed number of SQL statements, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from receptionctl.domain.core import access, find, policy
from receptionctl.domain.measures import kpi, measures, rewards
from receptionctl.errors import NotAllowed
from receptionctl.i18n import N_, _, code
from receptionctl.store.tables.common import Staff

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

READ_ALL = frozenset({"approver", "duty_manager", "coordinator"})  # and admin; others see their own


@dataclass(frozen=True)
class Score:
    who: str  # a username, or a department for a team
    name: str | None
    parts: dict  # measure -> value used (0..1; satisfaction as score/100), None when no data
    results: float | None  # the weighted measures, out of 100 (None: no hosted visit in the period)
    deducted: int
    score: float | None  # results less the deductions, 0..100
    counts_for: float | None  # the share of the overall performance score (score x reception_weight)
    deductions: tuple = ()  # DeductionView of the period
    rewards: tuple = ()  # RewardView of the period
    reward_counts: dict = field(default_factory=dict)  # praise, certificate, bonus -> how many
    penalty_counts: dict = field(default_factory=dict)  # points, warning, fine, demotion -> how many


@dataclass(frozen=True)
class Performance:
    first: date
    last: date
    weights: dict
    reception_weight: int
    people: tuple[Score, ...]
    teams: tuple[Score, ...]


def _parts(group) -> dict:
    by_key = {m.key: m.value for m in group.measures}
    sat = by_key.get("satisfaction")
    return {"satisfaction": None if sat is None else float(sat) / 100,
            "compliance": None if by_key.get("process_compliance") is None else float(by_key["process_compliance"]),
            "conversion": None if by_key.get("conversion_rate") is None else float(by_key["conversion_rate"])}


def _score(who, name, parts: dict, weights: dict, deductions: list, reception_weight: int,
           given: list = ()) -> Score:
    known = {k: v for k, v in parts.items() if v is not None and weights.get(k)}
    results = (round(100 * sum(weights[k] * v for k, v in known.items()) / sum(weights[k] for k in known), 1)
               if known else None)
    deducted = sum(d.points for d in deductions)
    score = None if results is None else max(0.0, round(results - deducted, 1))
    return Score(who, name, parts, results, deducted, score,
                 None if score is None else round(score * reception_weight / 100, 2), tuple(deductions),
                 tuple(given), {k: sum(r.kind == k for r in given) for k in rewards.KINDS},
                 {k: sum(d.kind == k for d in deductions) for k in measures.PENALTIES})


NO_PARTS = {"satisfaction": None, "compliance": None, "conversion": None}


def scores(session: Session, actor: str, first: date, last: date, person: str | None = None) -> Performance:
    """Everyone's (or one person's) reception score for [first, last], and each team's."""
    who = access.find_actor(session, actor)
    if who is None:
        access.refuse_inactive(session, actor, N_("see performance scores"))
        raise NotAllowed(_("{user!r} is not on the staff list, so cannot see performance scores").format(user=actor))
    if person is None and not who.has(*READ_ALL):
        person = actor  # the others see their own
    wanted = find.staff(session, person, "--person") if person else None
    if wanted is not None and wanted.id != who.id and not who.has(*READ_ALL):
        raise NotAllowed(_("{user} cannot see {other}'s score: needs the role {roles}").format(
            user=actor, other=wanted.username, roles=_(", ").join(code(r, "role") for r in sorted({"admin", *READ_ALL}))))
    rules = policy.load(session)
    weights, reception_weight = dict(rules["score_weights"]), rules["reception_weight"]
    zone = policy.work_zone(rules)
    start = datetime.combine(first, time(0, 0), zone)
    end = datetime.combine(last, time(0, 0), zone) + timedelta(days=1)
    by_person = kpi.measure(session, first, last, by="person")
    by_team = kpi.measure(session, first, last, by="team")
    staff = {u: (n, d) for u, n, d in session.execute(select(Staff.username, Staff.name, Staff.dept))}
    taken = measures.list_deductions(session, actor, start=start, end=end)
    given = rewards.list_rewards(session, actor, start=start, end=end)
    people = []
    for g in by_person.groups:
        if g.group is None or (wanted is not None and g.group != wanted.username):
            continue
        people.append(_score(g.group, staff.get(g.group, (None,))[0], _parts(g), weights,
                             [d for d in taken if d.person == g.group], reception_weight,
                             [r for r in given if r.person == g.group]))
    hosted = {p.who for p in people}
    for x in [*taken, *given]:  # deducted or rewarded without hosting a visit in the period: still listed
        if x.person not in hosted and (wanted is None or x.person == wanted.username):
            hosted.add(x.person)
            people.append(_score(x.person, x.name, dict(NO_PARTS), weights, [d for d in taken if d.person == x.person],
                                 reception_weight, [r for r in given if r.person == x.person]))
    teams = []
    if wanted is None:
        for g in by_team.groups:
            if g.group is None:
                continue
            members = [d for d in taken if staff.get(d.person, (None, None))[1] == g.group]
            praised = [r for r in given if staff.get(r.person, (None, None))[1] == g.group]
            teams.append(_score(g.group, None, _parts(g), weights, members, reception_weight, praised))
    return Performance(first, last, weights, reception_weight,
                       tuple(sorted(people, key=lambda s: (s.score is None, -(s.score or 0), s.who))),
                       tuple(sorted(teams, key=lambda s: (s.score is None, -(s.score or 0), s.who))))
