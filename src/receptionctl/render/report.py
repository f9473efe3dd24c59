"""The daily report in four formats: text, markdown, html (one self-contained page for a
mail client) and json. Given a DailyReport read model; never touches the database."""

from __future__ import annotations

import html
import re
import sys
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from receptionctl import i18n
from receptionctl.domain.core import clock
from receptionctl.domain.core.vocab import role_owner
from receptionctl.i18n import N_, _, code, ngettext
from receptionctl.render.output import Stream, is_tty, jsonable, task_title, text

ALERT_NAMES = {"red_line": N_("red line"), "incident": N_("incident"), "reapproval": N_("re-approval"),
               "no_host": N_("no host"),
               "no_owner": N_("needs a new owner"),
               "promise": N_("promise not kept"), "pattern": N_("pattern"), "day_check": N_("case check"),
               "walk_in": N_("walk-in"), "no_show": N_("no-show"),
               "pass_overdue": N_("pass not returned"), "mail_uncollected": N_("mail not collected"),
               "goods_waiting": N_("goods waiting for their owner"),
               "handover_refused": N_("handover refused"), "handover_review": N_("handovers not reviewed")}
# issue 26: a visit left behind its day, the desk's opening and closing checklists
ALERT_NAMES.update({"stale": N_("visit left behind its day"), "desk_unclosed": N_("desk not closed"),
                    "desk_problem": N_("desk checklist problem"),
                    "inspection_overdue": N_("inspection overdue"), "finding_unassigned": N_("finding without a fix"),
                    "drill_overdue": N_("drill overdue"), "no_manager": N_("no account manager")})
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
    """The person a task falls to (without the backup), or the role in words (never its code)."""
    if t.owner:
        return f"{text(t.owner_name or t.owner)} ({t.owner})"
    return role_owner(t.owner_role)


_RANK = {"high": 0, "low": 2}  # a task's priority in the order of the work (none: with the medium ones)


def _by_owner(tasks) -> "OrderedDict[str, list]":
    """Each person's tasks, high priority first, then by due time (the follow-up pipeline)."""
    groups: OrderedDict[str, list] = OrderedDict()
    for t in sorted(tasks, key=lambda t: (_owner(t), _RANK.get(t.priority, 1), t.due_at)):
        groups.setdefault(_owner(t), []).append(t)
    return groups


PER_OWNER = 10  # tasks listed per person and section; the rest is counted (--all lists every one)


def _owner_groups(tasks, limit: int | None, counts: dict | None = None):
    """(owner, the tasks listed, how many others are only counted), by owner. `counts`: how many
    each person (username) or role has in all, when the report read only the first."""
    for who, group in _by_owner(tasks).items():
        t = group[0]
        total = (counts or {}).get(t.owner or t.owner_role, len(group))
        if limit is None or total <= limit:
            yield who, group, 0
        else:
            yield who, group[:limit], total - limit


def _groups(tasks, limit: int | None, counts: dict | None = None):
    """(owner, the tasks listed, the line that counts the others or None), by owner."""
    for who, group, more in _owner_groups(tasks, limit, counts):
        yield who, group, (_("and {n} more (receptionctl report daily --all lists them)").format(n=more)
                           if more else None)


def _task_text(t) -> str:
    of = (_("visit {visit}").format(visit=t.visit_id) if t.visit_id is not None
          else _("case {case}").format(case=t.case_id) if t.case_id is not None
          else _("opportunity {opportunity}").format(opportunity=t.opportunity_id) if t.opportunity_id is not None
          else _("client care") if t.stage == "care" else _("front desk"))
    client = f" {text(t.client)}" if t.client else ""
    title = task_title(t)
    line = _("{due} ({due_in_words}) [task {task}] {of}{client}: {title}").format(
        due=text(t.due_at), due_in_words=t.shown_due, task=t.id, of=of, client=client, title=text(title))
    if t.priority == "high":
        line = _("{task} – high priority").format(task=line)
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
    return [(line, alarm) for line, alarm, _ids in case_entries(r)]


