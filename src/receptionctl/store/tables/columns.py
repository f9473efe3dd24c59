"""What the table modules share."""

from sqlalchemy import Column
from sqlmodel import Field

from receptionctl.store.types import UTCDateTime


def moment(nullable: bool = False, index: bool = False):
    """A moment: aware, stored in UTC (store/types.py)."""
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))
