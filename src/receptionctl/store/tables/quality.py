"""Quality and safety: inspections with their findings, emergency drills (seeds 000 and 001)."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from receptionctl.store.tables import common  # noqa: F401  (the tables its foreign keys name)
from receptionctl.store.tables.columns import moment


class Inspection(SQLModel, table=True):
    """A quality check of one area (seed 001: process compliance, facilities, record completeness,
    emergency plans; seed 000: ad-hoc inspections, safety, dress and etiquette), by an inspector,
    perhaps during a visit, with a score and its findings."""

    __tablename__ = "inspection"
    id: Optional[int] = Field(default=None, primary_key=True)
    area: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    at: datetime = moment(index=True)  # when it was inspected
    inspector_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id")))
    score: Optional[int] = Field(default=None)  # 0-100
    notes: Optional[str] = Field(default=None, sa_column=Column(Text))
    recorded_at: datetime = moment()
    recorded_by: str = Field(sa_column=Column(String(64), nullable=False))


class InspectionFinding(SQLModel, table=True):
    """What an inspection found wrong, numbered 1, 2, ... within it; its corrective task (an engine
    task of the desk's, owned by one person, due by a day) once one is given."""

    __tablename__ = "inspection_finding"
    inspection_id: int = Field(
        sa_column=Column(Integer, ForeignKey("inspection.id", ondelete="CASCADE"), primary_key=True))
    number: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    task_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("task.id"), index=True))


class Drill(SQLModel, table=True):
    """An emergency drill (seed 001: regular drills of equipment failures, conflicts, evacuation;
    seed 000: the rescue plan): its kind, day, what was practised, and the headcount it found
    beside the on-site roll call's."""

    __tablename__ = "drill"
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    day: str = Field(sa_column=Column(String(10), nullable=False, index=True))  # YYYY-MM-DD, the company's day
    at: Optional[datetime] = moment(nullable=True)  # the moment, when given
    notes: str = Field(sa_column=Column(Text, nullable=False))
    counted: Optional[int] = Field(default=None)  # the people the drill's headcount found
    roll_call: Optional[int] = Field(default=None)  # the people the on-site roll call listed at that moment
    recorded_at: datetime = moment()
    recorded_by: str = Field(sa_column=Column(String(64), nullable=False))


class DrillPerson(SQLModel, table=True):
    """Who of the staff took part in a drill."""

    __tablename__ = "drill_person"
    drill_id: int = Field(sa_column=Column(Integer, ForeignKey("drill.id", ondelete="CASCADE"), primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), primary_key=True, index=True))
