"""Reports: the daily report that cron sends every morning."""


from enum import Enum
from typing import Annotated, Optional

import typer

from receptionctl.cli.common import DAY_FORMS, state

app = typer.Typer(rich_markup_mode=None, help="Reports: the daily report for cron and the team lead.", no_args_is_help=True)


class Format(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"


@app.command("daily", help="Today's visits, the look-ahead, due and overdue work by owner, alerts, month to date. "
             "Plain text when piped (cron); exit 6 with --fail-on-overdue when anything is overdue. "
             "Example: receptionctl report daily --date 12-01 --format markdown")
def daily(
    ctx: typer.Context,
    day: Annotated[Optional[str], typer.Option("--date", metavar="DAY", help="The day to report on (default today). " + DAY_FORMS)] = None,
    fmt: Annotated[Format, typer.Option("--format", help="text (default), markdown, html or json.")] = Format.text,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help="Exit 6 when any task is overdue.")] = False,
    working_days_only: Annotated[bool, typer.Option("--working-days-only", help="Print nothing on a day off (weekend or public holiday; make-up working days count): cron then sends no mail.")] = False,
    all_tasks: Annotated[bool, typer.Option("--all", help="List every due and overdue task; by default text, markdown and html list 10 per person and section and count the rest (json always lists every one).")] = False,
) -> None:
    from receptionctl.domain import clock, policy
    from receptionctl.domain.calendar import calendar_for
    from receptionctl.domain.report import daily as build, is_working_day
    from receptionctl.domain.when import parse_day
    from receptionctl.render import report as render

    st = state(ctx)
    with st.session() as session:
        target = None
        if day:
            rules = policy.load(session)
            target = parse_day(day, clock.now(), policy.work_zone(rules), calendar_for(rules["country"]))
        if working_days_only and not is_working_day(session, target):
            return
        # json lists every task (scripts rely on it); the other formats the first ten of each
        # person, read as such in SQL, with the counts
        every = all_tasks or as_json or fmt is Format.json
        r = build(session, target, per_owner=None if every else render.PER_OWNER, viewer=st.actor)
    limit = None if every else render.PER_OWNER
    if as_json or fmt is Format.json:
        import json
        import sys

        sys.stdout.write(json.dumps(render.as_json(r), ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.markdown:
        import sys

        sys.stdout.write(render.markdown(r, limit) + "\n")
    elif fmt is Format.html:
        import sys

        sys.stdout.write(render.html_page(r, limit))
    else:
        render.print_text(r, limit)
    if fail_on_overdue and r.overdue:
        import sys

        n = r.overdue_total
        sys.stderr.write(f"attention: {n} task{'s' if n != 1 else ''} overdue\n")
        raise typer.Exit(6)
