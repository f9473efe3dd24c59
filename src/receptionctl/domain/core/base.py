"""What every stage shares: the use-case result, free-text and amount checks, loading a
visit for a change. A leaf: it imports the store and the neutral errors, nothing of the
domain above it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from receptionctl.errors import BadInput, NotFound
from receptionctl.i18n import _
from receptionctl.store import light

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_HOURS = 24 * 14  # a visit lasts at most two weeks
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass
class Done:
    """What a use case returns: the read model and the warnings to show."""

    view: Any
    warnings: list[str] = field(default_factory=list)


def required_text(value: str | None, option: str, expected: str, limit: int = 2000) -> str:
    """A free-text option that must say something (a reason, a note). `option` and `expected`
    are English message ids (marked N_() by the caller), translated here."""
    value = (value or "").strip()
    if not value:
        raise BadInput(_("{option} is empty: expected {expected}").format(option=_(option), expected=_(expected)))
    if len(value) > limit:
        raise BadInput(_("{option} is too long: expected at most {limit} characters").format(option=_(option),
                                                                                               limit=limit))
    return value


def clean_place(value: str | None, what: str) -> str | None:
    """A venue or place: spaces folded, at most 300 characters."""
    if value is None or not value.strip():
        return None
    value = " ".join(value.split())
    if len(value) > 300:
        raise BadInput(_("{what} {value!r}… is too long: expected at most 300 characters").format(
            what=_(what), value=value[:40]))
    return value


def venue_key(venue: str | None) -> str | None:
    return " ".join(venue.split()).casefold() if venue and venue.strip() else None


def amount(text: str | None, what: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BadInput(_("{what} {text!r} is not an amount: expected a number such as 5000 or 150.50").format(
            what=_(what), text=text)) from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise BadInput(_("{what} {text!r} is not valid: expected a number from 0 to {max}").format(
            what=_(what), text=text, max=MAX_AMOUNT))
    if value != value.quantize(Decimal("0.01")):
        raise BadInput(_("{what} {text!r} has more than two decimals: expected an amount such as 150.50").format(
            what=_(what), text=text))
    return value.quantize(Decimal("0.01"))


def visit_client(session: Session, visit_id: int) -> tuple[int, str]:
    """The client (id, name) of a visit that a record names (NotFound when there is no such visit)."""
    visit, client = light.visit, light.client
    row = session.execute(select(visit.c.client_id, client.c.name).join(client, client.c.id == visit.c.client_id)
                          .where(visit.c.id == visit_id)).first()
    if row is None:
        raise NotFound(_("no visit {visit}").format(visit=visit_id), hint=_("see `receptionctl visit list`"))
    return row[0], row[1]


def load_for_change(session: Session, visit_id: int):
    """The visit and plan rows, for a change (NotFound when missing): the ORM objects, to change."""
    from receptionctl.store.tables.common import Visit
    from receptionctl.store.tables.visits import Plan

    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(_("no visit {visit}").format(visit=visit_id), hint=_("see `receptionctl visit list`"))
    return visit, session.get(Plan, visit_id)
