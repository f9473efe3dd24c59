"""The board at /: today's visits and their guests, who is on site now, and the desk's alerts.

It reads through the domain's read functions (the daily report's visits and alerts, the
guests of each visit, domain/desk/onsite.py), as `report daily`, `visit show` and `onsite` do.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response

from receptionctl.web.base import Page, page


@dataclass(frozen=True)
class BoardVisit:
    visit: object  # domain.visits.visits.VisitView
    expected: int  # the headcount planned
    arrived: tuple  # guests checked in and not out (reception.GuestView)
    left: tuple  # guests checked in and out


def board_data(pg: Page) -> dict:
    from receptionctl.domain.report import report
    from receptionctl.domain.visits import reception

    with pg.session() as session:
        daily = report.daily(session, viewer=pg.actor, tasks=False)  # the board shows no task list
        of = reception.guests_of(session, [item.visit.id for item in daily.today])  # one query, not one a visit
        visits = []
        for item in daily.today:
            guests = of[item.visit.id]
            visits.append(BoardVisit(item.visit, item.visit.headcount,
                                     tuple(g for g in guests if g.checked_out_at is None),
                                     tuple(g for g in guests if g.checked_out_at is not None)))
    return {"day": daily.date, "visits": visits, "on_site": daily.on_site or (), "alerts": daily.alerts}


@page
def board(pg: Page) -> Response:
    return pg.render("board.html", pg.kept(("board",), lambda: board_data(pg)))
