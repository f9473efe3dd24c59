"""Reports: the daily report that cron sends every morning."""


from enum import Enum
from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import DAY_FORMS, period_of, state, whole
from receptionctl.cli.output import Output, output_options
from receptionctl.i18n import N_

app = Typer(rich_markup_mode=None, help="Reports: the daily report for cron and the team lead.", no_args_is_help=True)


class Format(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"


@app.command("daily", short_help="The day: visits, work due and overdue, alerts.", help="Today's visits, the look-ahead, due and overdue work by owner, alerts, month to date. "
             "Plain text when piped (cron); exit 6 with --fail-on-overdue when anything is overdue. "
             "Example: receptionctl report daily --date 12-01 --format markdown")
@output_options
def daily(
    ctx: typer.Context,
    day: Annotated[Optional[str], typer.Option("--date", metavar="DAY", help="The day to report on (default today). " + DAY_FORMS)] = None,
    fmt: Annotated[Optional[Format], typer.Option("--format", help="text (default), markdown, html or json.")] = None,
    *,
    out: Output,  # --json here, as before
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help="Exit 6 when any task is overdue.")] = False,
    working_days_only: Annotated[bool, typer.Option("--working-days-only", help="Print nothing on a day off (weekend or public holiday; make-up working days count): cron then sends no mail.")] = False,
    all_tasks: Annotated[bool, typer.Option("--all", help="List every due and overdue task; by default text, markdown and html list the policy's report_lines_per_owner (10) per person and section and count the rest (json always lists every one).")] = False,
    max_bytes: Annotated[int, typer.Option("--max-bytes", metavar="N", parser=whole(0, 10_000_000), help="markdown: at most N bytes (UTF-8), for a WeCom or DingTalk bot message: the headline, every alert, today's visits, then the other sections in turns; what does not fit is counted, and no section is dropped; 0: no limit.")] = 4096,
    mail_to: Annotated[Optional[list[str]], typer.Option("--mail", metavar="ADDRESS", help="Mail the report to ADDRESS (repeat the option, or separate addresses with commas): one mail with the text and the HTML report, UTF-8, its subject carrying the day and the number of alerts, through the smtp server of the config file or RECEPTIONCTL_SMTP, from mail_from or RECEPTIONCTL_MAIL_FROM. Prints nothing unless --format or --json is given too; a mail the server does not take exits 5.")] = None,
) -> None:
    from receptionctl.domain.core import clock, policy
    from receptionctl.domain.core.calendar import calendar_for
    from receptionctl.domain.core.when import parse_day
    from receptionctl.domain.report.report import daily as build
    from receptionctl.domain.report.report import is_working_day
    from receptionctl.render import report as render

    st = state(ctx)
    sending = None
    if mail_to:  # the server, sender and addresses checked before any work (exit 2)
        sending = _outgoing(mail_to)
    # json alone: every task, read as it is written (inside the session), never held at once
    streamed = sending is None and (out.json or fmt is Format.json)
    with st.session() as session:
        target = None
        if day:
            rules = policy.load(session)
            target = parse_day(day, clock.now(), policy.work_zone(rules), calendar_for(rules["country"]))
        if working_days_only and not is_working_day(session, target):
            return
        # json lists every task (scripts rely on it); the other formats the first ten of each
        # person, read as such in SQL, with the counts
        every = all_tasks or out.json or fmt is Format.json
        rules = policy.load(session)
        per_owner = rules["report_lines_per_owner"]
        r = build(session, target, per_owner=None if every else per_owner, viewer=st.actor, stream=streamed)
        link = policy.report_link(rules, r.date)
        if streamed:
            from receptionctl.render.output import write_json

            write_json(render.as_json(r))
    limit = None if every else per_owner
    if streamed:
        pass  # written above
    elif sending is not None and fmt is None and not out.json:
        pass  # --mail alone: the mail is the output (cron sends no second copy)
    elif out.json or fmt is Format.json:
        from receptionctl.render.output import write_json

        write_json(render.as_json(r))  # with --mail: the lists are held, for the mail too
    elif fmt is Format.markdown:
        import sys

        sys.stdout.write(render.markdown(r, limit, max_bytes=None if all_tasks else max_bytes, link=link) + "\n")
    elif fmt is Format.html:
        import sys

        sys.stdout.write(render.html_page(r, limit))
    else:
        render.print_text(r, limit)
    if sending is not None:
        from receptionctl.services import mail

        mail.send(_message(r, sending, limit), sending)
        import sys

        if sys.stderr.isatty():
            from receptionctl.i18n import _

            sys.stderr.write(_("mailed to {addresses}").format(addresses=", ".join(sending.to)) + "\n")
    if fail_on_overdue and r.overdue:
        import sys

        from receptionctl.i18n import ngettext

        n = r.overdue_total
        sys.stderr.write(ngettext("attention: {n} task overdue", "attention: {n} tasks overdue", n).format(n=n) + "\n")
        raise typer.Exit(6)


