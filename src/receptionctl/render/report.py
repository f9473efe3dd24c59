"""The daily report in four formats: text, markdown, html (one self-contained page for a
mail client) and json. Given a DailyReport read model; never touches the database."""

from __future__ import annotations

import html
import sys
from collections import OrderedDict

from receptionctl.domain import clock
from receptionctl.render.output import is_tty, jsonable, text

ALERT_NAMES = {"red_line": "red line", "incident": "incident", "reapproval": "re-approval", "no_host": "no host",
               "no_owner": "needs a new owner",
               "promise": "promise not kept", "pattern": "pattern", "day_check": "case check",
               "walk_in": "walk-in", "no_show": "no-show",
               "pass_overdue": "pass not returned", "mail_uncollected": "mail not collected",
               "goods_waiting": "goods waiting for their owner",
               "handover_refused": "handover refused", "handover_review": "handovers not reviewed"}


def _pct(x) -> str:
    return "-" if x is None else f"{round(x * 100)}%"


def _hm(moment) -> str:
    return clock.local(moment).strftime("%H:%M")


def _owner(t) -> str:
    """The person a task falls to (without the backup), or the role."""
    if t.owner:
        return f"{text(t.owner_name or t.owner)} ({t.owner})"
    return t.who


def _by_owner(tasks) -> "OrderedDict[str, list]":
    groups: OrderedDict[str, list] = OrderedDict()
    for t in sorted(tasks, key=lambda t: (_owner(t), t.due_at)):
        groups.setdefault(_owner(t), []).append(t)
    return groups


PER_OWNER = 10  # tasks listed per person and section; the rest is counted (--all lists every one)


def _groups(tasks, limit: int | None, counts: dict | None = None):
    """(owner, the tasks listed, the line that counts the others or None), by owner. `counts`:
    how many each person (username) or role has in all, when the report read only the first."""
    for who, group in _by_owner(tasks).items():
        t = group[0]
        total = (counts or {}).get(t.owner or t.owner_role, len(group))
        if limit is None or total <= limit:
            yield who, group, None
            continue
        yield who, group[:limit], f"and {total - limit} more (receptionctl report daily --all lists them)"


def _task_text(t) -> str:
    backup = f" (backup {t.backup})" if t.backup else ""
    of = (f"visit {t.visit_id}" if t.visit_id is not None else f"case {t.case_id}" if t.case_id is not None
          else "front desk")
    client = f" {text(t.client)}" if t.client else ""
    return f"{text(t.due_at)} ({t.due_in_words}) [task {t.id}] {of}{client}: {text(t.title)}{backup}"


def _visit_line(rv, with_day: bool) -> str:
    v = rv.visit
    when = (f"{text(v.starts_at)}" if with_day else f"{_hm(v.starts_at)}–{_hm(v.ends_at)}")
    ready = f"readiness {_pct(rv.readiness)} ({rv.prepared}/{rv.to_prepare})" if rv.to_prepare else "readiness -"
    return (f"{when}  #{v.id} {text(v.client)} · level {v.level} {v.purpose} · host {text(v.host)} · "
            f"plan {v.plan_status} · {ready}")


def _change(now, before, pct: bool = False) -> str:
    if now is None:
        return "-"
    shown = f"{round(now * 100)}%" if pct else f"{now:g}"
    if before is None:
        return shown
    diff = (now - before) * (100 if pct else 1)
    return f"{shown} ({diff:+.0f}{' pts' if pct else ''} on last month)"


def headline_text(r) -> str:
    """The numbers a lead reads first."""
    h = r.headline
    critical = f" ({h['critical_alerts']} critical)" if h["critical_alerts"] else ""
    return (f"{h['visits_today']} visits today · {h['overdue']} overdue · {h['alerts']} alerts{critical} · "
            f"satisfaction {_change(h['satisfaction'], h['satisfaction_last_month'])} · "
            f"conversion {_change(h['conversion'], h['conversion_last_month'], pct=True)}")