def case_entries(r) -> list[tuple[str, bool, tuple[int, ...]]]:
    """The cases section as (line, alarming, the ids of the cases it names) (see case_items)."""
    d = r.cases
    if d is None or not (d.received or d.overdue_by_owner or d.escalations):
        return []
    out = []
    if d.received:
        out.append((_("Received the day before ({n}):").format(n=len(d.received)), False, ()))
        out += [(f"  #{c.id} " + _("{kind} ({category}, {severity})").format(
                     kind=code(c.kind, "kind"), category=code(c.category, "category"),
                     severity=code(c.severity, "severity"))
                 + (" · " + text(c.client) if c.client else "") + " · " + code(c.state, "state").replace("_", " ")
                 + (f" · {text(c.owner)}" if c.owner else ""), False, (c.id,)) for c in d.received]
    if d.overdue_by_owner:
        out.append((_("Open past their deadline, by owner:"), False, ()))
        out += [("  " + _("{owner}: {cases}").format(owner=_("unassigned") if who == "unassigned" else who,
                                                     cases=", ".join(f"#{n}" for n in ids)), False, tuple(ids))
                for who, ids in sorted(d.overdue_by_owner.items())]
    if d.escalations:
        out.append((_("Escalations waiting for an answer:"), False, ()))
        for case_id, e in d.escalations:
            line = _("case #{case}: {to} asked \"{question}\", answer promised by {promised}").format(
                case=case_id, to=e.to, question=text(e.question), promised=text(e.promised_at))
            if e.overdue:
                line = _("{escalation} – PROMISE BROKEN").format(escalation=line)
            out.append(("  " + line, bool(e.overdue), (case_id,)))
    return out


def case_lines(r) -> list[str]:
    """The cases section's lines (see case_items)."""
    return [line for line, _alarm in case_items(r)]


CARE_SHOWN = 5  # clients named on one care line; the others counted


def care_heading(r) -> str:
    return _("Client care to {day} ({n})").format(day=f"{r.care_until:%Y-%m-%d}", n=len(r.care))


def care_items(r) -> list[tuple[str, bool]]:
    """The care line: the occasions of the next days, one line per day and occasion (a holiday
    names its clients), each saying how many were greeted and whether a greeting is late
    (alarming); empty when nothing is coming."""
    groups: OrderedDict[tuple, list] = OrderedDict()
    for o in r.care:
        groups.setdefault((o.day, o.kind, o.name, o.client_id if o.kind != "holiday" else None), []).append(o)
    out = []
    for (day, _kind, _name, _client), group in groups.items():
        names = [text(o.client) for o in group[:CARE_SHOWN]]
        more = len(group) - CARE_SHOWN
        who = _(", ").join(names) + (" " + _("and {n} more").format(n=more) if more > 0 else "")
        greeted = sum(o.greeted for o in group)
        late = sum(1 for o in group if o.task_state == "open" and o.due_at < r.generated_at)
        status = []
        if greeted:
            status.append(_("greeted") if len(group) == 1 else _("{n} of {total} greeted").format(
                n=greeted, total=len(group)))
        if late:
            status.append(ngettext("{n} greeting late", "{n} greetings late", late).format(n=late))
        if not greeted and all(o.task_id is None for o in group):
            status.append(_("no task yet (care generate)"))
        owner = group[0].owner if len(group) == 1 else None
        line = _("{day} {occasion}: {clients}").format(day=f"{day:%m-%d}", occasion=group[0].what, clients=who)
        if owner:
            line += " · " + owner
        out.append((line + (" · " + _(", ").join(status) if status else ""), bool(late)))
    return out


