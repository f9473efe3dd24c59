"""The next step in words (issue 25): what comes next, who does it and the command, as the one
line a command shows after its confirmation ("Waiting for approval: approver Zhou Min —
receptionctl plan approve 2"; in Chinese "等待审批：审批人 周敏 — receptionctl plan approve 2").
The step itself is decided in the domain (domain/visits/steps.py, domain/cases/steps.py)."""

from __future__ import annotations

from receptionctl.domain.core import clock
from receptionctl.domain.core.vocab import VisitRole
from receptionctl.i18n import N_, _, chinese, code, label, ngettext

_SAID = {
    "plan.host": N_("Next: give the visit a host: {who} — {command}"),
    "plan.backup": N_("Next: a level-1 visit needs a backup host: {who} — {command}"),
    "plan.agenda": N_("Next: add the agenda: {who} — {command}"),
    "plan.standard": N_("Next: bring the per-person meal standard within the policy's limit: {who} — {command}"),
    "plan.vip_level": N_("Next: raise the VIP client's visit to the policy's level, or an approver waives it "
                         "(--waive-level): {who} — {command}"),
    "plan.submit": N_("Next: submit the plan for approval: {who} — {command}"),
    "plan.resubmit": N_("Next: change the rejected plan and submit it again: {who} — {command}"),
    "plan.approve": N_("Waiting for approval: {who} — {command}"),
    "visit.checkin": N_("Next: check the guests in when they arrive, {due}: {who} — {command}"),
    "visit.complete": N_("Next: complete the visit when it is over: {who} — {command}"),
    "visit.callback": N_("Next: call the client back by {due}: {who} — {command}"),
    "visit.feedback": N_("Next: record the client's feedback form: {who} — {command}"),
    "visit.task": N_("Next: {task}, by {due}: {who} — {command}"),
    "visit.evaluate": N_("Next: write the evaluation of the reception: {who} — {command}"),
    "visit.incident": N_("Next: resolve incident {subject}: {who} — {command}"),
    "case.ack": N_("Next: acknowledge the case now: {who} — {command}"),
    "case.assign": N_("Next: give the case an owner: {who} — {command}"),
    "case.answer": N_("Waiting for the answer promised by {due}: {who} — {command}"),
    "case.resolve": N_("Next: resolve the case by {due}: {who} — {command}"),
    "case.callback": N_("Next: call the client back by {due}: {who} — {command}"),
    "case.review": N_("Next: the duty manager reviews the case: {who} — {command}"),
    "case.close": N_("Next: close the case: {who} — {command}"),
}
# the same, for a step whose deadline is not known
_UNDATED = {
    "visit.callback": N_("Next: call the client back: {who} — {command}"),
    "case.callback": N_("Next: call the client back: {who} — {command}"),
    "case.resolve": N_("Next: resolve the case: {who} — {command}"),
}
_OVER = {"visit.closed": N_("Nothing more to do: visit {subject} is closed"),
         "case.closed": N_("Nothing more to do: case {subject} is closed")}
# the words of a command line to be filled in, shown in the run's language
_FILL = {"NAME": N_("next step|NAME"), "TEXT": N_("next step|TEXT"), "USER": N_("next step|USER"),
         "WHEN": N_("next step|WHEN"), "AMOUNT": N_("next step|AMOUNT"), "INCIDENT": N_("next step|INCIDENT")}
_VISIT_ROLES = {r.value for r in VisitRole} - {"security"}  # unassigned, they fall to nobody


def next_line(step) -> str | None:
    """The step in one line, in the run's language (None: nothing to say)."""
    if step is None:
        return None
    if step.step in _OVER:
        return _(_OVER[step.step]).format(subject=step.subject)
    fields = {"who": who_text(step), "command": command_text(step.command), "subject": step.subject,
              "due": _moment(step.due_at) if step.due_at else None,
              "task": (step.title_zh or step.title) if chinese() else step.title}
    if step.step == "visit.prepare":
        said = ngettext("Next: prepare the reception, {n} task open: {who} — {command}",
                        "Next: prepare the reception, {n} tasks open: {who} — {command}", step.count or 0)
        return said.format(n=step.count or 0, **fields)
    said = _SAID.get(step.step)
    if said is None:
        return None
    if step.due_at is None and step.step in _UNDATED:
        said = _UNDATED[step.step]
    return _(said).format(**fields)


def who_text(step) -> str:
    """The people named, grouped by the role they act in: "approver Zhou Min, Qian Hui"; nobody:
    the role unassigned, or no one holding it."""
    if not step.who:
        if step.role in _VISIT_ROLES:
            return _("{role} (unassigned)").format(role=code(step.role, "role"))
        return _("no one has the role {role}").format(role=code(step.role, "role") if step.role else "-")
    groups: list[tuple[str, list[str]]] = []
    for person in step.who:
        if groups and groups[-1][0] == person.role:
            groups[-1][1].append(person.name)
        else:
            groups.append((person.role, [person.name]))
    said = _("; ").join(_role(role) + _(", ").join(names) for role, names in groups)
    return _("{who} and {n} more").format(who=said, n=step.more) if step.more else said


def _role(role: str) -> str:
    """A role before the names of those who act in it ("approver "), or nothing."""
    if not role:
        return ""
    shown = _("owner") if role == "owner" else code(role, "role")
    return (shown.replace("_", " ") if shown == role else shown) + " "  # English: "duty manager"


def command_text(command) -> str:
    """The command line, its words to be filled in in the run's language."""
    words = [label(_FILL[w]) if w in _FILL else w for w in command]
    return " ".join(["receptionctl", *words])


def _moment(at) -> str:
    return f"{clock.local(at):%m-%d %H:%M}"