def _month_line(m) -> str:
    avg = "-" if m.average_score is None else f"{m.average_score:g}"
    return (f"{m.visits_received} visits received · {m.feedback_collected} feedback forms · average score {avg} · "
            f"{_pct(m.excellent_share)} excellent · {m.converted} converted")


def _person_line(p) -> str:
    where = f" · {text(p.where)}" if p.where else ""
    host = f" · host {p.host}" if p.host else ""
    return f"{text(p.name)} ({p.kind}) · {text(p.company)}{host} · since {_hm(p.since)}{where}"


def case_lines(r) -> list[str]:
    """The cases section: received the day before, open past their deadline by owner, the
    escalations waiting for an answer; empty when there is nothing to say."""
    d = r.cases
    if d is None or not (d.received or d.overdue_by_owner or d.escalations):
        return []
    out = []
    if d.received:
        out.append(f"Received the day before ({len(d.received)}):")
        out += [f"  #{c.id} {c.kind} ({c.category}, {c.severity}){' · ' + text(c.client) if c.client else ''} · "
                f"{c.state.replace('_', ' ')}" + (f" · {text(c.owner)}" if c.owner else "") for c in d.received]
    if d.overdue_by_owner:
        out.append("Open past their deadline, by owner:")
        out += [f"  {who}: " + ", ".join(f"#{n}" for n in ids) for who, ids in sorted(d.overdue_by_owner.items())]
    if d.escalations:
        out.append("Escalations waiting for an answer:")
        out += [f"  case #{case_id}: {e.to} asked \"{text(e.question)}\", answer promised by {text(e.promised_at)}"
                + (" – PROMISE BROKEN" if e.overdue else "") for case_id, e in d.escalations]
    return out


# -- text ---------------------------------------------------------------------------------
def lines(r, limit: int | None = PER_OWNER) -> list[tuple[str, str]]:
    """(line, style) pairs; the style is used on a terminal only."""
    out: list[tuple[str, str]] = [(f"Daily reception report – {r.date:%Y-%m-%d %A}", "bold"),
                                  (headline_text(r), "bold")]
    if r.alerts:
        out += [("", ""), (f"Alerts ({len(r.alerts)})", "bold underline")]
        out += [(f"  ! {ALERT_NAMES.get(a.kind, a.kind)}: {text(a.text)}", "red") for a in r.alerts]
    if r.today:
        out += [("", ""), (f"Today's visits ({len(r.today)})", "bold underline")]
        for rv in r.today:
            flags = f" · {', '.join(rv.flags)}" if rv.flags else ""
            out.append(("  " + _visit_line(rv, False) + flags, "red" if rv.overdue_preparation else ""))
            for title in rv.open_preparation:
                out.append((f"      open: {text(title)}", "dim"))
    if r.lookahead:
        out += [("", ""), (f"Look-ahead to {r.lookahead_until:%Y-%m-%d} ({len(r.lookahead)} need attention)",
                           "bold underline")]
        for rv in r.lookahead:
            out.append(("  " + _visit_line(rv, True) + " · " + ", ".join(rv.flags), "yellow"))
    if r.clashes:
        out += [("", ""), ("Clashes", "bold underline")]
        out += [(f"  ! {c}", "yellow") for c in r.clashes]
    for title, tasks, total, counts, style, mark in (
            ("Due today", r.due_today, r.due_today_total, r.due_today_by_owner, "", "•"),
            ("Overdue", r.overdue, r.overdue_total, r.overdue_by_owner, "red", "✗")):
        if not tasks:
            continue
        out += [("", ""), (f"{title} ({total}), by owner", "bold underline")]
        for who, group, more in _groups(tasks, limit, counts):
            out.append((f"  {who}", "bold"))
            for t in group:
                out.append((f"    {mark} {_task_text(t)}", style))
            if more:
                out.append((f"    {more}", "dim"))
    if r.on_site:
        out += [("", ""), (f"On site now ({len(r.on_site)})", "bold underline")]
        out += [("  " + _person_line(p), "") for p in r.on_site]
    cases = case_lines(r)
    if cases:
        out += [("", ""), ("Service cases", "bold underline")]
        out += [("  " + line, "red" if "BROKEN" in line else "") for line in cases]
    out += [("", ""), (f"Month to date ({r.month.month})", "bold underline"), ("  " + _month_line(r.month), "")]
    return out


