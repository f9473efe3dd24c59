"""The procedure's vocabularies. Pure enums: the command line imports them at start-up
to offer the choices, so this module imports nothing heavy."""

from __future__ import annotations

from enum import Enum


class Tier(str, Enum):
    vip = "vip"
    key = "key"
    normal = "normal"


class StaffRole(str, Enum):
    admin = "admin"
    approver = "approver"
    coordinator = "coordinator"
    host = "host"
    staff = "staff"
    desk = "desk"
    security = "security"
