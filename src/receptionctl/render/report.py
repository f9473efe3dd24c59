"""The daily report in four formats: text, markdown, html (one self-contained page for a
mail client) and json. Given a DailyReport read model; never touches the database."""

from __future__ import annotations

import html
import sys
from collections import OrderedDict

from receptionctl import i18n
from receptionctl.domain.core import clock
from receptionctl.i18n import N_, _, code
from receptionctl.render.output import is_tty, jsonable, task_title, text

ALERT_NAMES = {"red_line": N_("red line"), "incident": N_("incident"), "reapproval": N_("re-approval"),
               "no_host": N_("no host"),
               "no_owner": N_("needs a new owner"),
               "promise": N_("promise not kept"), "pattern": N_("pattern"), "day_check": N_("case check"),
               "walk_in": N_("walk-in"), "no_show": N_("no-show"),
               "pass_overdue": N_("pass not returned"), "mail_uncollected": N_("mail not collected"),
               "goods_waiting": N_("goods waiting for their owner"),
               "handover_refused": N_("handover refused"), "handover_review": N_("handovers not reviewed")}
# the kinds shown as their code in English: their names in another language
N_("code|alert|doc_overdue"), N_("code|alert|doc_recall"), N_("code|alert|procedure_unread")
N_("code|alert|retention_due")
# who is on site (domain/desk/onsite.py OnSite.kind)
N_("code|onsite|guest"), N_("code|onsite|walk-in"), N_("code|onsite|pass")


def alert_name(kind: str) -> str:
    """An alert's kind as people read it, in the run's language."""
    return _(ALERT_NAMES[kind]) if kind in ALERT_NAMES else code(kind, "alert")


def day_title(day) -> str:
    """The report's day: `2026-11-25 Wednesday`; in Chinese `2026年11月25日 星期三`."""
    if i18n.chinese():
        return f"{day.year}年{i18n.day_label(day)}"
    return f"{day:%Y-%m-%d %A}"


def _title(r) -> str:
    return _("Daily reception report – {day}").format(day=day_title(r.date))


def _flags(rv) -> tuple:
    """Why a visit is listed, in the run's language."""
    return rv.shown_flags or rv.flags


def _open_titles(rv) -> tuple:
    """The titles of a visit's open preparation tasks, in the run's language."""
    if i18n.chinese() and rv.open_preparation_zh:
        return tuple(zh or en for en, zh in zip(rv.open_preparation, rv.open_preparation_zh))
    return rv.open_preparation


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
        yield who, group[:limit], _("and {n} more (receptionctl report daily --all lists them)").format(n=total - limit)


def _task_text(t) -> str:
    of = (_("visit {visit}").format(visit=t.visit_id) if t.visit_id is not None
          else _("case {case}").format(case=t.case_id) if t.case_id is not None else _("front desk"))
    client = f" {text(t.client)}" if t.client else ""
    title = task_title(t)
    line = _("{due} ({due_in_words}) [task {task}] {of}{client}: {title}").format(
        due=text(t.due_at), due_in_words=t.shown_due, task=t.id, of=of, client=client, title=text(title))
    return _("{task} (backup {backup})").format(task=line, backup=t.backup) if t.backup else line


def _visit_line(rv, with_day: bool) -> str:
    v = rv.visit
    when = (f"{text(v.starts_at)}" if with_day else f"{_hm(v.starts_at)}–{_hm(v.ends_at)}")
    ready = (_("readiness {percent} ({done}/{total})").format(percent=_pct(rv.readiness), done=rv.prepared,
                                                               total=rv.to_prepare)
             if rv.to_prepare else _("readiness -"))
    return _("{when}  #{visit} {client} · level {level} {purpose} · host {host} · plan {plan} · {readiness}").format(
        when=when, visit=v.id, client=text(v.client), level=v.level, purpose=code(v.purpose, "purpose"),
        host=text(v.host), plan=code(v.plan_status, "plan_status"), readiness=ready)


def _change(now, before, pct: bool = False) -> str:
    if now is None:
        return "-"
    shown = f"{round(now * 100)}%" if pct else f"{now:g}"
    if before is None:
        return shown
    diff = f"{(now - before) * (100 if pct else 1):+.0f}"
    return (_("{value} ({change} pts on last month)") if pct else _("{value} ({change} on last month)")).format(
        value=shown, change=diff)


