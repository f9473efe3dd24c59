"""the task engine reads events from the procedure: stored procedure versions name their
events (done_when -> closes_on) and carry the event-opened steps that used to be code
(the incident's on-site and escalation tasks, the callback after a resolved incident,
the red-line investigation), so visits on an older version keep behaving as before

Revision ID: 0007
Revises: 0006
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ALIASES = {
    "plan.submit": "plan.submitted",
    "plan.approve": "plan.approved",
    "checkin": "guest.checked_in",
    "complete": "visit.completed",
    "feedback": "feedback.added",
    "evaluation": "evaluation.written",
}

# The steps as they were in code before this revision (frozen here: a migration never
# imports the code it migrates from).
EVENT_STEPS = json.loads(r"""
[
    {
        "key": "onsite-incident",
        "stage": "receive",
        "title": "On site within {equipment_response_minutes} minutes for equipment incident #{incident}: {text}",
        "owner": "tech",
        "due": "event+{equipment_response_minutes}m",
        "title_zh": "设备故障 #{incident}：{equipment_response_minutes}分钟内到场排查",
        "levels": [
            1,
            2,
            3
        ],
        "purposes": null,
        "offsite": null,
        "nda": null,
        "repeat": null,
        "source": "002",
        "notes": "An equipment failure of any severity: IT (the visit's technical support, else logistics) on site within 5 minutes.",
        "closes_on": "incident.resolved",
        "opens_on": "incident.added",
        "when": {
            "kind": [
                "equipment"
            ]
        },
        "per": "incident",
        "owner_fallback": [
            "logistics"
        ]
    },
    {
        "key": "escalate-incident",
        "stage": "receive",
        "title": "Escalate {severity} {kind} incident #{incident} to the superior: {text}",
        "owner": "coordinator",
        "due": "event+{incident_response_minutes}m",
        "title_zh": "{severity}级事件 #{incident}：上报主管",
        "levels": [
            1,
            2,
            3
        ],
        "purposes": null,
        "offsite": null,
        "nda": null,
        "repeat": null,
        "source": "000, 001",
        "notes": null,
        "closes_on": "incident.resolved",
        "opens_on": "incident.added",
        "when": {
            "severity": [
                "high",
                "critical"
            ]
        },
        "per": "incident",
        "owner_fallback": null
    },
    {
        "key": "incident-callback",
        "stage": "followup",
        "title": "Call the client back about incident #{incident} (resolved: {resolution}) and ask whether they are satisfied",
        "owner": "host",
        "due": "event+{callback_hours}h",
        "title_zh": "事件 #{incident} 解决后回访客户并了解满意度",
        "levels": [
            1,
            2,
            3
        ],
        "purposes": null,
        "offsite": null,
        "nda": null,
        "repeat": null,
        "source": "001",
        "notes": null,
        "closes_on": null,
        "opens_on": "incident.resolved",
        "when": {
            "affects_client": [
                true
            ]
        },
        "per": "incident",
        "owner_fallback": null
    },
    {
        "key": "investigate-feedback",
        "stage": "followup",
        "title": "Investigate the feedback of {client} (score {score}, under the red line {red_line_score}) with the departments concerned",
        "owner": "coordinator",
        "due": "event+{investigation_days}d",
        "title_zh": "客户反馈低于红线：跨部门调查",
        "levels": [
            1,
            2,
            3
        ],
        "purposes": null,
        "offsite": null,
        "nda": null,
        "repeat": null,
        "source": "001",
        "notes": null,
        "closes_on": null,
        "opens_on": "feedback.added",
        "when": {
            "below_red_line": [
                true
            ]
        },
        "per": null,
        "owner_fallback": null
    }
]
""")


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, tasks FROM procedure_version")).all()
    for row_id, text in rows:
        tasks = json.loads(text)
        for t in tasks:
            if "done_when" in t:
                legacy = t.pop("done_when")
                t["closes_on"] = ALIASES.get(legacy, legacy) if legacy else None
        have = {t["key"] for t in tasks}
        tasks += [dict(step) for step in EVENT_STEPS if step["key"] not in have]
        conn.execute(sa.text("UPDATE procedure_version SET tasks = :tasks WHERE id = :id"),
                     {"tasks": json.dumps(tasks, ensure_ascii=False), "id": row_id})


def downgrade() -> None:
    conn = op.get_bind()
    back = {v: k for k, v in ALIASES.items()}
    keys = {step["key"] for step in EVENT_STEPS}
    for row_id, text in conn.execute(sa.text("SELECT id, tasks FROM procedure_version")).all():
        tasks = [t for t in json.loads(text) if t["key"] not in keys]
        for t in tasks:
            closes = t.pop("closes_on", None)
            for k in ("opens_on", "when", "per", "owner_fallback"):
                t.pop(k, None)
            t["done_when"] = back.get(closes, closes) if closes else None
        conn.execute(sa.text("UPDATE procedure_version SET tasks = :tasks WHERE id = :id"),
                     {"tasks": json.dumps(tasks, ensure_ascii=False), "id": row_id})
