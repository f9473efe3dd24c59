"""Printable sheets: a visit, a reception plan. Their tables show text whole (wide=True): a
record's show is where what a list shortens is read in full."""

from __future__ import annotations

import sys

from receptionctl.domain.core import stored
from receptionctl.i18n import N_, _, code
from receptionctl.render.output import print_fields, print_table, span_text, task_title, text


def _gap() -> None:
    sys.stdout.write("\n")


def _when(v) -> str:
    return span_text(v.starts_at, v.ends_at)


def _roles(assignments) -> None:
    print_table(
        [{"role": a.role, "who": f"{a.staff_name} ({a.staff})",
          "backup": f"{a.backup_name} ({a.backup})" if a.backup else None} for a in assignments],
        [("role", N_("Role")), ("who", N_("Person")), ("backup", N_("Backup"))],
        title=_("Who does what"), wide=True,
    )


def incident_rows(incidents) -> list[dict]:
    return [{**i.__dict__, "status": "open" if i.open else _("resolved: {resolution}").format(resolution=i.resolution)}
            for i in incidents]


def note_rows(notes) -> list[dict]:
    return [{**n.__dict__, "status": (_("OPEN") if n.open else _("kept {day}").format(day=text(n.fulfilled_at)[:10]))
             if n.kind == "promise" else ""} for n in notes]


def print_promises(promises) -> None:
    """The promises made to a client and not yet kept."""
    if promises:
        _gap()
        sys.stdout.write(_("Promises to keep") + "\n" + "".join(
            "  ! " + _("[{id}] {text} (visit {visit}, {day})").format(id=p.id, text=text(p.text), visit=p.visit_id,
                                                                    day=text(p.at)[:10]) + "\n"
            for p in promises))


def _venue(v) -> str:
    venue = v.venue or "-"
    if v.offsite and getattr(v, "offsite_kind", None):
        return _("{venue} (off-site: {kind})").format(venue=venue, kind=code(v.offsite_kind, "offsite"))
    return _("{venue} (off-site)").format(venue=venue) if v.offsite else venue


def _status(value: str) -> str:
    """A visit's (or case's) state as people read it: `in progress`; in Chinese, its translation."""
    return code(value, "status").replace("_", " ")


def visit_pairs(d) -> list[tuple[str, object]]:  # noqa: C901 (one field of the sheet after another)
    """The visit sheet's fields, (label's message id, value in the run's language), as `visit
    show` prints them and the web's visit page shows them."""
    pairs = [
        (N_("visit"), d.id), (N_("client"), d.client), (N_("when"), _when(d)), (N_("purpose"), code(d.purpose, "purpose")),
        (N_("level"), d.level), (N_("headcount"), d.headcount), (N_("venue"), _venue(d)),
        (N_("host"), d.host), (N_("status"), _status(d.status)), (N_("plan"), code(d.plan_status, "plan_status")),
    ]
    if d.notice:
        notice = d.notice_shown or d.notice
        if d.short_notice:
            notice = _("{notice} – SHORT NOTICE").format(notice=notice)
        if d.urgent:
            notice = _("{notice} (urgent)").format(notice=notice)
        pairs.append((N_("notice"), notice))
    if d.reapproval:
        pairs.append((N_("re-approval needed"), stored.change(d.reapproval)))
    if d.cancel_reason:
        pairs.append((N_("cancelled because"), d.cancel_reason))
    if d.outcome:
        outcome = code(d.outcome.outcome, "outcome")
        if d.outcome.converted:
            outcome = _("{outcome} (converted)").format(outcome=outcome)
        if d.outcome.note:
            outcome = _("{outcome}: {note}").format(outcome=outcome, note=d.outcome.note)
        pairs.append((N_("outcome"), outcome))
    if d.feedback:
        f = d.feedback
        feedback = _("{score} by {channel}").format(score=f.score, channel=code(f.channel, "channel"))
        if f.excellent:
            feedback = _("{feedback} – excellent").format(feedback=feedback)
        if f.below_red_line:
            feedback = _("{feedback} – UNDER THE RED LINE").format(feedback=feedback)
        if f.intent:
            feedback = _("{feedback}, intent {intent}").format(feedback=feedback, intent=code(f.intent, "intent"))
        pairs.append((N_("feedback"), feedback))
    pairs += [(N_("called back"), callback_text(c)) for c in d.callbacks]
    for r in d.feedback_requests:
        pairs.append((N_("questionnaire"), _("mailed to {contact} ({lang}) {at}: {state}").format(
            contact=r.contact or "-", lang=r.lang, at=text(r.at), state=code(r.state, "notify") if r.state else "-")))
    if d.keeps_open:
        pairs.append((N_("closes when"), _("; ").join(d.keeps_open)))
    if d.archive_label:
        pairs.append((N_("archive label"), archive_label(d)))
    return pairs