# -- text ---------------------------------------------------------------------------------
def _today_lines(r) -> list[tuple[str, str]]:
    """Today's visits, each with its open preparation tasks."""
    if not r.today:
        return []
    out = [("", ""), (_("Today's visits ({n})").format(n=len(r.today)), "bold underline")]
    for rv in r.today:
        flags = " · " + _(", ").join(_flags(rv)) if rv.flags else ""
        out.append(("  " + _visit_line(rv, False) + flags, "red" if rv.overdue_preparation else ""))
        for title in _open_titles(rv):
            out.append(("      " + _("open: {tasks}").format(tasks=text(title)), "dim"))
    return out


def lines(r, limit: int | None = PER_OWNER) -> list[tuple[str, str]]:
    """(line, style) pairs; the style is used on a terminal only."""
    out: list[tuple[str, str]] = [(_title(r), "bold"), (headline_text(r), "bold")]
    if r.alerts:
        out += [("", ""), (_("Alerts ({n})").format(n=len(r.alerts)), "bold underline")]
        out += [("  ! " + _("{alert}: {text}").format(alert=alert_name(a.kind), text=text(a.text)), "red")
                for a in r.alerts]
    out += _today_lines(r)
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
    for heading, items in ((_("Service cases"), case_items(r)), (care_heading(r) if r.care else "", care_items(r))):
        if items:
            out += [("", ""), (heading, "bold underline")]
            out += [("  " + line, "red" if alarm else "") for line, alarm in items]
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
MIN_ALERT_CHARS = 40  # an alert shortened to fit the message keeps at least its first words
# a command line in a text (an alert's hint): a chat reader cannot run it
_COMMAND = re.compile(r"\s*[(（]\s*`?receptionctl\s[^)）]*[)）]|\s*`receptionctl\s[^`]*`")


def _md(value) -> str:
    return html.escape(text(value), quote=False).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def _size(lines) -> int:
    """The UTF-8 bytes of `lines` joined by newlines (one newline too many: on the safe side)."""
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _clip(value: str, chars: int | None) -> str:
    return value if chars is None or len(value) <= chars else value[:chars].rstrip() + "…"


def _link(url: str) -> str:
    """A link's address for markdown: parentheses and spaces escaped."""
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


class _Part:
    """A section of the chat message: its heading, its items in order (each in the forms it may take,
    longest first: one or more lines; and how many things it stands for), the line that counts the
    things left out, and lines it always ends with. Filled item by item while the message has room."""

    def __init__(self, heading: str, items=(), more=None, tail=(), first: str = "", fuller=None) -> None:
        self.items = list(items)
        # per item, a line fuller than its first form, put in its place once everything has had its turn
        self.fuller = list(fuller) if fuller else [None] * len(self.items)
        self.upgrades: list[tuple[int, str]] = []  # (index in shown, the fuller line)
        self.first = first  # "alerts", "today": filled before the others, in this order
        self.more = more  # n -> the line counting n things left out
        self.fixed = _size([heading, ""] + list(tail) + [""])
        self.heading, self.tail = heading, list(tail)
        self.shown: list[str] = []
        self.shown_size = 0
        self.next = 0  # the first item not shown
        self.left = sum(units for _forms, units in self.items)

    def cost(self, shown_size: int | None = None, left: int | None = None) -> int:
        left = self.left if left is None else left
        return (self.fixed + (self.shown_size if shown_size is None else shown_size)
                + (_size([self.more(left)]) if left else 0))

    def take(self, lines, units: int, first_form: bool = True) -> None:
        if self.fuller[self.next] is not None and first_form:
            self.upgrades.append((len(self.shown), self.fuller[self.next]))
        self.shown += lines
        self.shown_size += _size(lines)
        self.left -= units
        self.next += 1

    def step(self, spare: int | None) -> tuple[int | None, bool]:
        """Adds the next item if it fits in `spare` bytes (None: no limit): (the bytes left, whether
        it was added)."""
        forms, units = self.items[self.next]
        if spare is None:
            self.take(forms[0], units)
            return None, True
        before = self.cost()
        for k, form in enumerate(forms):
            grows = self.cost(self.shown_size + _size(form), self.left - units) - before
            if grows <= spare:
                self.take(form, units, k == 0)
                return spare - grows, True
        return spare, False

    def fill(self, spare: int | None) -> int | None:
        """Adds the items in order while they fit in `spare` bytes (None: all); returns what is left."""
        added = True
        while added and self.next < len(self.items):
            spare, added = self.step(spare)
        return spare

    def upgrade(self, spare: int | None) -> int | None:
        """Puts the fuller lines in place while they fit; returns the bytes left."""
        for i, line in self.upgrades:
            grows = _size([line]) - _size([self.shown[i]])
            if spare is None or grows <= spare:
                self.shown[i] = line
                self.shown_size += grows
                spare = None if spare is None else spare - grows
        self.upgrades = []
        return spare

    def lines(self) -> list[str]:
        return [self.heading, ""] + self.shown + ([self.more(self.left)] if self.left else []) + self.tail + [""]


