"""The state machines of a visit and of its plan, as tables.

A visit moves planning → submitted → approved → in_progress → completed → closed, or to
cancelled; its plan moves draft → submitted → approved, or to rejected. An action that the
current state does not allow is refused (exit 1) naming the state and what would allow it.
"""

from __future__ import annotations

from receptionctl.errors import Refused

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
    "planning": "edit the plan (plan item / assign / set)",
    "submitted": "submit the plan first (`receptionctl plan submit VISIT`)",
    "approved": "get the plan approved first (`receptionctl plan approve VISIT`)",
    "in_progress": "check a guest in first (`receptionctl checkin VISIT --guest NAME`)",
    "completed": "complete the visit first (`receptionctl visit complete VISIT`)",
    "draft": "edit the plan",
    "rejected": "",
}


# The order states are reached in: a hint points only forward.
_ORDER = ["draft", "rejected", "planning", "submitted", "approved", "in_progress", "completed", "closed"]


def _allowed_text(sources: list[str]) -> str:
    return " or ".join(sources)


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
        f"{what} is {state.replace('_', ' ')}: `{action}` needs it {_allowed_text([s.replace('_', ' ') for s in sources])}",
        hint=hint,
    )


def visit_step(visit_id: int, state: str, action: str) -> str:
    return step(VISIT, f"visit {visit_id}", state, action)


def plan_step(visit_id: int, state: str, action: str) -> str:
    return step(PLAN, f"the plan of visit {visit_id}", state, action)


_CASE_HOW = {"acknowledged": "acknowledge it first (`receptionctl case ack CASE`)",
             "assigned": "give it an owner first (`receptionctl case assign CASE --to USER`)",
             "resolved": "resolve it first (`receptionctl case resolve CASE ...`)",
             "called_back": "call the client back first (`receptionctl case callback CASE ...`)",
             "reviewed": "have the duty manager review it first (`receptionctl case review CASE`)"}


def case_step(case_id: int, state: str, action: str) -> str:
    """The case's state after `action`, or Refused naming the state and the next step."""
    moves = CASE[action]
    if state in moves:
        return moves[state]
    order = list(CASE_OPEN) + ["closed"]
    ahead = [s for s in order if s in moves and order.index(s) > order.index(state)]
    hint = _CASE_HOW.get(ahead[0]) if ahead and state != "closed" else None
    raise Refused(f"case {case_id} is {state.replace('_', ' ')}: `{action}` needs it "
                  f"{' or '.join(s.replace('_', ' ') for s in moves)}", hint=hint)


ACTIVE = ("planning", "submitted", "approved", "in_progress")
