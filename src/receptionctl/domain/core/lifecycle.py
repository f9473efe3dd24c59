"""The state machines of a visit and of its plan, as tables.

A visit moves planning → submitted → approved → in_progress → completed → closed, or to
cancelled; its plan moves draft → submitted → approved, or to rejected. An action that the
current state does not allow is refused (exit 1) naming the state and what would allow it.
"""

from __future__ import annotations

from receptionctl.errors import Refused
from receptionctl.i18n import N_, _, code

# action -> {from state: to state}
VISIT: dict[str, dict[str, str]] = {
    "submit": {"planning": "submitted"},
    "approve": {"submitted": "approved"},
    "reject": {"submitted": "planning"},
    # a plan change or a reschedule: back to planning (approval needed again)
    "edit": {"planning": "planning", "submitted": "planning", "approved": "planning", "in_progress": "in_progress"},
    "reschedule": {"planning": "planning", "submitted": "planning", "approved": "planning"},
    "checkin": {"approved": "in_progress", "in_progress": "in_progress"},
    "checkout": {"in_progress": "in_progress"},
    "complete": {"in_progress": "completed", "approved": "completed"},
    "close": {"completed": "closed"},
    "reopen": {"closed": "completed", "completed": "completed"},
    "cancel": {"planning": "cancelled", "submitted": "cancelled", "approved": "cancelled"},
}

PLAN: dict[str, dict[str, str]] = {
    "submit": {"draft": "submitted", "rejected": "submitted"},
    "approve": {"submitted": "approved"},
    "reject": {"submitted": "rejected"},
    "edit": {"draft": "draft", "rejected": "rejected", "submitted": "draft", "approved": "draft"},
}

# A service case's closed loop (seeds 001 and 003): every step a command.
CASE: dict[str, dict[str, str]] = {
    "ack": {"received": "acknowledged"},
    "assign": {"received": "assigned", "acknowledged": "assigned", "assigned": "assigned"},
    "escalate": {"acknowledged": "acknowledged", "assigned": "assigned"},
    "answer": {"acknowledged": "acknowledged", "assigned": "assigned"},
    "resolve": {"assigned": "resolved"},
    "callback": {"resolved": "called_back"},
    "review": {"called_back": "reviewed"},
    "close": {"reviewed": "closed"},
}
CASE_OPEN = ("received", "acknowledged", "assigned", "resolved", "called_back", "reviewed")

# What to do to reach a state from which an action is allowed.
_HOW = {
    "planning": N_("edit the plan (plan item / assign / set)"),
    "submitted": N_("submit the plan first (`receptionctl plan submit VISIT`)"),
    "approved": N_("get the plan approved first (`receptionctl plan approve VISIT`)"),
    "in_progress": N_("check a guest in first (`receptionctl checkin VISIT --guest NAME`)"),
    "completed": N_("complete the visit first (`receptionctl visit complete VISIT`)"),
    "draft": N_("edit the plan"),
    "rejected": "",
}


# The order states are reached in: a hint points only forward.
_ORDER = ["draft", "rejected", "planning", "submitted", "approved", "in_progress", "completed", "closed"]


def _allowed_text(sources: list[str]) -> str:
    return _(" or ").join(sources)


def state_text(state: str) -> str:
    """A state as people read it: `in progress` in English (the code without its underscore),
    its translation in another language."""
    shown = code(state)
    return shown.replace("_", " ") if shown == state else shown


def step(machine: dict[str, dict[str, str]], what: str, state: str, action: str) -> str:
    """The state after `action`, or Refused naming the state and what would allow it."""
    moves = machine[action]
    if state in moves:
        return moves[state]
    sources = sorted(moves, key=lambda s: _ORDER.index(s) if s in _ORDER else 99)
    here = _ORDER.index(state) if state in _ORDER else 99
    ahead = [s for s in sources if s in _ORDER and _ORDER.index(s) > here]
    hint = _HOW.get(ahead[0]) if ahead else None
    if state in ("cancelled", "closed") or (state == "completed" and action != "close"):
        hint = None
    raise Refused(
        _("{what} is {state}: `{action}` needs it {allowed}").format(
            what=what, state=state_text(state), action=action,
            allowed=_allowed_text([state_text(s) for s in sources])),
        hint=_(hint) if hint else hint,
    )


def visit_step(visit_id: int, state: str, action: str) -> str:
    return step(VISIT, _("visit {visit}").format(visit=visit_id), state, action)


def plan_step(visit_id: int, state: str, action: str) -> str:
    return step(PLAN, _("the plan of visit {visit}").format(visit=visit_id), state, action)


_CASE_HOW = {"acknowledged": N_("acknowledge it first (`receptionctl case ack CASE`)"),
             "assigned": N_("give it an owner first (`receptionctl case assign CASE --to USER`)"),
             "resolved": N_("resolve it first (`receptionctl case resolve CASE ...`)"),
             "called_back": N_("call the client back first (`receptionctl case callback CASE ...`)"),
             "reviewed": N_("have the duty manager review it first (`receptionctl case review CASE`)")}


def case_step(case_id: int, state: str, action: str) -> str:
    """The case's state after `action`, or Refused naming the state and the next step."""
    moves = CASE[action]
    if state in moves:
        return moves[state]
    order = list(CASE_OPEN) + ["closed"]
    ahead = [s for s in order if s in moves and order.index(s) > order.index(state)]
    hint = _CASE_HOW.get(ahead[0]) if ahead and state != "closed" else None
    raise Refused(_("{what} is {state}: `{action}` needs it {allowed}").format(
        what=_("case {case}").format(case=case_id), state=state_text(state), action=action,
        allowed=_allowed_text([state_text(s) for s in moves])), hint=_(hint) if hint else hint)


# The visit statuses that several areas count by: their one home.
ACTIVE = ("planning", "submitted", "approved", "in_progress")  # still open: not completed, closed or cancelled
COMING = ("planning", "submitted", "approved")  # still to come: not started yet
RECEIVED = ("in_progress", "completed", "closed")  # received: the visit took place
ENDED = ("completed", "closed")  # the visit is over: its follow-up stage has begun