def markdown(r, limit: int | None = PER_OWNER, max_bytes: int | None = 4096, link: str | None = None) -> str:
    """For a chat bot (WeCom, DingTalk): headings and lists, no tables, no command lines (a chat
    reader cannot run them; `link`, the policy's report_url, is the way to the rest). Within
    `max_bytes` (UTF-8; None or 0: no limit) the message is filled in the order things matter: the
    headline, every alert on one line (critical first; shortened to its first words when they do not
    all fit whole), today's visits, then the other sections; a section's last lines are counted
    ("… and 3 more") only when the message has no room left for them. No section is dropped."""
    head = [f"# {_title(r)}", "", f"**{_md(headline_text(r))}**", ""]
    foot = [f"[{_('The full report')}]({_link(link)})"] if link else []
    parts = _parts(r, limit, link)
    if not max_bytes:
        for part in parts:
            part.fill(None)
            part.upgrade(None)
    else:
        spare = max_bytes - _size(head) - _size(foot) - sum(p.cost() for p in parts)
        for part in parts:
            if part.first == "alerts":
                spare = _fit_alerts(part, r.alerts, spare)
            elif part.first == "today":  # leaving room for the first line of every other section
                reserve = sum(_first_cost(p) for p in parts if not p.first)
                spare = part.fill(max(spare - reserve, 0)) + min(reserve, spare)
        spare = _take_turns([p for p in parts if not p.first], spare)
        for part in parts:  # then the details: today's open preparation tasks, whole
            spare = part.upgrade(spare)
    return "\n".join(head + [line for p in parts for line in p.lines()] + foot).rstrip("\n")


def _first_cost(part: "_Part") -> int:
    """The bytes the first item of a section costs in its shortest form (0: it has none)."""
    if part.next >= len(part.items):
        return 0
    forms, units = part.items[part.next]
    before = part.cost()
    return min(part.cost(part.shown_size + _size(form), part.left - units) - before for form in forms)


def _take_turns(parts: list[_Part], spare: int) -> int:
    """The other sections take turns, one item each, so that each shows its first lines; a section
    stops at its first item that does not fit."""
    turning = [p for p in parts if p.next < len(p.items)]
    while turning:
        still = []
        for part in turning:
            spare, added = part.step(spare)
            if added and part.next < len(part.items):
                still.append(part)
        turning = still
    return spare


def _more(message_n, link: str | None):
    """The line that counts what is left out: `message_n(n)` (a ngettext), and the link to the rest."""
    def line(n: int) -> str:
        said = "- … " + message_n(n).format(n=n)
        return said + f" · [{_('the full report')}]({_link(link)})" if link else said
    return line


def _alert_line(a, chars: int | None = None) -> str:
    said = _clip(_COMMAND.sub("", text(a.text)), chars)
    return "- " + _("{alert}: {text}").format(alert=f"**{alert_name(a.kind)}**", text=_md(said))