def headline_text(r) -> str:
    """The numbers a lead reads first."""
    h = r.headline
    values = {"visits": h["visits_today"], "overdue": h["overdue"], "alerts": h["alerts"],
              "critical": h["critical_alerts"],
              "satisfaction": _change(h["satisfaction"], h["satisfaction_last_month"]),
              "conversion": _change(h["conversion"], h["conversion_last_month"], pct=True)}
    if h["critical_alerts"]:
        return _("{visits} visits today · {overdue} overdue · {alerts} alerts ({critical} critical) · "
                 "satisfaction {satisfaction} · conversion {conversion}").format(**values)
    return _("{visits} visits today · {overdue} overdue · {alerts} alerts · satisfaction {satisfaction} · "
             "conversion {conversion}").format(**values)


def _month_line(m) -> str:
    avg = "-" if m.average_score is None else f"{m.average_score:g}"
    return _("{received} visits received · {forms} feedback forms · average score {average} · "
             "{excellent} excellent · {converted} converted").format(
        received=m.visits_received, forms=m.feedback_collected, average=avg, excellent=_pct(m.excellent_share),
        converted=m.converted)


def _person_line(p) -> str:
    line = _("{name} ({kind}) · {company}").format(name=text(p.name), kind=code(p.kind, "onsite"),
                                                    company=text(p.company))
    if p.host:
        line += " · " + _("host {host}").format(host=p.host)
    line += " · " + _("since {time}").format(time=_hm(p.since))
    return line + (f" · {text(p.where)}" if p.where else "")


def case_items(r) -> list[tuple[str, bool]]:
    """The cases section as (line, alarming) pairs: received the day before, open past their
    deadline by owner, the escalations waiting for an answer (alarming: a promise broken);
    empty when there is nothing to say."""
    d = r.cases
    if d is None or not (d.received or d.overdue_by_owner or d.escalations):
        return []
    out = []
    if d.received:
        out.append((_("Received the day before ({n}):").format(n=len(d.received)), False))
        out += [(f"  #{c.id} " + _("{kind} ({category}, {severity})").format(
                     kind=code(c.kind, "kind"), category=code(c.category, "category"),
                     severity=code(c.severity, "severity"))
                 + (" · " + text(c.client) if c.client else "") + " · " + code(c.state, "state").replace("_", " ")
                 + (f" · {text(c.owner)}" if c.owner else ""), False) for c in d.received]
    if d.overdue_by_owner:
        out.append((_("Open past their deadline, by owner:"), False))
        out += [("  " + _("{owner}: {cases}").format(owner=_("unassigned") if who == "unassigned" else who,
                                                     cases=", ".join(f"#{n}" for n in ids)), False)
                for who, ids in sorted(d.overdue_by_owner.items())]
    if d.escalations:
        out.append((_("Escalations waiting for an answer:"), False))
        for case_id, e in d.escalations:
            line = _("case #{case}: {to} asked \"{question}\", answer promised by {promised}").format(
                case=case_id, to=e.to, question=text(e.question), promised=text(e.promised_at))
            if e.overdue:
                line = _("{escalation} – PROMISE BROKEN").format(escalation=line)
            out.append(("  " + line, bool(e.overdue)))
    return out


def case_lines(r) -> list[str]:
    """The cases section's lines (see case_items)."""
    return [line for line, _alarm in case_items(r)]


# -- text ---------------------------------------------------------------------------------
def lines(r, limit: int | None = PER_OWNER) -> list[tuple[str, str]]:
    """(line, style) pairs; the style is used on a terminal only."""
    out: list[tuple[str, str]] = [(_title(r), "bold"), (headline_text(r), "bold")]
    if r.alerts:
        out += [("", ""), (_("Alerts ({n})").format(n=len(r.alerts)), "bold underline")]
        out += [("  ! " + _("{alert}: {text}").format(alert=alert_name(a.kind), text=text(a.text)), "red")
                for a in r.alerts]
    if r.today:
        out += [("", ""), (_("Today's visits ({n})").format(n=len(r.today)), "bold underline")]
        for rv in r.today:
            flags = " · " + _(", ").join(_flags(rv)) if rv.flags else ""
            out.append(("  " + _visit_line(rv, False) + flags, "red" if rv.overdue_preparation else ""))
            for title in _open_titles(rv):
                out.append(("      " + _("open: {tasks}").format(tasks=text(title)), "dim"))
    if r.lookahead:
        out += [("", ""), (_("Look-ahead to {day} ({n} need attention)").format(
            day=f"{r.lookahead_until:%Y-%m-%d}", n=len(r.lookahead)), "bold underline")]
        for rv in r.lookahead:
            out.append(("  " + _visit_line(rv, True) + " · " + _(", ").join(_flags(rv)), "yellow"))
    if r.clashes:
        out += [("", ""), (_("Clashes"), "bold underline")]
        out += [(f"  ! {c}", "yellow") for c in r.clashes]
    for title, tasks, total, counts, style, mark in (
            (N_("Due today ({n}), by owner"), r.due_today, r.due_today_total, r.due_today_by_owner, "", "•"),
            (N_("Overdue ({n}), by owner"), r.overdue, r.overdue_total, r.overdue_by_owner, "red", "✗")):
        if not tasks:
            continue
        out += [("", ""), (_(title).format(n=total), "bold underline")]
        for who, group, more in _groups(tasks, limit, counts):
            out.append((f"  {who}", "bold"))
            for t in group:
                out.append((f"    {mark} {_task_text(t)}", style))
            if more:
                out.append((f"    {more}", "dim"))
    if r.on_site:
        out += [("", ""), (_("On site now ({n})").format(n=len(r.on_site)), "bold underline")]
        out += [("  " + _person_line(p), "") for p in r.on_site]
    cases = case_items(r)
    if cases:
        out += [("", ""), (_("Service cases"), "bold underline")]
        out += [("  " + line, "red" if alarm else "") for line, alarm in cases]
    out += [("", ""), (_("Month to date ({month})").format(month=r.month.month), "bold underline"),
            ("  " + _month_line(r.month), "")]
    return out