class KpiBy(str, Enum):
    team = "team"
    person = "person"
    client_tier = "client-tier"
    purpose = "purpose"
    level = "level"


_KPI_BY = {"team": N_("Team"), "person": N_("Person"), "client-tier": N_("Client-tier"), "purpose": N_("Purpose"),
           "level": N_("Level")}  # the group column's header
# the measures and their counts, as `report kpi` shows them (their keys are codes: JSON keeps them)
(N_("code|measure|satisfaction"), N_("code|measure|excellent_share"), N_("code|measure|conversion_rate"),
 N_("code|measure|complaint_rate"), N_("code|measure|process_compliance"), N_("code|measure|task_completion"),
 N_("code|measure|response_minutes_median"), N_("code|measure|response_minutes_average"),
 N_("code|measure|resolution_hours_median"), N_("code|measure|resolution_hours_average"), N_("code|measure|cost"),
 N_("code|measure|budget"), N_("code|measure|cost_to_budget"), N_("code|measure|reception_cost"),
 N_("code|measure|material_cost"), N_("code|measure|inspections"), N_("code|measure|inspection_score"),
 N_("code|measure|open_findings"), N_("code|measure|drills"))
(N_("code|count|forms"), N_("code|count|excellent"), N_("code|count|converted"), N_("code|count|visits"),
 N_("code|count|complaints"), N_("code|count|on_time"), N_("code|count|late"), N_("code|count|missed"),
 N_("code|count|skipped"), N_("code|count|done"), N_("code|count|due"), N_("code|count|acknowledged"),
 N_("code|count|cases"), N_("code|count|resolved"), N_("code|count|over_budget"), N_("code|count|findings"),
 N_("code|count|scored"), N_("code|count|fixed"), N_("code|count|unassigned"), N_("code|count|overdue"))
(N_("code|weight|satisfaction"), N_("code|weight|compliance"), N_("code|weight|conversion"))


@app.command("kpi", short_help="The measures of the reception work, beside the period before.", help="The measures of the reception work for a period (default: this month so far), "
             "each beside the period of the same length just before it and the change; rates with the "
             "counts behind them. satisfaction: average score of the feedback forms received in the period; "
             "excellent_share: share of those forms at the policy's excellent_score (90) or more; "
             "conversion_rate: share of the visits received in the period (in progress, completed or closed, "
             "started in the period) with a won or intent outcome within the policy's conversion_window_days "
             "(30) after the visit; complaint_rate: complaint cases received per visit received; "
             "process_compliance: procedure tasks of visits due in the period done on time / (on time + late + "
             "missed), skipped ones counted apart; task_completion: tasks due in the period done (at any time) / "
             "those not skipped; response_minutes_median, response_minutes_average: minutes from a case's receipt "
             "to its acknowledgement, cases received in the period; resolution_hours_median, "
             "resolution_hours_average: hours from receipt to resolution; cost, budget: sums of the evaluations' "
             "cost and the plans' budget of the visits received; cost_to_budget: cost / budget, with the visits "
             "over their own budget; reception_cost, material_cost: the evaluations' two costs apart; "
             "inspections: inspections made in the period, with their findings; "
             "inspection_score: their average score; open_findings: their findings still open (no corrective task, "
             "or its task open), with those fixed, unassigned and overdue; drills: emergency drills held. "
             "Then the follow-up pipeline's stage funnel: the opportunities that reached each stage in the period, "
             "and those open at each stage at its end. "
             "Example: receptionctl report kpi --month 2026-11 --by team")