def _fit_alerts(part: "_Part", alerts, spare: int) -> int:
    """Every alert on one line, whole if they all fit; else each cut to the same number of characters,
    the most that lets them all fit (MIN_ALERT_CHARS at least); else as many as fit, the rest counted."""
    if not alerts:
        return spare
    longest = max(len(_COMMAND.sub("", text(a.text))) for a in alerts)

    def grows(chars):
        return part.cost(_size([_alert_line(a, chars) for a in alerts]), 0) - part.cost()

    if grows(None) > spare and grows(MIN_ALERT_CHARS) <= spare:
        low, high = MIN_ALERT_CHARS, longest  # low fits, high does not
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if grows(middle) <= spare else (low, middle)
        chars = low
    else:
        chars = None if grows(None) <= spare else MIN_ALERT_CHARS
    part.items = [(([_alert_line(a, chars)],), 1) for a in alerts]
    return part.fill(spare)


def _parts(r, limit: int | None, link: str | None) -> list[_Part]:
    """The sections of the chat message, in order, none filled yet."""
    parts = []
    if r.alerts:  # whole; cut to fit a budget by _fit_alerts
        parts.append(_Part("## " + _("Alerts ({n})").format(n=len(r.alerts)), [(([_alert_line(a)],), 1)
                                                                             for a in r.alerts], _more(
            lambda n: ngettext("and {n} more alert", "and {n} more alerts", n), link), first="alerts"))
    visits = _more(lambda n: ngettext("and {n} more visit", "and {n} more visits", n), link)
    if r.today:
        parts.append(_Part("## " + _("Today's visits ({n})").format(n=len(r.today)), [
            (_visit_forms(rv), 1) for rv in r.today], visits, first="today",
            fuller=[_visit_line_md(rv, None) for rv in r.today]))
    if r.lookahead:
        parts.append(_Part("## " + _("Look-ahead to {day} ({n})").format(day=f"{r.lookahead_until:%Y-%m-%d}",
                                                                        n=len(r.lookahead)),
                           [(([f"- {_md(_visit_line(rv, True))} · " + _md(_(", ").join(_flags(rv)))],), 1)
                            for rv in r.lookahead], visits))
    if r.clashes:
        parts.append(_Part("## " + _("Clashes"), [(([f"- {_md(c)}"],), 1) for c in r.clashes], _more(
            lambda n: ngettext("and {n} more clash", "and {n} more clashes", n), link)))
    for title, tasks, total, counts in ((N_("Due today ({n})"), r.due_today, r.due_today_total, r.due_today_by_owner),
                                        (N_("Overdue ({n})"), r.overdue, r.overdue_total, r.overdue_by_owner)):
        if tasks:
            parts.append(_Part("## " + _(title).format(n=total), _task_items(tasks, limit, counts), _more(
                lambda n: ngettext("and {n} more task", "and {n} more tasks", n), link)))
    if r.on_site:
        parts.append(_Part("## " + _("On site now ({n})").format(n=len(r.on_site)),
                           [(([f"- {_md(_person_line(p))}"],), 1) for p in r.on_site], _more(
            lambda n: ngettext("and {n} more person", "and {n} more people", n), link)))
    cases = _case_items(case_lines(r))
    if cases:
        parts.append(_Part("## " + _("Service cases"), cases, _more(lambda n: _("and {n} more"), link)))
    care = care_items(r)
    if care:
        parts.append(_Part("## " + care_heading(r), [(([f"- {_md(line)}"],), 1) for line, _alarm in care],
                           _more(lambda n: _("and {n} more"), link)))
    parts.append(_Part("## " + _("Month to date ({month})").format(month=r.month.month), tail=[_month_line(r.month)]))
    return parts


def _case_items(lines: list[str]) -> list:
    """The cases section as items: a heading ("Escalations waiting for an answer:") with its first
    line, then each line under it."""
    items, heading = [], None
    for line in lines:
        if not line.startswith("  "):
            heading = f"- {_md(line)}"
            continue
        said = f"  - {_md(line.strip())}"
        items.append((([heading, said] if heading else [said],), 1))
        heading = None
    return items


OPEN_TITLE_CHARS = 30  # an open task's title in a visit's line, until the message has room for it whole