def print_text(r, limit: int | None = PER_OWNER) -> None:
    if is_tty():
        from rich.text import Text

        from receptionctl.render.output import console

        con = console()
        for line, style in lines(r, limit):
            con.print(Text(line, style=style or ""), soft_wrap=True)
        return
    sys.stdout.write("".join(line + "\n" for line, _style in lines(r, limit)))


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


def _cut(lines: list[str], items: int | None, more: str) -> list[str]:
    """`more`: the message id of the line that counts what is left out."""
    if items is None or len(lines) <= items:
        return lines
    return lines[:items] + ["- … " + _(more).format(n=len(lines) - items)]


def _markdown(r, limit: int | None, items: int | None) -> str:
    out = [f"# {_title(r)}", "", f"**{_md(headline_text(r))}**", ""]
    if r.alerts:
        out += ["## " + _("Alerts ({n})").format(n=len(r.alerts)), ""]
        out += _cut(["- " + _("{alert}: {text}").format(alert=f"**{alert_name(a.kind)}**", text=_md(a.text))
                     for a in r.alerts], items, N_("and {n} more alerts (receptionctl report daily --all)"))
        out.append("")
    if r.today:
        out += ["## " + _("Today's visits ({n})").format(n=len(r.today)), ""]
        out += _cut([f"- {_md(_visit_line(rv, False))}" + (" · " + _md(_(", ").join(_flags(rv))) if rv.flags else "")
                     + (" · " + _("open: {tasks}").format(tasks=_md(_("; ").join(_open_titles(rv))))
                        if rv.open_preparation else "")
                     for rv in r.today], items, N_("and {n} more visits (receptionctl report daily --all)"))
        out.append("")
    if r.lookahead:
        out += ["## " + _("Look-ahead to {day} ({n})").format(day=f"{r.lookahead_until:%Y-%m-%d}", n=len(r.lookahead)),
                ""]
        out += _cut([f"- {_md(_visit_line(rv, True))} · " + _md(_(", ").join(_flags(rv))) for rv in r.lookahead], items,
                    N_("and {n} more visits (receptionctl report daily --all)"))
        out.append("")
    if r.clashes:
        out += ["## " + _("Clashes"), ""] + _cut([f"- {_md(c)}" for c in r.clashes], items,
                                                 N_("and {n} more clashes (receptionctl report daily --all)")) + [""]
    for title, tasks, total, counts in ((N_("Due today ({n})"), r.due_today, r.due_today_total, r.due_today_by_owner),
                                        (N_("Overdue ({n})"), r.overdue, r.overdue_total, r.overdue_by_owner)):
        if not tasks:
            continue
        out += ["## " + _(title).format(n=total), ""]
        for who, group, more in _groups(tasks, limit if items is None else min(limit or items, items), counts):
            out.append(f"- **{_md(who)}**")
            out += [f"  - {_md(_task_text(t))}" for t in group]
            out += [f"  - {_md(more)}"] if more else []
        out.append("")
    if r.on_site:
        out += ["## " + _("On site now ({n})").format(n=len(r.on_site)), ""]
        out += _cut([f"- {_md(_person_line(p))}" for p in r.on_site], items,
                    N_("and {n} more people (receptionctl report daily --all)")) + [""]
    cases = case_lines(r)
    if cases:
        out += ["## " + _("Service cases"), ""] + [f"- {_md(line.strip())}" for line in cases] + [""]
    out += ["## " + _("Month to date ({month})").format(month=r.month.month), "", _month_line(r.month), ""]
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
    head = "".join(f"<th{_TH}>{html.escape(_(h))}</th>" for h in headers)
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
    return _h2(_("At a glance: overdue by owner")) + f"<table{_TABLE}><tbody>{rows}</tbody></table>"