@output_options
def kpi(
    ctx: typer.Context,
    month: Annotated[Optional[str], typer.Option("--month", metavar="YYYY-MM", help="A calendar month.")] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", metavar="YYYYQn", help="A quarter, such as 2026Q4.")] = None,
    start: Annotated[Optional[str], typer.Option("--from", metavar="DAY", help="First day of a period. " + DAY_FORMS)] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="DAY", help="Last day of the period (included).")] = None,
    by: Annotated[Optional[KpiBy], typer.Option("--by", help="Group by team (the host's department), person (the "
                                                "visit's host), client-tier, purpose or level of the visits; "
                                                "cases and tasks without a visit (or host) make a group of their own.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.measures.kpi import measure

    with state(ctx).session() as session:
        first, last = period_of(session, month, quarter, start, end)
        result = measure(session, first, last, by.value if by else None)
    out.show(result, lambda: _print_kpi(result, by, first, last))


def _print_kpi(result, by: "KpiBy | None", first, last) -> None:
    """The measures as one table: all, then each group's; each beside the period before and the change."""
    from receptionctl.i18n import _, code
    from receptionctl.render.output import print_table

    def shown(unit, value, change=False):
        if value is None:
            return "-"
        sign = "+" if change else ""
        if unit == "rate":
            return (_("{value} pt") if change else _("{value} %")).format(value=f"{100 * value:{sign}.1f}")
        if unit == "amount":
            return f"{value:{sign}.2f}"
        if unit == "count":
            return f"{value:{sign}d}"
        number = f"{value:{sign}.1f}"
        return {"minutes": _("{value} min"), "hours": _("{value} h")}.get(unit, "{value}").format(value=number)

    def rows(group, measures):
        for m in measures:
            yield {"group": group, "measure": code(m.key, "measure"), "value": shown(m.unit, m.value),
                   "previous": shown(m.unit, m.previous), "change": shown(m.unit, m.change, change=True),
                   "counts": _(", ").join(f"{code(k, 'count').replace('_', ' ')} {v}" for k, v in m.counts.items())}

    table = list(rows(_("all"), result.measures))
    for g in result.groups:
        table += rows(_("(none)") if g.group is None else str(g.group), g.measures)
    columns = [("measure", N_("Measure")), ("value", N_("Value")), ("previous", N_("Before")), ("change", N_("Change")),
               ("counts", N_("Counts"))]
    print_table(table, ([("group", _KPI_BY[by.value])] if by else []) + columns,
                title=_("Reception measures {first} to {last} (before: {previous_first} to {previous_last})").format(
                    first=first, last=last, previous_first=result.previous_first, previous_last=result.previous_last))
    _print_funnel(result.funnel)


def _print_funnel(funnel) -> None:
    """The follow-up pipeline's stages: reached in the period and before, open at its end."""
    import sys

    from receptionctl.domain.visits.pipeline import stage_label
    from receptionctl.i18n import _
    from receptionctl.render.output import print_table

    sys.stdout.write("\n")
    print_table([{"stage": stage_label(f.stage), "reached": f.reached, "previous": f.reached_previous,
                  "open": "-" if f.open is None else f.open} for f in funnel],
                [("stage", N_("Stage")), ("reached", N_("Reached")), ("previous", N_("Before")),
                 ("open", N_("Open at the end"))], title=_("Follow-up pipeline"))


class ReviewFormat(str, Enum):
    markdown = "markdown"
    html = "html"
    json = "json"


@app.command("review", help="The quarterly review pack: the deals won, the lowest feedback scores, the "
             "complaints and their root causes, the deadlines missed or kept late; for the review meeting. "
             "Example: receptionctl report review --quarter 2026Q4 --format html")
def review(
    ctx: typer.Context,
    quarter: Annotated[Optional[str], typer.Option("--quarter", metavar="YYYYQn", help="The quarter, such as 2026Q4 "
                                                   "(default: the quarter so far).")] = None,
    month: Annotated[Optional[str], typer.Option("--month", metavar="YYYY-MM", help="A month instead.")] = None,
    start: Annotated[Optional[str], typer.Option("--from", metavar="DAY", help="First day of a period instead. "
                                                 + DAY_FORMS)] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="DAY", help="Last day of the period (included).")] = None,
    fmt: Annotated[ReviewFormat, typer.Option("--format", help="markdown (default), html or json.")] = ReviewFormat.markdown,
) -> None:
    import sys

    from receptionctl.domain.measures.review import pack
    from receptionctl.render import review as render
    from receptionctl.render.output import print_json

    st = state(ctx)
    with st.session() as session:
        first, last = period_of(session, month, quarter, start, end, default="quarter")
        p = pack(session, st.actor, first, last)
    if fmt is ReviewFormat.json:
        print_json(p)
    elif fmt is ReviewFormat.html:
        sys.stdout.write(render.html_page(p))
    else:
        sys.stdout.write(render.markdown(p) + "\n")