def print_text(r, limit: int | None = PER_OWNER) -> None:
    if is_tty():
        from rich.text import Text

        from receptionctl.render.output import console

        con = console()
        for line, style in lines(r, limit):
            con.print(Text(line, style=style or ""), soft_wrap=True)
        return
    sys.stdout.write("".join(line + "\n" for line, _ in lines(r, limit)))


# -- markdown -----------------------------------------------------------------------------
def _md(value) -> str:
    return html.escape(text(value), quote=False).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def markdown(r, limit: int | None = PER_OWNER, max_bytes: int | None = 4096) -> str:
    """For a chat bot (WeCom, DingTalk): headings and lists, no tables; within `max_bytes`
    (UTF-8) by listing fewer lines per list, never by dropping a section; None: no limit."""
    if not max_bytes:
        return _markdown(r, limit, None)
    for items in (limit, 5, 3, 2, 1, 0):
        if items is not None and limit is not None and items > limit:
            continue
        md = _markdown(r, items, items)
        if len(md.encode("utf-8")) <= max_bytes:
            return md
    return md  # every list cut to its count: as short as it gets


def _cut(lines: list[str], items: int | None, what: str) -> list[str]:
    if items is None or len(lines) <= items:
        return lines
    return lines[:items] + [f"- … and {len(lines) - items} more {what} (receptionctl report daily --all)"]


def _markdown(r, limit: int | None, items: int | None) -> str:
    out = [f"# Daily reception report – {r.date:%Y-%m-%d %A}", "", f"**{_md(headline_text(r))}**", ""]
    if r.alerts:
        out += [f"## Alerts ({len(r.alerts)})", ""]
        out += _cut([f"- **{ALERT_NAMES.get(a.kind, a.kind)}**: {_md(a.text)}" for a in r.alerts], items, "alerts")
        out.append("")
    if r.today:
        out += [f"## Today's visits ({len(r.today)})", ""]
        out += _cut([f"- {_md(_visit_line(rv, False))}" + (f" · {_md(', '.join(rv.flags))}" if rv.flags else "")
                     + (f" · open: {_md('; '.join(rv.open_preparation))}" if rv.open_preparation else "")
                     for rv in r.today], items, "visits")
        out.append("")
    if r.lookahead:
        out += [f"## Look-ahead to {r.lookahead_until:%Y-%m-%d} ({len(r.lookahead)})", ""]
        out += _cut([f"- {_md(_visit_line(rv, True))} · {_md(', '.join(rv.flags))}" for rv in r.lookahead], items,
                    "visits")
        out.append("")
    if r.clashes:
        out += ["## Clashes", ""] + _cut([f"- {_md(c)}" for c in r.clashes], items, "clashes") + [""]
    for title, tasks, total, counts in (("Due today", r.due_today, r.due_today_total, r.due_today_by_owner),
                                        ("Overdue", r.overdue, r.overdue_total, r.overdue_by_owner)):
        if not tasks:
            continue
        out += [f"## {title} ({total})", ""]
        for who, group, more in _groups(tasks, limit if items is None else min(limit or items, items), counts):
            out.append(f"- **{_md(who)}**")
            out += [f"  - {_md(_task_text(t))}" for t in group]
            out += [f"  - {_md(more)}"] if more else []
        out.append("")
    if r.on_site:
        out += [f"## On site now ({len(r.on_site)})", ""]
        out += _cut([f"- {_md(_person_line(p))}" for p in r.on_site], items, "people") + [""]
    cases = case_lines(r)
    if cases:
        out += ["## Service cases", ""] + [f"- {_md(line.strip())}" for line in cases] + [""]
    out += [f"## Month to date ({r.month.month})", "", _month_line(r.month), ""]
    return "\n".join(out)


