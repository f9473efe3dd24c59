"""The daily report as a page (/report, /report?date=DAY): the same content as `report daily
--format html`, made by the same function (render/report.py, html_body) in its page look:
classes instead of inline styles (the Content-Security-Policy allows none), each visit and
case linked to its page. Complaints about staff are left out for whoever may not see them, as
the command line's report does for its user."""

from __future__ import annotations

from datetime import timedelta

from starlette.responses import Response

from receptionctl.domain.core import clock, policy
from receptionctl.domain.core.calendar import calendar_for
from receptionctl.domain.core.when import parse_day
from receptionctl.domain.report.report import daily
from receptionctl.render.report import Look, html_body
from receptionctl.web.base import Page, field_text, page

PAGE = Look(inline=False, visit_href=lambda n: f"/visits/{n}", case_href=lambda n: f"/cases/{n}")


@page
def report(pg: Page) -> Response:
    """?date=DAY (the forms of `report daily --date`); ?all=1 lists every due and overdue task."""
    day = field_text(pg.request.query_params, "date", 40).strip()
    every = pg.request.query_params.get("all") == "1"
    return pg.render("report.html", pg.kept(("report", day, every), lambda: _report(pg, day, every)))


def _report(pg: Page, day: str, every: bool) -> dict:
    with pg.session() as session:
        rules = policy.load(session)
        target = parse_day(day, clock.now(), policy.work_zone(rules), calendar_for(rules["country"])) if day else None
        per_owner = None if every else rules["report_lines_per_owner"]
        r = daily(session, target, per_owner=per_owner, viewer=pg.actor)
    return {"body": html_body(r, per_owner, PAGE), "day": r.date, "every": every, "one_day": timedelta(days=1)}