def _h2(heading: str) -> str:
    return f"<h2{_H2}>{html.escape(heading, quote=False)}</h2>"


def _lang() -> str:
    """The page's language (the `lang` attribute)."""
    return i18n.lang() if i18n.chinese() else "en"


def html_page(r, limit: int | None = PER_OWNER) -> str:
    title = _title(r)
    parts = [f"<h1>{html.escape(title)}</h1>", f"<p><b>{_h(headline_text(r))}</b></p>"]
    glance = _glance(r)
    if glance:
        parts.append(glance)
    if r.alerts:
        parts.append(_h2(_("Alerts")) + "<ul>" + "".join(
            f"<li{_LATE}>" + _("{alert}: {text}").format(alert=f"<b>{html.escape(alert_name(a.kind))}</b>",
                                                         text=_h(a.text)) + "</li>"
            for a in r.alerts) + "</ul>")
    if r.today:
        parts.append(_h2(_("Today's visits")))
        parts.append(_table(
            [N_("Time"), N_("Visit"), N_("Client"), N_("Level"), N_("Purpose"), N_("Host"), N_("Plan"), N_("Readiness"),
             N_("Open preparation")],
            [[("", f"{_hm(rv.visit.starts_at)}–{_hm(rv.visit.ends_at)}"), ("", str(rv.visit.id)), ("", _h(rv.visit.client)),
              ("", str(rv.visit.level)), ("", _h(code(rv.visit.purpose, "purpose"))), ("", _h(rv.visit.host)),
              ("", _h(code(rv.visit.plan_status, "plan_status"))),
              (LATE if rv.overdue_preparation else "", _pct(rv.readiness)),
              ("", "<br/>".join(_h(t) for t in _open_titles(rv)) or "-")] for rv in r.today]))
    if r.lookahead:
        parts.append(_h2(_("Look-ahead to {day}").format(day=f"{r.lookahead_until:%Y-%m-%d}")))
        parts.append(_table(
            [N_("Start"), N_("Visit"), N_("Client"), N_("Host"), N_("Plan"), N_("Readiness"), N_("Why")],
            [[("", _h(rv.visit.starts_at)), ("", str(rv.visit.id)), ("", _h(rv.visit.client)), ("", _h(rv.visit.host)),
              ("", _h(code(rv.visit.plan_status, "plan_status"))), ("", _pct(rv.readiness)),
              (WARN, _h(_(", ").join(_flags(rv))))]
             for rv in r.lookahead]))
    if r.clashes:
        parts.append(_h2(_("Clashes")) + "<ul>"
                     + "".join(f"<li{_WARN}>{_h(c)}</li>" for c in r.clashes) + "</ul>")
    for name, tasks, total, counts, cls in ((N_("Due today ({n})"), r.due_today, r.due_today_total,
                                             r.due_today_by_owner, ""),
                                            (N_("Overdue ({n})"), r.overdue, r.overdue_total, r.overdue_by_owner,
                                             _LATE)):
        if not tasks:
            continue
        parts.append(_h2(_(name).format(n=total)))
        for who, group, more in _groups(tasks, limit, counts):
            parts.append(f"<h3>{_h(who)}</h3><ul>" + "".join(f"<li{cls}>{_h(_task_text(t))}</li>" for t in group)
                         + (f"<li>{_h(more)}</li>" if more else "") + "</ul>")
    if r.on_site:
        parts.append(_h2(_("On site now ({n})").format(n=len(r.on_site))) + "<ul>"
                     + "".join(f"<li>{_h(_person_line(p))}</li>" for p in r.on_site) + "</ul>")
    cases = case_items(r)
    if cases:
        parts.append(_h2(_("Service cases")) + "<ul>" + "".join(
            f"<li{_LATE if alarm else ''}>{_h(line.strip())}</li>" for line, alarm in cases) + "</ul>")
    parts.append(_h2(_("Month to date ({month})").format(month=r.month.month))
                 + f'<p class="mtd" style="background:#f4f8ff;border:1px solid #cfe0ff;padding:8px">'
                 f"{_h(_month_line(r.month))}</p>")
    parts.append('<p class="muted">' + html.escape(_("Generated {moment} by receptionctl.").format(
        moment=text(r.generated_at))) + "</p>")
    return (f"<!DOCTYPE html>\n<html lang=\"{_lang()}\">\n<head>\n<meta charset=\"utf-8\" />\n"
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
