"""What the desk's forms share: optional fields, whole numbers, a moment typed as on the command
line, an id in the address, and the lists a form offers (the policy's, the domain's codes).

Nothing here decides a rule: the limits and the refusals are the domain's (the same messages as
the command line's), these only turn a form's text into the arguments the domain takes."""

from __future__ import annotations

from receptionctl.errors import BadInput
from receptionctl.i18n import _
from receptionctl.web.base import Page, field_text, form_id

MAX_WHOLE_DIGITS = 11  # as the command line's whole-number options read them (cli/common.py, whole)


def optional(form, name: str, limit: int = 8000) -> str | None:
    """A field left empty (or only spaces) is an option not given: None."""
    value = field_text(form, name, limit)
    return value if value.strip() else None


def whole(form, name: str, lo: int, hi: int) -> int:
    """A whole number from `lo` to `hi` typed in a form, refused as the command line's
    whole-number options refuse it (the same message)."""
    value = field_text(form, name, 40).strip()
    digits = value[1:] if value[:1] in "+-" else value
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_WHOLE_DIGITS and lo <= int(value) <= hi:
        return int(value)
    raise BadInput(_("{value!r} is not valid: expected a whole number from {lo} to {hi}").format(value=value, lo=lo,
                                                                                               hi=hi))


def moment(session, text: str):
    """A moment typed as on the command line (`today 18:00`, `18:00`, `明天 下午3点`, `+4h`), read
    in the company's zone with its calendar: domain/core/when.py, as `--until` is read."""
    from receptionctl.domain.core import clock, policy
    from receptionctl.domain.core.calendar import calendar_for
    from receptionctl.domain.core.when import parse_when

    return parse_when(text, clock.now(), clock.zone(), calendar_for(policy.load(session)["country"]))


def path_id(pg: Page, name: str = "id") -> int:
    """The id in the page's address (/desk/passes/3), checked as a form's id is."""
    return form_id({name: str(pg.request.path_params.get(name, ""))}, name)


def rules(pg: Page) -> dict:
    """The policy (the checklists, the shifts, the case categories a form offers)."""
    from receptionctl.domain.core import policy

    with pg.session() as session:
        return policy.load(session)
