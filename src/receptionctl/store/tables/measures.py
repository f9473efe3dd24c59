"""Deductions and rewards, training."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from receptionctl.store.tables import common  # noqa: F401  (the tables its foreign keys name)
from receptionctl.store.tables.columns import moment


class Deduction(SQLModel, table=True):
    """A penalty (seed 000): points deducted from a person's reception score (a client complaint,
    wrong information; seed 002), a warning, a fine (its amount) or a demotion. Only points count
    in the score; the other kinds have 0 points."""

    __tablename__ = "deduction"
    id: Optional[int] = Field(default=None, primary_key=True)
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False, index=True))
    points: int = Field(nullable=False)
    kind: str = Field(default="points", sa_column=Column(String(16), nullable=False, server_default="points"))
    amount: Optional[str] = Field(default=None, sa_column=Column(String(32)))  # a fine's, decimal as text
    reason: str = Field(sa_column=Column(Text, nullable=False))
    case_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("service_case.id")))
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id")))
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))


class Reward(SQLModel, table=True):
    """Recognition (seed 000: bonuses, certificates; seed 003: staff who satisfy clients praised
    in public): praise, a certificate or a bonus (its amount), with the reason and what it was for."""

    __tablename__ = "reward"
    id: Optional[int] = Field(default=None, primary_key=True)
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    amount: Optional[str] = Field(default=None, sa_column=Column(String(32)))  # a bonus's, decimal as text
    case_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("service_case.id")))
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id")))
    at: datetime = moment(index=True)
    by: str = Field(sa_column=Column(String(64), nullable=False))


class Training(SQLModel, table=True):
    """A training session of the reception staff (seed 000: etiquette, communication, product
    knowledge, emergencies, then an assessment; seed 003: the training tracking card)."""

    __tablename__ = "training"
    id: Optional[int] = Field(default=None, primary_key=True)
    topic: str = Field(sa_column=Column(String(300), nullable=False))
    # vocab.TrainingKind: reception (the default, and every training recorded before migration 0026),
    # safety, etiquette, product, emergency, rotation (a job rotation, seed 003)
    kind: str = Field(default="reception", sa_column=Column(String(16), nullable=False))
    day: str = Field(sa_column=Column(String(10), nullable=False, index=True))  # YYYY-MM-DD, the company's day
    trainer: Optional[str] = Field(default=None, sa_column=Column(String(200)))  # a name, or a staff member's
    trainer_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("staff.id")))
    pass_mark: Optional[int] = Field(default=None)
    notes: Optional[str] = Field(default=None, sa_column=Column(Text))
    visit_id: Optional[int] = Field(default=None, sa_column=Column(Integer, ForeignKey("visit.id")))
    at: datetime = moment()
    by: str = Field(sa_column=Column(String(64), nullable=False))


class TrainingPerson(SQLModel, table=True):
    """Who took part in a training, with the assessment's score (0-100) and result, when assessed."""

    __tablename__ = "training_person"
    training_id: int = Field(
        sa_column=Column(Integer, ForeignKey("training.id", ondelete="CASCADE"), primary_key=True))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), primary_key=True, index=True))
    score: Optional[int] = Field(default=None)
    passed: Optional[bool] = Field(default=None)
