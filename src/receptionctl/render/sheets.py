"""Printable sheets: a visit, a reception plan. Their tables show text whole (wide=True): a
record's show is where what a list shortens is read in full."""

from __future__ import annotations

import sys

from receptionctl.render.output import print_fields, print_table, span_text, text


def _gap() -> None:
    sys.stdout.write("\n")


def _when(v) -> str:
    return span_text(v.starts_at, v.ends_at)


def _roles(assignments) -> None:
    print_table(
        [{"role": a.role, "who": f"{a.staff_name} ({a.staff})",
          "backup": f"{a.backup_name} ({a.backup})" if a.backup else None} for a in assignments],
        [("role", "Role"), ("who", "Person"), ("backup", "Backup")],
        title="Who does what", wide=True,
    )


def incident_rows(incidents) -> list[dict]:
    return [{**i.__dict__, "status": "open" if i.open else f"resolved: {i.resolution}"} for i in incidents]


def note_rows(notes) -> list[dict]:
    return [{**n.__dict__, "status": ("OPEN" if n.open else f"kept {text(n.fulfilled_at)[:10]}")
             if n.kind == "promise" else ""} for n in notes]


def print_promises(promises) -> None:
    """The promises made to a client and not yet kept."""
    if promises:
        _gap()
        sys.stdout.write("Promises to keep\n" + "".join(
            f"  ! [{p.id}] {text(p.text)} (visit {p.visit_id}, {text(p.at)[:10]})\n" for p in promises))


def print_visit(d) -> None:
    pairs = [
        ("visit", d.id), ("client", d.client), ("when", _when(d)), ("purpose", d.purpose), ("level", d.level),
        ("headcount", d.headcount), ("venue", (d.venue or "-") + (" (off-site)" if d.offsite else "")),
        ("host", d.host), ("status", d.status.replace("_", " ")), ("plan", d.plan_status),
    ]
    if d.notice:
        pairs.append(("notice", d.notice + (" – SHORT NOTICE" if d.short_notice else "") + (" (urgent)" if d.urgent else "")))
    if d.reapproval:
        pairs.append(("re-approval needed", d.reapproval))
    if d.cancel_reason:
        pairs.append(("cancelled because", d.cancel_reason))
    if d.outcome:
        pairs.append(("outcome", f"{d.outcome.outcome}" + (" (converted)" if d.outcome.converted else "")
                      + (f": {d.outcome.note}" if d.outcome.note else "")))
    if d.feedback:
        f = d.feedback
        pairs.append(("feedback", f"{f.score} by {f.channel}" + (" – excellent" if f.excellent else "")
                      + (" – UNDER THE RED LINE" if f.below_red_line else "")
                      + (f", intent {f.intent}" if f.intent else "")))
    if d.keeps_open:
        pairs.append(("closes when", "; ".join(d.keeps_open)))
    if d.archive_label:
        pairs.append(("archive label", d.archive_label))
    print_fields(pairs)
    if d.assignments:
        _gap()
        _roles(d.assignments)
    if d.clashes:
        _gap()
        sys.stdout.write("Clashes\n" + "".join(f"  ! {c}\n" for c in d.clashes))
    if d.guests:
        _gap()
        print_table([{**g.__dict__, "out": g.checked_out_at} for g in d.guests],
                    [("name", "Guest"), ("title", "Title"), ("id_number", "ID number"), ("checked_in_at", "In"),
                     ("out", "Out")], title="Guests", wide=True)
    if d.incidents:
        _gap()
        print_table(incident_rows(d.incidents),
                    [("id", "ID"), ("at", "When"), ("kind", "Kind"), ("severity", "Severity"),
                     ("text", "What happened"), ("status", "Status")], title="Incidents", wide=True)
    if d.notes:
        _gap()
        print_table(note_rows(d.notes),
                    [("id", "ID"), ("kind", "Kind"), ("text", "Note"), ("by", "By"), ("status", "")], title="Notes", wide=True)
    print_promises(d.open_promises)
    if d.evaluation:
        _gap()
        e = d.evaluation
        print_fields([("strengths", e.strengths), ("weaknesses", e.weaknesses), ("improvements", e.improvements),
                      ("cost", e.cost)], title="Evaluation")



