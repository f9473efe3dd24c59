"""The alerts of the daily report, as data.

Each area offers one function, `alerts(session, now) -> list[Alert]`, for what needs attention
in its part of the work at `now` (the front desk's passes and handovers, the records' readers
and loans, ...); the daily report gathers them from its registry (domain/report/report.py, AREAS).
An alert's severity is set where it is made, from the facts (an incident's own severity), never
read from its words: the text is in the run's language and may hold names and notes as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CRITICAL = "critical"
NORMAL = "normal"
SEVERITIES = (CRITICAL, NORMAL)


@dataclass(frozen=True)
class Alert:
    kind: str  # red_line | incident | reapproval | no_host | no_owner | promise | ... (report.ALERT_ORDER)
    text: str  # in the run's language
    visit_id: int | None = None
    # critical first in the report and counted in its headline; not in JSON (as before)
    severity: str = field(default=NORMAL, compare=False, repr=False, metadata={"json": False})

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"alert severity {self.severity!r}: expected one of {', '.join(SEVERITIES)}")

    @property
    def critical(self) -> bool:
        return self.severity == CRITICAL
