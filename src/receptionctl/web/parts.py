"""What the coordinators' pages share: a record's id read from the address, the page to go back
to after a form (always a path of this site), and a sheet's fields as the command line shows them."""

from __future__ import annotations

from receptionctl.i18n import _
from receptionctl.render.output import text
from receptionctl.web.base import Page, form_id


def path_id(pg: Page, name: str) -> int:
    """The id in the address (/visits/7): a whole number from 1 to 2147483647, else bad input
    naming it, as a form's id is (base.form_id)."""
    return form_id({name: pg.request.path_params.get(name, "")}, name)


def back_to(form, default: str) -> str:
    """The form's `back` field when it is a path of this site (never another site's address)."""
    back = form.get("back") if form is not None else None
    if isinstance(back, str) and back.startswith("/") and not back.startswith("//") and "\\" not in back \
            and len(back) <= 200:
        return back
    return default


def shown(pairs) -> list[tuple[str, str]]:
    """A sheet's (label's message id, value) pairs as the command line prints them (print_fields):
    the label translated, the value as a person reads it (a moment in the company's zone, none as -)."""
    return [(_(name), text(value)) for name, value in pairs]