def print_plan(s) -> None:
    v = s.visit
    sys.stdout.write(f"RECEPTION PLAN – visit {v.id}: {v.client}\n")
    pairs = [
        ("when", _when(v)), ("purpose", v.purpose), ("level", v.level), ("headcount", v.headcount),
        ("venue", (v.venue or "-") + (" (off-site)" if v.offsite else "")), ("host", v.host),
        ("plan", s.plan_status), ("visit status", v.status.replace("_", " ")),
    ]
    if s.reapproval:
        pairs.append(("RE-APPROVAL NEEDED", s.reapproval))
    print_fields(pairs)
    _gap()
    if s.items:
        print_table(
            [{"time": text(i.starts_at)[-5:] + (f"–{text(i.ends_at)[-5:]}" if i.ends_at else ""),
              "day": text(i.starts_at)[:10], "title": i.title, "place": i.place, "owner": i.owner} for i in s.items],
            [("day", "Day"), ("time", "Time"), ("title", "Agenda"), ("place", "Place"), ("owner", "Owner")],
            title="Agenda", wide=True,
        )
    else:
        sys.stdout.write("Agenda: none yet\n")
    _gap()
    if s.assignments:
        _roles(s.assignments)
    else:
        sys.stdout.write("Who does what: nobody assigned yet\n")
    if s.contacts:
        _gap()
        print_table(s.contacts, [("name", "Guest"), ("title", "Title"), ("phone", "Phone"), ("diet", "Diet"),
                                 ("transport", "Transport"), ("needs", "Special needs")],
                    title="Guests and their needs", wide=True)
    _gap()
    money = [("budget", s.budget)]
    if s.per_person is not None:
        meals = f"{s.per_person} per person × {v.headcount} = {s.meals_total}"
        if s.per_person_limit is not None:
            meals += f" (limit {s.per_person_limit} per person{': OVER' if s.over_limit else ''})"
        money.append(("meals", meals))
        if s.budget is not None and s.meals_total is not None and s.meals_total > s.budget:
            money.append(("warning", "meals alone exceed the budget"))
    money += [("catering", s.catering), ("lodging", s.lodging), ("transport", s.transport),
              ("NDA", "required before core technology or data is shown" if s.nda else "no")]
    print_fields(money)
    print_promises(s.open_promises)
    if s.missing:
        _gap()
        sys.stdout.write("Before it can be submitted\n" + "".join(f"  - {m}\n" for m in s.missing))
    if s.clashes:
        _gap()
        sys.stdout.write("Clashes\n" + "".join(f"  ! {c}\n" for c in s.clashes))
    _gap()
    print_table(
        [{"at": t.at, "who": t.actor, "what": t.action, "note": t.note} for t in s.trail],
        [("at", "When"), ("who", "Who"), ("what", "What"), ("note", "Note")],
        title="Approval trail", wide=True,
    )


def print_checklist(c) -> None:
    ready = "-" if c.readiness is None else f"{round(c.readiness * 100)}% ({c.prepared} of {c.to_prepare} preparation tasks done)"
    print_fields([("visit", f"{c.visit_id}: {c.client}, {text(c.starts_at)}"),
                  ("status", f"{c.status.replace('_', ' ')}, plan {c.plan_status}"), ("readiness", ready)])
    if c.blockers:
        sys.stdout.write("blockers\n" + "".join(f"  ! {b}\n" for b in c.blockers))
    if c.compressed:
        sys.stdout.write(f"schedule compressed: {text(c.compressed)}\n")
    if c.missed:
        sys.stdout.write(f"missed at completion: {', '.join(c.missed)}\n")
    names = {"prepare": "Before the visit", "receive": "Reception day", "followup": "After the visit"}
    for stage, items in c.stages.items():
        if not items:
            continue
        _gap()
        sys.stdout.write(names[stage] + "\n")
        for i in items:
            t = i.task
            sys.stdout.write(f"  {i.mark} [{t.id}] {text(t.title)}\n")
            planned = f" · compressed, the procedure says {text(t.planned_at)}" if t.planned_at else ""
            sys.stdout.write(f"      {text(t.due_at)} ({t.due_in_words}) · {t.who}{planned}\n")


def print_case(c) -> None:
    """A service case: what was raised, each step of its loop with who and when, the
    escalations and their promised answers, the logbook lines about it."""
    status = c.state.replace("_", " ") + (" – OVERDUE" if c.overdue else "")
    print_fields([
        ("case", f"{c.id}: {c.kind} ({c.category}, {c.severity})" + (" – about a member of staff, restricted"
                                                                      if c.restricted else "")),
        ("state", status),
        ("client", c.client), ("visit", c.visit_id), ("about", c.about) if c.restricted else ("source", c.source),
        ("said", c.text),
        ("received", f"{text(c.received_at)} by {c.received_by}"),
        ("acknowledged", c.acknowledged_at),
        ("owner", f"{c.owner_name} ({c.owner})" if c.owner else None), ("due", c.due_at),
        ("root cause", c.root_cause), ("action", c.action), ("prevention", c.prevention),
        ("resolved", f"{text(c.resolved_at)} by {c.resolved_by}" if c.resolved_at else None),
        ("called back", f"{text(c.callback_at)}: {c.callback_note}" + (
            "" if c.satisfied is None else " (satisfied)" if c.satisfied else " (NOT satisfied)")
         if c.callback_at else None),
        ("reviewed", f"{text(c.reviewed_at)} by {c.reviewed_by}" + (f": {c.review_note}" if c.review_note else "")
         if c.reviewed_at else None),
        ("closed", c.closed_at),
    ], title=f"Case {c.id}")
    if c.escalations:
        _gap()
        print_table([{**e.__dict__, "state": ("answered " + text(e.answered_at) + ": " + (e.answer or ""))
                      if e.answered_at else ("PROMISE BROKEN" if e.overdue else "waiting")}
                     for e in c.escalations],
                    [("id", "ID"), ("to", "To"), ("question", "Question"), ("promised_at", "Promised by"),
                     ("state", "Answer")], title="Escalations", wide=True)
    if c.log:
        _gap()
        print_table(c.log, [("at", "When"), ("by", "Who"), ("text", "Logbook")], title="Duty logbook", wide=True)