def _visit_line_md(rv, chars: int | None, with_open: bool = True) -> str | None:
    """A visit of today; with its open preparation tasks, their titles cut to `chars` characters
    (None: whole). None for the whole titles when they are not longer than the cut ones."""
    line = f"- {_md(_visit_line(rv, False))}" + (" · " + _md(_(", ").join(_flags(rv))) if rv.flags else "")
    if not (with_open and rv.open_preparation):
        return line
    titles = _open_titles(rv)
    if chars is None and all(len(t) <= OPEN_TITLE_CHARS for t in titles):
        return None
    return line + " · " + _("open: {tasks}").format(tasks=_md(_("; ").join(_clip(t, chars) for t in titles)))


def _visit_forms(rv) -> tuple:
    """A visit of today: with its open preparation tasks (their titles cut short), or without them
    when they do not fit."""
    line = _visit_line_md(rv, None, with_open=False)
    return ([_visit_line_md(rv, OPEN_TITLE_CHARS)], [line]) if rv.open_preparation else ([line],)


def _task_items(tasks, limit: int | None, counts: dict) -> list:
    """A section's tasks as items, by owner: the owner's name comes with their first task; the line
    counting an owner's tasks past `limit` stands for them."""
    items = []
    for who, group, more in _owner_groups(tasks, limit, counts):
        for i, t in enumerate(group):
            items.append(((([f"- **{_md(who)}**"] if i == 0 else []) + [f"  - {_md(_task_text(t))}"],), 1))
        if more:
            items.append((([f"  - {_md(_('and {n} more').format(n=more))}"],), more))
    return items


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
_TONES = {"": "", "late": LATE, "warn": WARN}
_H2 = ' style="font-size:16px;margin:20px 0 6px;border-bottom:2px solid #ddd;padding-bottom:3px"'


@dataclass(frozen=True)
class Look:
    """How the report's HTML is dressed. For a mail client (MAIL): inline styles beside the
    classes, as several clients drop a <style> block. For a page (the web front desk's report):
    classes only, since its Content-Security-Policy allows no inline style, the overdue chart as
    <meter> bars, and each visit and case linked to its page (`visit_href(id)`, `case_href(id)`).
    The content is the same either way: one function decides it (html_body)."""

    inline: bool = True
    visit_href: Callable[[int], str] | None = None
    case_href: Callable[[int], str] | None = None

    def tone(self, tone: str) -> str:
        """A line's class (late, warn), with its colour inline for a mail client."""
        if not tone:
            return ""
        return f' class="{tone}" style="{_TONES[tone]}"' if self.inline else f' class="{tone}"'

    def style(self, inline: str) -> str:
        return inline if self.inline else ""

    def link(self, escaped: str, visit_id: int | None = None, case_id: int | None = None) -> str:
        """`escaped` (HTML already) as a link to the visit's or the case's page, when the look links."""
        href = (self.visit_href(visit_id) if visit_id is not None and self.visit_href else
                self.case_href(case_id) if case_id is not None and self.case_href else None)
        return f'<a href="{html.escape(href, quote=True)}">{escaped}</a>' if href else escaped


MAIL = Look()


