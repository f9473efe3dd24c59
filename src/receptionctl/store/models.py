"""Every table, gathered from the areas' modules (store/tables/): what the migrations, the tests
and the bench import. A command imports the areas it uses from store/tables/ instead.
"""

from sqlmodel import SQLModel  # noqa: F401  (SQLModel.metadata holds them all once imported)

from receptionctl.store.tables.care import (  # noqa: F401
    CareDate,
    CareLog,
)
from receptionctl.store.tables.cases import (  # noqa: F401
    CaseAboutClient,
    DayCheck,
    DutyLog,
    Escalation,
)
from receptionctl.store.tables.common import (  # noqa: F401
    AuditEvent,
    Client,
    Contact,
    Meta,
    Opportunity,
    Policy,
    ProcedureVersion,
    ServiceCase,
    Staff,
    StaffRole,
    Task,
    Visit,
)
from receptionctl.store.tables.desk import (  # noqa: F401
    DeskCheck,
    DeskLog,
    DeskShift,
    GoodsRelease,
    Handover,
    HandoverReview,
    MailItem,
    SitePass,
)
from receptionctl.store.tables.logins import (  # noqa: F401
    CalendarFeed,
    CalendarMiss,
    StaffLogin,
)
from receptionctl.store.tables.measures import (  # noqa: F401
    Deduction,
    Reward,
    Training,
    TrainingPerson,
)
from receptionctl.store.tables.notify import (  # noqa: F401
    NotifyMessage,
    NotifyOnce,
)
from receptionctl.store.tables.quality import (  # noqa: F401
    Drill,
    DrillPerson,
    Inspection,
    InspectionFinding,
)
from receptionctl.store.tables.records import (  # noqa: F401
    Attachment,
    DestructionRecord,
    Document,
    DocumentCopy,
    DocumentLoan,
    LegalHold,
    ProcedureAck,
    RetentionItem,
    RetentionRun,
)
from receptionctl.store.tables.visits import (  # noqa: F401
    MIGRATION_ONLY_INDEXES,
    Assignment,
    Callback,
    Evaluation,
    Feedback,
    FeedbackAnswer,
    FeedbackRequest,
    Guest,
    Incident,
    Note,
    OpportunityStage,
    Plan,
    PlanEvent,
    PlanItem,
)