def print_visit(d) -> None:
    print_fields(visit_pairs(d))
    if d.assignments:
        _gap()
        _roles(d.assignments)
    if d.clashes:
        _gap()
        sys.stdout.write(_("Clashes") + "\n" + "".join(f"  ! {c}\n" for c in d.clashes))
    if d.guests:
        _gap()
        print_table([{**g.__dict__, "out": g.checked_out_at} for g in d.guests],
                    [("name", N_("Guest")), ("title", N_("Title")), ("id_number", N_("ID number")),
                     ("checked_in_at", N_("In")), ("out", N_("Out"))], title=_("Guests"), wide=True)
    if d.incidents:
        _gap()
        print_table(incident_rows(d.incidents),
                    [("id", N_("ID")), ("at", N_("When")), ("kind", N_("Kind")), ("severity", N_("Severity")),
                     ("text", N_("What happened")), ("status", N_("Status"))], title=_("Incidents"), wide=True)
    if d.notes:
        _gap()
        print_table(note_rows(d.notes),
                    [("id", N_("ID")), ("kind", N_("Kind")), ("text", N_("Note")), ("by", N_("By")), ("status", "")],
                    title=_("Notes"), wide=True)
    print_promises(d.open_promises)
    if d.evaluation:
        _gap()
        e = d.evaluation
        print_fields(evaluation_pairs(e), title=_("Evaluation"))
    if d.attachments:
        _gap()
        print_attachments(d.attachments)



def evaluation_pairs(e) -> list[tuple[str, object]]:
    """An evaluation of the reception: strengths, weaknesses, improvements, its cost in words."""
    return [(N_("strengths"), e.strengths), (N_("weaknesses"), e.weaknesses), (N_("improvements"), e.improvements),
            (N_("cost"), cost_text(e))]


def callback_text(c) -> str:
    """A callback after a visit, in one line: when, by whom, what was said, whether satisfied."""
    said = (_("{at} by {user}: {note}").format(at=text(c.at), user=c.by, note=c.note) if c.note else
            _("{at} by {user}").format(at=text(c.at), user=c.by))
    if c.satisfied is not None:
        said = (_("{callback} (satisfied)") if c.satisfied else _("{callback} (NOT satisfied)")).format(callback=said)
    if c.via == "feedback":
        said = _("{callback}, with the feedback form by phone").format(callback=said)
    return said


def cost_text(e) -> str | None:
    """An evaluation's cost in words: the sum, its two parts, and the budget it is set against."""
    if e.cost is None:
        return None
    said = f"{e.cost:.2f}"
    if e.reception_cost is not None or e.material_cost is not None:
        said = _("{cost} (reception {reception} + material {material})").format(
            cost=said, reception=f"{e.reception_cost or 0:.2f}", material=f"{e.material_cost or 0:.2f}")
    if e.budget is not None:
        said = (_("{cost}, {over} over the budget {budget}") if e.over_budget else
                _("{cost}, within the budget {budget}")).format(cost=said, over=f"{e.over_budget or 0:.2f}",
                                                               budget=f"{e.budget:.2f}")
    return said