def _table(headers, rows, look: Look = MAIL) -> str:
    """A table; each row's cells are (tone, html) pairs (tone: "", late or warn)."""
    th = f"<th{_TH}>" if look.inline else "<th>"
    head = "".join(f"{th}{html.escape(_(h))}</th>" for h in headers)

    def cell(tone, content):
        if look.inline:
            return f'<td style="{_CELL};{_TONES[tone]}">{content}</td>'
        return f'<td class="{tone}">{content}</td>' if tone else f"<td>{content}</td>"

    body = "".join("<tr>" + "".join(cell(tone, content) for tone, content in row) + "</tr>" for row in rows)
    return f"<table{look.style(_TABLE)}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _glance(r, look: Look = MAIL) -> str:
    """"At a glance": overdue tasks by owner (the top 10) as bars (CSS for mail clients, <meter> on
    a page); each labelled with the person's name, or the role in words."""
    labels = {}
    for t in r.overdue:
        labels[t.owner or t.owner_role] = text(t.owner_name or t.owner) if t.owner else role_owner(t.owner_role)
    counts = r.overdue_by_owner or {}
    if not counts:
        counts = {}
        for t in r.overdue:
            counts[t.owner or t.owner_role] = counts.get(t.owner or t.owner_role, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:10]
    if not top:
        return ""
    most = top[0][1]
    if look.inline:
        rows = "".join(
            f'<tr><td style="{_CELL};width:30%">{_h(labels.get(who, who))}</td>'
            f'<td style="{_CELL};width:8%;text-align:right">{n}</td>'
            f'<td style="{_CELL}"><div style="width:{round(100 * n / most, 1)}%;height:12px;background:#c0392b;'
            f'font-size:1px;line-height:12px">&#160;</div></td></tr>' for who, n in top)
    else:
        rows = "".join(f'<tr><td>{_h(labels.get(who, who))}</td><td class="number">{n}</td>'
                       f'<td><meter min="0" max="{most}" value="{n}"></meter></td></tr>' for who, n in top)
    return (_h2(_("At a glance: overdue by owner"), look) + f'<table{look.style(_TABLE)}'
            + ("" if look.inline else ' class="glance"') + f"><tbody>{rows}</tbody></table>")


def _h2(heading: str, look: Look = MAIL) -> str:
    return f"<h2{look.style(_H2)}>{html.escape(heading, quote=False)}</h2>"


def _lang() -> str:
    """The page's language (the `lang` attribute)."""
    return i18n.lang() if i18n.chinese() else "en"


def _task_line(t, look: Look) -> str:
    return look.link(_h(_task_text(t)), t.visit_id, t.case_id)


def _case_line(line: str, ids: tuple, look: Look) -> str:
    """A line of the cases section, the cases it names linked: one case, the whole line; several
    (an owner's cases past their deadline), each `#id`."""
    said = _h(line.strip())
    if len(ids) == 1 or not ids or not look.case_href:
        return look.link(said, case_id=ids[0]) if ids else said
    listed = ", ".join(f"#{n}" for n in ids)
    if listed not in said:
        return look.link(said, case_id=ids[0])
    before, after = said.rsplit(listed, 1)
    return before + ", ".join(look.link(f"#{n}", case_id=n) for n in ids) + after