# -- html ---------------------------------------------------------------------------------
_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;
max-width:960px;margin:0 auto;padding:16px;font-size:14px;line-height:1.4}
h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:20px 0 6px;border-bottom:2px solid #ddd;padding-bottom:3px}
h3{font-size:14px;margin:10px 0 4px}table{border-collapse:collapse;width:100%;margin:4px 0}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}
.late{color:#b00020}.warn{color:#8a5a00}.muted{color:#777}ul{margin:4px 0;padding-left:20px}
.mtd{background:#f4f8ff;border:1px solid #cfe0ff;padding:8px}
""".strip()


def _h(value) -> str:
    return html.escape(text(value), quote=True)


# Inline styles as well as the <style> block: several mail clients drop the latter.
_TABLE = ' style="border-collapse:collapse;width:100%;margin:4px 0"'
_CELL = "border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top"
_TH = f' style="{_CELL};background:#f4f4f4"'
LATE, WARN = "color:#b00020", "color:#8a5a00"
_LATE = f' class="late" style="{LATE}"'
_WARN = f' class="warn" style="{WARN}"'
_H2 = ' style="font-size:16px;margin:20px 0 6px;border-bottom:2px solid #ddd;padding-bottom:3px"'


def _table(headers, rows) -> str:
    head = "".join(f"<th{_TH}>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL};{extra}">{cell}</td>' for extra, cell in row) + "</tr>"
                   for row in rows)
    return f"<table{_TABLE}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _glance(r) -> str:
    """"At a glance": overdue tasks by owner (the top 10) as CSS bars, for mail clients."""
    counts = r.overdue_by_owner or {}
    if not counts:
        counts = {}
        for t in r.overdue:
            counts[t.owner or t.owner_role] = counts.get(t.owner or t.owner_role, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:10]
    if not top:
        return ""
    most = top[0][1]
    rows = "".join(
        f'<tr><td style="{_CELL};width:30%">{_h(who)}</td><td style="{_CELL};width:8%;text-align:right">{n}</td>'
        f'<td style="{_CELL}"><div style="width:{round(100 * n / most, 1)}%;height:12px;background:#c0392b;'
        f'font-size:1px;line-height:12px">&#160;</div></td></tr>' for who, n in top)
    return f"<h2{_H2}>At a glance: overdue by owner</h2><table{_TABLE}><tbody>{rows}</tbody></table>"


def html_page(r, limit: int | None = PER_OWNER) -> str:
    title = f"Daily reception report – {r.date:%Y-%m-%d %A}"
    parts = [f"<h1>{html.escape(title)}</h1>", f"<p><b>{_h(headline_text(r))}</b></p>"]
    glance = _glance(r)
    if glance:
        parts.append(glance)
    if r.alerts:
        parts.append(f"<h2{_H2}>Alerts</h2><ul>" + "".join(
            f"<li{_LATE}><b>{html.escape(ALERT_NAMES.get(a.kind, a.kind))}</b>: {_h(a.text)}</li>"
            for a in r.alerts) + "</ul>")
    if r.today:
        parts.append(f"<h2{_H2}>Today's visits</h2>")
        parts.append(_table(
            ["Time", "Visit", "Client", "Level", "Purpose", "Host", "Plan", "Readiness", "Open preparation"],
            [[("", f"{_hm(rv.visit.starts_at)}–{_hm(rv.visit.ends_at)}"), ("", str(rv.visit.id)), ("", _h(rv.visit.client)),
              ("", str(rv.visit.level)), ("", _h(rv.visit.purpose)), ("", _h(rv.visit.host)), ("", _h(rv.visit.plan_status)),
              (LATE if rv.overdue_preparation else "", _pct(rv.readiness)),
              ("", "<br/>".join(_h(t) for t in rv.open_preparation) or "-")] for rv in r.today]))
    if r.lookahead:
        parts.append(f"<h2{_H2}>Look-ahead to {r.lookahead_until:%Y-%m-%d}</h2>")
        parts.append(_table(
            ["Start", "Visit", "Client", "Host", "Plan", "Readiness", "Why"],
            [[("", _h(rv.visit.starts_at)), ("", str(rv.visit.id)), ("", _h(rv.visit.client)), ("", _h(rv.visit.host)),
              ("", _h(rv.visit.plan_status)), ("", _pct(rv.readiness)), (WARN, _h(", ".join(rv.flags)))]
             for rv in r.lookahead]))
    if r.clashes:
        parts.append(f"<h2{_H2}>Clashes</h2><ul>" + "".join(f"<li{_WARN}>{_h(c)}</li>" for c in r.clashes) + "</ul>")
    for name, tasks, total, counts, cls in (("Due today", r.due_today, r.due_today_total, r.due_today_by_owner, ""),
                                            ("Overdue", r.overdue, r.overdue_total, r.overdue_by_owner, _LATE)):
        if not tasks:
            continue
        parts.append(f"<h2{_H2}>{name} ({total})</h2>")
        for who, group, more in _groups(tasks, limit, counts):
            parts.append(f"<h3>{_h(who)}</h3><ul>" + "".join(f"<li{cls}>{_h(_task_text(t))}</li>" for t in group)
                         + (f"<li>{_h(more)}</li>" if more else "") + "</ul>")
    if r.on_site:
        parts.append(f"<h2{_H2}>On site now ({len(r.on_site)})</h2><ul>"
                     + "".join(f"<li>{_h(_person_line(p))}</li>" for p in r.on_site) + "</ul>")
    cases = case_lines(r)
    if cases:
        parts.append(f"<h2{_H2}>Service cases</h2><ul>" + "".join(
            f"<li{_LATE if 'BROKEN' in line else ''}>{_h(line.strip())}</li>" for line in cases) + "</ul>")
    parts.append(f"<h2{_H2}>Month to date ({html.escape(r.month.month)})</h2>"
                 f'<p class="mtd" style="background:#f4f8ff;border:1px solid #cfe0ff;padding:8px">'
                 f"{_h(_month_line(r.month))}</p>")
    parts.append(f'<p class="muted">Generated {_h(r.generated_at)} by receptionctl.</p>')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")


# -- json ---------------------------------------------------------------------------------
def as_json(r) -> dict:
    def visit(rv) -> dict:
        return {**jsonable(rv.visit), "readiness": rv.readiness, "prepared": rv.prepared, "to_prepare": rv.to_prepare,
                "open_preparation": list(rv.open_preparation), "flags": list(rv.flags),
                "section": "today" if rv in r.today else "lookahead"}

    return {
        "date": r.date.isoformat(),
        "generated_at": jsonable(r.generated_at),
        "lookahead_until": r.lookahead_until.isoformat(),
        "visits": [visit(rv) for rv in r.visits],
        "clashes": list(r.clashes),
        "due_today": jsonable(r.due_today),
        "overdue": jsonable(r.overdue),
        "alerts": jsonable(r.alerts),
        "month": jsonable(r.month),
        "last_month": jsonable(r.last_month),
        "headline": r.headline,
        "on_site": None if r.on_site is None else jsonable(r.on_site),
        "cases": None if r.cases is None else {
            "received": jsonable(r.cases.received),
            "overdue_by_owner": r.cases.overdue_by_owner,
            "escalations": [{"case_id": case_id, **jsonable(e)} for case_id, e in r.cases.escalations],
            "missing_check": r.cases.missing_check.isoformat() if r.cases.missing_check else None,
            "repeated": list(r.cases.repeated),
        },
    }