def print_plan(s) -> None:
    v = s.visit
    sys.stdout.write(_("RECEPTION PLAN – visit {visit}: {client}").format(visit=v.id, client=v.client) + "\n")
    pairs = [
        (N_("when"), _when(v)), (N_("purpose"), code(v.purpose, "purpose")), (N_("level"), v.level),
        (N_("headcount"), v.headcount), (N_("venue"), _venue(v)), (N_("host"), v.host),
        (N_("plan"), code(s.plan_status, "plan_status")), (N_("visit status"), _status(v.status)),
    ]
    if s.reapproval:
        pairs.append((N_("RE-APPROVAL NEEDED"), stored.change(s.reapproval)))
    print_fields(pairs)
    _gap()
    if s.items:
        print_table(
            [{"time": text(i.starts_at)[-5:] + (f"–{text(i.ends_at)[-5:]}" if i.ends_at else ""),
              "day": text(i.starts_at)[:10], "title": i.title, "place": i.place, "owner": i.owner} for i in s.items],
            [("day", N_("Day")), ("time", N_("Time")), ("title", N_("Agenda")), ("place", N_("Place")),
             ("owner", N_("Owner"))],
            title=_("Agenda"), wide=True,
        )
    else:
        sys.stdout.write(_("Agenda: none yet") + "\n")
    _gap()
    if s.assignments:
        _roles(s.assignments)
    else:
        sys.stdout.write(_("Who does what: nobody assigned yet") + "\n")
    if s.contacts:
        _gap()
        print_table(s.contacts, [("name", N_("Guest")), ("title", N_("Title")), ("phone", N_("Phone")),
                                 ("diet", N_("Diet")), ("transport", N_("Transport")), ("needs", N_("Special needs"))],
                    title=_("Guests and their needs"), wide=True)
    _gap()
    money = [(N_("budget"), s.budget)]
    if s.per_person is not None:
        meals = _("{per_person} per person × {headcount} = {total}").format(
            per_person=s.per_person, headcount=v.headcount, total=s.meals_total)
        if s.per_person_limit is not None:
            meals = (_("{meals} (limit {limit} per person: OVER)") if s.over_limit
                     else _("{meals} (limit {limit} per person)")).format(meals=meals, limit=s.per_person_limit)
        money.append((N_("meals"), meals))
        if s.budget is not None and s.meals_total is not None and s.meals_total > s.budget:
            money.append((N_("warning"), _("meals alone exceed the budget")))
    money += [(N_("catering"), s.catering), (N_("lodging"), s.lodging), (N_("transport"), s.transport),
              (N_("NDA"), _("required before core technology or data is shown") if s.nda else _("no"))]
    print_fields(money)
    print_promises(s.open_promises)
    if s.missing:
        _gap()
        sys.stdout.write(_("Before it can be submitted") + "\n" + "".join(f"  - {m}\n" for m in s.missing))
    if s.clashes:
        _gap()
        sys.stdout.write(_("Clashes") + "\n" + "".join(f"  ! {c}\n" for c in s.clashes))
    _gap()
    print_table(
        [{"at": t.at, "who": t.actor, "what": code(t.action, "action"), "note": stored.change(t.note)}
         for t in s.trail],
        [("at", N_("When")), ("who", N_("Who")), ("what", N_("What")), ("note", N_("Note"))],
        title=_("Approval trail"), wide=True,
    )


STAGE_NAMES = {"prepare": N_("Before the visit"), "receive": N_("Reception day"), "followup": N_("After the visit")}


def stage_name(stage: str) -> str:
    """A checklist's stage heading in the run's language."""
    return _(STAGE_NAMES[stage]) if stage in STAGE_NAMES else code(stage, "stage")


def checklist_pairs(c) -> list[tuple[str, str]]:
    """The checklist's head: the visit, its status and plan, its readiness."""
    ready = "-" if c.readiness is None else _("{percent}% ({done} of {total} preparation tasks done)").format(
        percent=round(c.readiness * 100), done=c.prepared, total=c.to_prepare)
    return [(N_("visit"), _("{visit}: {client}, {starts}").format(visit=c.visit_id, client=c.client,
                                                                    starts=text(c.starts_at))),
            (N_("status"), _("{status}, plan {plan}").format(status=_status(c.status),
                                                             plan=code(c.plan_status, "plan_status"))),
            (N_("readiness"), ready)]


def missed_text(c) -> str | None:
    """The tasks missed at the visit's completion, in one line (None: none)."""
    if not c.missed:
        return None
    names = {i.task.key: i.task.name for items in c.stages.values() for i in items}
    return _("missed at completion: {tasks}").format(tasks=_(", ").join(names.get(key, key) for key in c.missed))


def print_checklist(c) -> None:
    print_fields(checklist_pairs(c))
    if c.blockers:
        sys.stdout.write(_("blockers") + "\n" + "".join(f"  ! {b}\n" for b in c.blockers))
    if c.compressed:
        sys.stdout.write(_("schedule compressed: {note}").format(note=text(c.compressed)) + "\n")
    if c.missed:
        sys.stdout.write(missed_text(c) + "\n")
    for stage, items in c.stages.items():
        if not items:
            continue
        _gap()
        sys.stdout.write(stage_name(stage) + "\n")
        for i in items:
            t = i.task
            sys.stdout.write(f"  {i.mark} [{t.id}] {text(task_title(t))}\n")
            planned = (" · " + _("compressed, the procedure says {moment}").format(moment=text(t.planned_at))
                       if t.planned_at else "")
            sys.stdout.write(f"      {text(t.due_at)} ({t.shown_due}) · {t.who}{planned}\n")


case_text = stored.case_text  # a case's words as shown (domain.core.stored)


def print_case(c) -> None:
    """A service case: what was raised, each step of its loop with who and when, the
    escalations and their promised answers, the logbook lines about it."""
    print_fields(case_pairs(c), title=_("Case {case}").format(case=c.id))
    if c.escalations:
        _gap()
        print_table([{**e.__dict__, "state": escalation_state(e)} for e in c.escalations],
                    [("id", N_("ID")), ("to", N_("To")), ("question", N_("Question")),
                     ("promised_at", N_("Promised by")), ("state", N_("Answer"))], title=_("Escalations"), wide=True)
    if c.log:
        _gap()
        print_table(c.log, [("at", N_("When")), ("by", N_("Who")), ("text", N_("Logbook"))], title=_("Duty logbook"),
                    wide=True)
    if getattr(c, "attachments", ()):
        _gap()
        print_attachments(c.attachments)


