"""Every (state, action) pair of the visit and plan state machines, against an expected
table written out here independently of the implementation's."""

import pytest

from receptionctl.domain.core import lifecycle
from receptionctl.errors import ExitCode, Refused

VISIT_STATES = ["planning", "submitted", "approved", "in_progress", "completed", "closed", "cancelled"]
PLAN_STATES = ["draft", "submitted", "approved", "rejected"]

V = {  # action: {state: next} for allowed pairs; everything else is refused
    "submit": {"planning": "submitted"},
    "approve": {"submitted": "approved"},
    "reject": {"submitted": "planning"},
    "edit": {"planning": "planning", "submitted": "planning", "approved": "planning", "in_progress": "in_progress"},
    "reschedule": {"planning": "planning", "submitted": "planning", "approved": "planning"},
    "checkin": {"approved": "in_progress", "in_progress": "in_progress"},
    "checkout": {"in_progress": "in_progress"},
    "complete": {"approved": "completed", "in_progress": "completed"},
    "close": {"completed": "closed"},
    "reopen": {"closed": "completed", "completed": "completed"},
    "cancel": {"planning": "cancelled", "submitted": "cancelled", "approved": "cancelled"},
}
P = {
    "submit": {"draft": "submitted", "rejected": "submitted"},
    "approve": {"submitted": "approved"},
    "reject": {"submitted": "rejected"},
    "edit": {"draft": "draft", "rejected": "rejected", "submitted": "draft", "approved": "draft"},
}


@pytest.mark.parametrize("state", VISIT_STATES)
@pytest.mark.parametrize("action", sorted(V))
def test_visit_pairs(state, action):
    expected = V[action].get(state)
    if expected is None:
        with pytest.raises(Refused) as err:
            lifecycle.visit_step(7, state, action)
        assert err.value.code == ExitCode.REFUSED
        assert f"visit 7 is {state.replace('_', ' ')}" in err.value.message
        assert action in err.value.message
    else:
        assert lifecycle.visit_step(7, state, action) == expected


@pytest.mark.parametrize("state", PLAN_STATES)
@pytest.mark.parametrize("action", sorted(P))
def test_plan_pairs(state, action):
    expected = P[action].get(state)
    if expected is None:
        with pytest.raises(Refused) as err:
            lifecycle.plan_step(7, state, action)
        assert f"is {state}" in err.value.message
    else:
        assert lifecycle.plan_step(7, state, action) == expected


def test_tables_have_no_unknown_states():
    assert set(lifecycle.VISIT) == set(V)
    for moves in lifecycle.VISIT.values():
        assert set(moves) | set(moves.values()) <= set(VISIT_STATES)
    for moves in lifecycle.PLAN.values():
        assert set(moves) | set(moves.values()) <= set(PLAN_STATES)


def test_refusal_says_what_would_allow_it():
    with pytest.raises(Refused) as err:
        lifecycle.visit_step(3, "planning", "approve")
    assert "needs it submitted" in err.value.message
    assert "plan submit" in err.value.hint