@app.command("performance", short_help="Reception scores per person and team for a period.", help="Reception scores out of 100, per person and per team, for a period (default the "
             "quarter so far): the policy's score_weights of the satisfaction, process compliance and conversion of "
             "the visits they hosted, less the points deducted in the period; and what that is worth in the overall "
             "performance score (the policy's reception_weight, 15 %). Both sides: each person's rewards (praise, "
             "certificates, bonuses) and other penalties (warnings, fines, demotions) beside the score, which they "
             "do not change; every deduction and every reward is listed with its reason, date and who recorded it. "
             "Others than approvers, coordinators, duty managers and admins see their own. "
             "Example: receptionctl report performance --quarter 2026Q4 --person wang")
@output_options
def performance(
    ctx: typer.Context,
    quarter: Annotated[Optional[str], typer.Option("--quarter", metavar="YYYYQn", help="The quarter, such as "
                                                   "2026Q4 (default: the quarter so far).")] = None,
    month: Annotated[Optional[str], typer.Option("--month", metavar="YYYY-MM", help="A month instead.")] = None,
    start: Annotated[Optional[str], typer.Option("--from", metavar="DAY", help="First day of a period instead. "
                                                 + DAY_FORMS)] = None,
    end: Annotated[Optional[str], typer.Option("--to", metavar="DAY", help="Last day of the period (included).")] = None,
    person: Annotated[Optional[str], typer.Option("--person", metavar="USER", help="Only this person.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.measures.performance import scores

    st = state(ctx)
    with st.session() as session:
        first, last = period_of(session, month, quarter, start, end, default="quarter")
        result = scores(session, st.actor, first, last, person)
    out.show(result, lambda: _print_scores(result, first, last))


def _print_scores(result, first, last) -> None:
    """The scores of the people, then of the teams, then every deduction."""
    from receptionctl.i18n import _, code
    from receptionctl.render.output import print_table, say

    def pct(v):
        return "-" if v is None else f"{round(v * 100)}%"

    def tally(counts):
        return _(", ").join(f"{n} {code(k, 'kind')}" for k, n in counts.items() if n)

    def rows(items):
        return [{"who": s.who, "name": s.name, "satisfaction": pct(s.parts.get("satisfaction")),
                 "compliance": pct(s.parts.get("compliance")), "conversion": pct(s.parts.get("conversion")),
                 "results": s.results, "deducted": s.deducted or "", "score": s.score, "overall": s.counts_for,
                 "rewarded": tally(s.reward_counts),
                 "penalised": tally({k: n for k, n in s.penalty_counts.items() if k != "points"})}
                for s in items]

    columns = [("who", N_("Who")), ("name", N_("Name")), ("satisfaction", N_("Satisf.")), ("compliance", N_("On time")),
               ("conversion", N_("Conv.")), ("results", N_("Results")), ("deducted", N_("Deducted")),
               ("score", N_("Score")), ("overall", _("Of overall ({weight}%)").format(weight=result.reception_weight)),
               ("rewarded", N_("Rewards")), ("penalised", N_("Other penalties"))]
    weights = _(", ").join(f"{code(k, 'weight')} {v}" for k, v in result.weights.items())
    print_table(rows(result.people), columns, title=_("Reception scores {first} to {last} (weights: {weights})").format(
        first=first, last=last, weights=weights))
    if result.teams:
        say("")
        print_table(rows(result.teams), [c for c in columns if c[0] != "name"], title=_("Teams"))
    taken = [d for s in result.people for d in s.deductions]
    if taken:
        say("")
        print_table([{**d.__dict__, "kind": code(d.kind, "kind")} for d in sorted(taken, key=lambda d: d.at)],
                    [("person", N_("Person")), ("kind", N_("Kind")), ("points", N_("Points")),
                     ("amount", N_("Amount")), ("reason", N_("Reason")), ("at", N_("When")),
                     ("by", N_("Recorded by"))], title=_("Deductions"))
    given = [r for s in result.people for r in s.rewards]
    if given:
        say("")
        print_table([{**r.__dict__, "kind": code(r.kind, "kind")} for r in sorted(given, key=lambda r: r.at)],
                    [("person", N_("Person")), ("kind", N_("Kind")), ("amount", N_("Amount")),
                     ("reason", N_("Reason")), ("at", N_("When")), ("by", N_("Recorded by"))], title=_("Rewards"))


class ChartFormat(str, Enum):
    text = "text"
    html = "html"
    svg = "svg"


class ChartName(str, Enum):
    satisfaction = "satisfaction"
    funnel = "funnel"
    overdue = "overdue"
    readiness = "readiness"


@app.command("charts", help="Charts where people would rather look than read: satisfaction by ISO week (average "
             "feedback score; a sparkline, '·' for a week without forms), the conversion funnel of the visits "
             "received in those weeks (received, feedback collected, intent, won), overdue tasks by owner (the top "
             "10) and the readiness of the coming visits to the end of the daily report's look-ahead. text: unicode "
             "bars scaled to the terminal (80 columns when piped); html: one self-contained page of CSS bars for a "
             "mail client (no script, no image, no link); svg: one chart (--chart) as a standalone SVG. "
             "Example: receptionctl report charts --weeks 12 --format svg --chart funnel")
def charts(
    ctx: typer.Context,
    weeks: Annotated[int, typer.Option("--weeks", metavar="N", parser=whole(1, 104), help="The last N ISO weeks, "
                                       "the current one included, in the company's zone.")] = 8,
    fmt: Annotated[ChartFormat, typer.Option("--format", help="text (default), html or svg.")] = ChartFormat.text,
    chart: Annotated[Optional[ChartName], typer.Option("--chart", help="Only this chart: satisfaction, funnel, "
                                                       "overdue or readiness (needed with --format svg).")] = None,
) -> None:
    import sys

    from receptionctl.domain.measures.charts import build
    from receptionctl.errors import BadInput
    from receptionctl.i18n import _
    from receptionctl.render import charts as render

    if fmt is ChartFormat.svg and chart is None:
        raise BadInput(_("--format svg draws one chart: name it with --chart"),
                       hint=_("such as --chart satisfaction, funnel, overdue or readiness"))
    with state(ctx).session() as session:
        c = build(session, weeks)
    only = chart.value if chart else None
    if fmt is ChartFormat.svg:
        sys.stdout.write(render.svg(c.chart(only)))
    elif fmt is ChartFormat.html:
        sys.stdout.write(render.html_page(c, only))
    else:
        sys.stdout.write(render.text(c, only))


# -- --mail: the settings in force, and the report as a mail (services/mail.py sends it) ------
def _outgoing(addresses: list[str]):
    """The server, the sender and the recipients of --mail, each checked before any work is done:
    no smtp setting, or a bad one, or a bad address: bad input (exit 2)."""
    from receptionctl.cli.common import setting
    from receptionctl.errors import BadInput
    from receptionctl.i18n import _
    from receptionctl.services import mail

    to = tuple(mail.check_address(a, "--mail") for value in addresses for a in value.split(",") if a.strip())
    if not to:
        raise BadInput(_("--mail needs at least one address, such as --mail leads@example.com"))
    url, _origin = setting("smtp")
    if not url:
        raise BadInput(_("--mail: no mail server is set"),
                       hint=_("set one: `receptionctl config set smtp smtp://mail.example.com:25` or "
                              "RECEPTIONCTL_SMTP=smtps://user:password@mail.example.com"))
    sender, _origin = setting("mail_from")
    return mail.Outgoing(mail.parse_smtp(url, "smtp"), sender or mail.default_sender(), to)


def _subject(r) -> str:
    from receptionctl.i18n import ngettext

    n = len(r.alerts)
    return ngettext("Reception daily report {day}: {n} alert", "Reception daily report {day}: {n} alerts", n).format(
        day=f"{r.date:%Y-%m-%d}", n=n)


def _message(r, out, limit: "int | None"):
    """The report as a multipart/alternative mail: the text the terminal shows, then the HTML page."""
    from receptionctl.render import report as render
    from receptionctl.services import mail

    plain = "".join(line + "\n" for line, _style in render.lines(r, limit))
    return mail.compose(_subject(r), plain, render.html_page(r, limit), out)