def escalation_state(e) -> str:
    """An escalation's answer, or that it waits, or that its promise is broken."""
    if e.answered_at:
        return _("answered {moment}: {answer}").format(moment=text(e.answered_at), answer=e.answer or "")
    return _("PROMISE BROKEN") if e.overdue else _("waiting")


def case_pairs(c) -> list[tuple[str, object]]:
    """The case sheet's fields, (label's message id, value in the run's language), as `case show`
    prints them and the web's case page shows them."""
    status = _status(c.state)
    if c.overdue:
        status = _("{state} – OVERDUE").format(state=status)
    case = _("{case}: {kind} ({category}, {severity})").format(
        case=c.id, kind=code(c.kind, "kind"), category=code(c.category, "category"),
        severity=code(c.severity, "severity"))
    if c.restricted:
        case = _("{case} – about a member of staff, restricted").format(case=case)
    callback = None
    if c.callback_at:
        callback = _("{moment}: {note}").format(moment=text(c.callback_at), note=c.callback_note)
        if c.satisfied is not None:
            callback = (_("{callback} (satisfied)") if c.satisfied else _("{callback} (NOT satisfied)")).format(
                callback=callback)
    reviewed = None
    if c.reviewed_at:
        reviewed = _("{moment} by {person}").format(moment=text(c.reviewed_at), person=c.reviewed_by)
        if c.review_note:
            reviewed = _("{reviewed}: {note}").format(reviewed=reviewed, note=c.review_note)
    return [
        (N_("case"), case),
        (N_("state"), status),
        (N_("client"), c.client), (N_("visit"), c.visit_id),
        (N_("about"), c.about) if c.restricted else (N_("source"), code(c.source, "source")),
        *([(N_("about client"), c.about_client)] if getattr(c, "about_client", None) else []),
        (N_("said"), case_text(c.text)),
        (N_("received"), _("{moment} by {person}").format(moment=text(c.received_at), person=c.received_by)),
        (N_("acknowledged"), c.acknowledged_at),
        (N_("owner"), f"{c.owner_name} ({c.owner})" if c.owner else None), (N_("due"), c.due_at),
        (N_("root cause"), c.root_cause), (N_("action"), c.action), (N_("prevention"), c.prevention),
        (N_("responsible"), getattr(c, "responsible", None)),
        (N_("resolved"), _("{moment} by {person}").format(moment=text(c.resolved_at), person=c.resolved_by)
         if c.resolved_at else None),
        (N_("called back"), callback),
        (N_("reviewed"), reviewed),
        (N_("closed"), c.closed_at),
    ]


# -- records: attachments (issue 16) ---------------------------------------------------------
ATTACHMENT_COLUMNS = [("id", N_("ID")), ("name", N_("File")), ("kind", N_("Kind")), ("size", N_("Size")),
                      ("hash", N_("SHA-256")), ("added_at", N_("Added")), ("by", N_("By")), ("note", N_("Note"))]


def size_text(n: int) -> str:
    """A file's size as a person reads it: 820 B, 14.2 KB, 3.1 MB."""
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def attachment_rows(files) -> list[dict]:
    return [{**f.__dict__, "size": size_text(f.size), "hash": f.sha256[:12]} for f in files]


def print_attachments(files) -> None:
    print_table(attachment_rows(files), ATTACHMENT_COLUMNS, title=_("Attachments"), wide=True)


_KINDS = ("photo", "video", "form", "minutes", "contract", "other")  # domain/records/attachments.py KINDS, in its order


def archive_label(d) -> str:
    """A closed visit's archive label as shown: the read model's label (English, as its JSON)
    with its attachment counts in the run's language: " (3 attachments: 2 photo, 1 form)"."""
    from collections import Counter

    from receptionctl.i18n import ngettext

    label, files = d.archive_label, getattr(d, "attachments", ())
    kinds = Counter(f.kind for f in files)
    total = sum(kinds.values())
    english = ", ".join(f"{kinds[k]} {k}" for k in _KINDS if kinds[k])
    suffix = f" ({total} attachment{'s' if total != 1 else ''}: {english})"
    if not total or not label.endswith(suffix):
        return label
    order = [k for k in _KINDS if kinds[k]] + [k for k in kinds if k not in _KINDS]
    parts = _(", ").join(_("{n} {kind}").format(n=kinds[k], kind=code(k, "kind")) for k in order)
    return label[:-len(suffix)] + ngettext(" ({n} attachment: {kinds})", " ({n} attachments: {kinds})",
                                           total).format(n=total, kinds=parts)