def html_page(r, limit: int | None = PER_OWNER) -> str:
    title = _title(r)
    return (f"<!DOCTYPE html>\n<html lang=\"{_lang()}\">\n<head>\n<meta charset=\"utf-8\" />\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + html_body(r, limit) + "\n</body>\n</html>\n")


def html_body(r, limit: int | None = PER_OWNER, look: Look = MAIL) -> str:
    """The report's sections as HTML (what html_page's <body> holds), every text escaped."""
    parts = [f"<h1>{html.escape(_title(r))}</h1>", f"<p><b>{_h(headline_text(r))}</b></p>"]
    if r.alerts:  # first: what needs attention; the chart after it
        parts.append(_h2(_("Alerts"), look) + "<ul>" + "".join(
            f"<li{look.tone('late')}>" + _("{alert}: {text}").format(
                alert=f"<b>{html.escape(alert_name(a.kind))}</b>", text=look.link(_h(a.text), a.visit_id)) + "</li>"
            for a in r.alerts) + "</ul>")
    glance = _glance(r, look)
    if glance:
        parts.append(glance)
    if r.today:
        parts.append(_h2(_("Today's visits"), look))
        parts.append(_table(
            [N_("Time"), N_("Visit"), N_("Client"), N_("Level"), N_("Purpose"), N_("Host"), N_("Plan"), N_("Readiness"),
             N_("Open preparation")],
            [[("", f"{_hm(rv.visit.starts_at)}–{_hm(rv.visit.ends_at)}"),
              ("", look.link(str(rv.visit.id), rv.visit.id)), ("", _h(rv.visit.client)),
              ("", str(rv.visit.level)), ("", _h(code(rv.visit.purpose, "purpose"))), ("", _h(rv.visit.host)),
              ("", _h(code(rv.visit.plan_status, "plan_status"))),
              ("late" if rv.overdue_preparation else "", _pct(rv.readiness)),
              ("", "<br/>".join(_h(t) for t in _open_titles(rv)) or "-")] for rv in r.today], look))
    if r.lookahead:
        parts.append(_h2(_("Look-ahead to {day}").format(day=f"{r.lookahead_until:%Y-%m-%d}"), look))
        parts.append(_table(
            [N_("Start"), N_("Visit"), N_("Client"), N_("Host"), N_("Plan"), N_("Readiness"), N_("Why")],
            [[("", _h(rv.visit.starts_at)), ("", look.link(str(rv.visit.id), rv.visit.id)), ("", _h(rv.visit.client)),
              ("", _h(rv.visit.host)), ("", _h(code(rv.visit.plan_status, "plan_status"))), ("", _pct(rv.readiness)),
              ("warn", _h(_(", ").join(_flags(rv))))]
             for rv in r.lookahead], look))
    if r.clashes:
        parts.append(_h2(_("Clashes"), look) + "<ul>"
                     + "".join(f"<li{look.tone('warn')}>{_h(c)}</li>" for c in r.clashes) + "</ul>")
    for name, tasks, total, counts, tone in ((N_("Due today ({n})"), r.due_today, r.due_today_total,
                                              r.due_today_by_owner, ""),
                                             (N_("Overdue ({n})"), r.overdue, r.overdue_total, r.overdue_by_owner,
                                              "late")):
        if not tasks:
            continue
        parts.append(_h2(_(name).format(n=total), look))
        for who, group, more in _groups(tasks, limit, counts):
            parts.append(f"<h3>{_h(who)}</h3><ul>" + "".join(f"<li{look.tone(tone)}>{_task_line(t, look)}</li>"
                                                             for t in group)
                         + (f"<li>{_h(more)}</li>" if more else "") + "</ul>")
    if r.on_site:
        parts.append(_h2(_("On site now ({n})").format(n=len(r.on_site)), look) + "<ul>"
                     + "".join(f"<li>{_h(_person_line(p))}</li>" for p in r.on_site) + "</ul>")
    cases = case_entries(r)
    if cases:
        parts.append(_h2(_("Service cases"), look) + "<ul>" + "".join(
            f"<li{look.tone('late') if alarm else ''}>{_case_line(line, ids, look)}</li>"
            for line, alarm, ids in cases) + "</ul>")
    care = care_items(r)
    if care:
        parts.append(_h2(care_heading(r), look) + "<ul>" + "".join(
            f"<li{look.tone('late') if alarm else ''}>{_h(line)}</li>" for line, alarm in care) + "</ul>")
    parts.append(_h2(_("Month to date ({month})").format(month=r.month.month), look)
                 + '<p class="mtd"' + look.style(' style="background:#f4f8ff;border:1px solid #cfe0ff;padding:8px"')
                 + f">{_h(_month_line(r.month))}</p>")
    parts.append('<p class="muted">' + html.escape(_("Generated {moment} by receptionctl.").format(
        moment=text(r.generated_at))) + "</p>")
    return "\n".join(parts)


# -- json ---------------------------------------------------------------------------------
def _tasks_json(tasks):
    """Listed tasks as JSON values; tasks read as they are written (the report's TaskStream) as a
    Stream that write_json writes item by item."""
    return jsonable(tasks) if isinstance(tasks, (list, tuple)) else Stream(tasks, jsonable)


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
        "due_today": _tasks_json(r.due_today),
        "overdue": _tasks_json(r.overdue),
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
        "care": jsonable(r.care),
        "care_until": r.care_until.isoformat() if r.care_until else None,
    }
