"""Measuring the people: penalties (points from the reception score, warnings, fines, demotions) and
rewards, training records and cards."""

from typing import Annotated, Optional

import typer

from receptionctl.cli.base import Typer
from receptionctl.cli.common import (
    DAY_FORMS,
    complete_user,
    day,
    day_window,
    record_id,
    state,
    whole,
)
from receptionctl.cli.output import Output, output_options
from receptionctl.domain.core.vocab import PenaltyKind, RewardKind, TrainingKind
from receptionctl.i18n import N_, _, code

training_app = Typer(rich_markup_mode=None, no_args_is_help=True,
                     help="Training records: who was trained in what, by whom, and the assessment's "
                          "result; a person's training tracking card.")

PersonOpt = Annotated[Optional[str], typer.Option("--person", metavar="USER", autocompletion=complete_user,
                                                  help="Only this person's (username, name, or a unique part).")]
FromOpt = Annotated[Optional[str], typer.Option("--from", metavar="DAY", help="From this day on (inclusive). "
                                                + DAY_FORMS)]
ToOpt = Annotated[Optional[str], typer.Option("--to", metavar="DAY", help="Up to this day (inclusive). "
                                              + DAY_FORMS)]

DEDUCTION_COLUMNS = [("id", N_("ID")), ("at", N_("When")), ("person", N_("Person")), ("kind", N_("Kind")),
                     ("points", N_("Points")), ("amount", N_("Amount")), ("reason", N_("Reason")),
                     ("case_id", N_("Case")), ("visit_id", N_("Visit")), ("by", N_("Recorded by"))]
REWARD_COLUMNS = [("id", N_("ID")), ("at", N_("When")), ("person", N_("Person")), ("name", N_("Name")),
                  ("kind", N_("Kind")), ("amount", N_("Amount")), ("reason", N_("Reason")), ("case_id", N_("Case")),
                  ("visit_id", N_("Visit")), ("by", N_("Recorded by"))]
CARD_COLUMNS = [("day", N_("Day")), ("training_id", N_("Training")), ("kind", N_("Kind")), ("topic", N_("Topic")),
                ("trainer", N_("Trainer")), ("person", N_("Person")), ("score", N_("Score")), ("result", N_("Result"))]
KIND_HELP = ("What it was: reception (the reception staff's training before a visit: etiquette, communication, "
             "product knowledge, emergencies; the default), safety, etiquette, product, emergency, or rotation (a "
             "job rotation, --topic names the post).")


def _result(passed) -> str:
    return "" if passed is None else code("passed") if passed else _("FAILED")


def _deducted(view) -> str:
    said = dict(id=view.id, user=view.person, name=view.name, amount=view.amount)
    if view.kind == "points":
        return _("deduction {id}: {points} points from {user} ({name})").format(points=view.points, **said)
    if view.kind == "fine":
        return _("penalty {id}: a fine of {amount} for {user} ({name})").format(**said)
    return _("penalty {id}: {kind} for {user} ({name})").format(kind=code(view.kind, "kind"), **said)


@output_options
def deduct(
    ctx: typer.Context,
    user: Annotated[str, typer.Argument(metavar="USER", autocompletion=complete_user,
                                        help="The person: username, name, or a unique part.")],
    reason: Annotated[str, typer.Option("--reason", help="The mistake: wrong information given, a client "
                                                         "complaint, ...")],
    points: Annotated[Optional[int], typer.Option("--points", metavar="N", parser=whole(0, 100),
                                                  help="Points deducted: the policy's deduction_min to "
                                                       "deduction_max (2 to 5 unless changed); needed for kind "
                                                       "points, refused for the others.")] = None,
    kind: Annotated[PenaltyKind, typer.Option("--kind", help="points (the default: deducted from the reception "
                                              "score), warning, fine (with --amount) or demotion; only points count "
                                              "in the score.")] = PenaltyKind.points,
    amount: Annotated[Optional[str], typer.Option("--amount", metavar="AMOUNT",
                                                  help="A fine's amount, such as 200.")] = None,
    case: Annotated[Optional[int], typer.Option("--case", parser=record_id,
                                                help="The service case it arose from.")] = None,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id,
                                                 help="The visit it arose in.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.measures import measures

    st = state(ctx)
    with st.session(write=True) as session:
        view = measures.deduct(session, st.actor, user, points, reason, case_id=case, visit_id=visit,
                               kind=kind.value, amount=amount)
    out.done(view, _deducted(view))


@output_options(wide=True)
def deductions(
    ctx: typer.Context,
    person: PersonOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.measures import measures

    st = state(ctx)
    with st.session() as session:
        views = measures.list_deductions(session, st.actor, person, *day_window(session, start, end))
    out.table(views, DEDUCTION_COLUMNS)


@output_options
def reward(
    ctx: typer.Context,
    user: Annotated[str, typer.Argument(metavar="USER", autocompletion=complete_user,
                                        help="The person: username, name, or a unique part.")],
    kind: Annotated[RewardKind, typer.Option("--kind", help="praise, certificate or bonus (with --amount).")],
    reason: Annotated[str, typer.Option("--reason", help="What they did well: a client's thanks, a problem "
                                                         "solved beyond the usual, ...")],
    amount: Annotated[Optional[str], typer.Option("--amount", metavar="AMOUNT",
                                                  help="A bonus's amount, such as 500.")] = None,
    case: Annotated[Optional[int], typer.Option("--case", parser=record_id,
                                                help="The service case it was earned in.")] = None,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id,
                                                 help="The visit it was earned in.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.measures import rewards

    st = state(ctx)
    with st.session(write=True) as session:
        view = rewards.reward(session, st.actor, user, kind.value, reason, amount, case_id=case, visit_id=visit)
    if view.kind == "bonus":
        message = _("reward {id}: a bonus of {amount} for {user} ({name})")
    else:
        message = _("reward {id}: {kind} for {user} ({name})")
    out.done(view, message.format(id=view.id, kind=code(view.kind, "kind"), amount=view.amount, user=view.person,
                                  name=view.name))


@output_options(wide=True)
def rewards_(
    ctx: typer.Context,
    person: PersonOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.measures import rewards

    st = state(ctx)
    with st.session() as session:
        views = rewards.list_rewards(session, st.actor, person, *day_window(session, start, end))
    out.table(views, REWARD_COLUMNS, empty=N_("No rewards."))


def _people(values: list[str]) -> list[str]:
    return [v for v in values if v.strip()]


def _scores(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        who, sep, result = value.partition("=")
        if not sep or not who.strip() or not result.strip():
            raise typer.BadParameter(_("{value!r} is not valid: expected USER=SCORE (0 to 100), USER=pass or "
                                       "USER=fail").format(value=value), param_hint="'--score'")
        out[who.strip()] = result.strip()
    return out


@training_app.command("add", help="Record a training held (etiquette, communication, product knowledge, "
                      "emergencies, then an assessment; safety training; a job rotation, --kind rotation): "
                      "who took part and each one's result (a coordinator, a duty manager, an approver or an admin). "
                      "With --visit, the visit's step 'brief and train the reception staff' (train-staff) is done, "
                      "with a note naming the training; a safety training closes the off-site safety training step "
                      "first. "
                      "Example: receptionctl training add --topic \"Reception etiquette\" --date 2026-11-20 "
                      "--people li,wang --score li=92 --score wang=78 --pass-mark 80 --trainer \"Ms Gao (HR)\"")
@output_options
def training_add(
    ctx: typer.Context,
    topic: Annotated[str, typer.Option("--topic", help="What the training was about.")],
    on: Annotated[str, typer.Option("--date", metavar="DAY", help="The day it was held (today or before). "
                                    + DAY_FORMS)],
    people: Annotated[list[str], typer.Option("--people", metavar="USER[,USER…]", autocompletion=complete_user,
                                              help="Who took part: usernames, comma-separated or the option "
                                                   "repeated.")],
    kind: Annotated[TrainingKind, typer.Option("--kind", help=KIND_HELP)] = TrainingKind.reception,
    score: Annotated[Optional[list[str]], typer.Option("--score", metavar="USER=RESULT",
                                                       help="A person's assessment: a score 0 to 100, pass or "
                                                            "fail (repeat for each person).")] = None,
    pass_mark: Annotated[Optional[int], typer.Option("--pass-mark", metavar="N", parser=whole(0, 100),
                                                     help="A score at or above it passed.")] = None,
    trainer: Annotated[Optional[str], typer.Option("--trainer", metavar="NAME",
                                                   help="Who gave it: a username (linked to the staff member) "
                                                        "or any name.")] = None,
    notes: Annotated[Optional[str], typer.Option("--notes", help="What was covered, materials, remarks.")] = None,
    visit: Annotated[Optional[int], typer.Option("--visit", parser=record_id,
                                                 help="The visit it prepared for: its train-staff step is "
                                                      "done.")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.measures import measures

    results = _scores(score or [])
    st = state(ctx)
    with st.session(write=True) as session:
        view = measures.add_training(session, st.actor, topic=topic, day=day(on, session), people=_people(people),
                                     results=results, trainer=trainer, pass_mark=pass_mark, notes=notes,
                                     visit_id=visit, kind=kind.value)
    said = dict(id=view.id, topic=view.topic, day=view.day, n=len(view.people), visit=view.visit_id,
                task=view.task_id, kind=code(view.kind, "kind"))
    if view.kind == "rotation":
        message = _("job rotation recorded as training {id}: {topic}, {day}, {n} people").format(**said)
    elif view.task_id is not None:
        message = _("training {id}: {topic}, {day}, {n} people; visit {visit}'s task {task} (train-staff) "
                    "done").format(**said)
    else:
        message = _("training {id}: {topic}, {day}, {n} people").format(**said)
    out.done(view, message)


@training_app.command("list", help="Training records, one line per person per training, by day; with --person, "
                      "that person's training tracking card. Those who do not record training see their "
                      "own card. Example: receptionctl training list --person wang --from 2026-01-01")
@output_options(wide=True)
def training_list(
    ctx: typer.Context,
    person: PersonOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    kind: Annotated[Optional[TrainingKind], typer.Option("--kind", help="Only trainings of this kind (rotation: "
                                                         "the job rotations).")] = None,
    *,
    out: Output,
) -> None:
    from receptionctl.domain.measures import measures

    st = state(ctx)
    with st.session() as session:
        lines = measures.list_training(session, st.actor, person, day(start, session) if start else None,
                                       day(end, session) if end else None, kind=kind.value if kind else None)
    out.table(lines, CARD_COLUMNS, rows=lambda: [{**line.__dict__, "result": _result(line.passed),
                                                  "kind": code(line.kind, "kind")} for line in lines])


@training_app.command("show", help="A training whole: topic, day, trainer, notes, the visit it prepared for, and "
                      "everyone's result. Example: receptionctl training show 3")
@output_options
def training_show(
    ctx: typer.Context,
    training: Annotated[int, typer.Argument(metavar="TRAINING", parser=record_id, help="The training id.")],
    *,
    out: Output,
) -> None:
    from receptionctl.domain.measures import measures

    st = state(ctx)
    with st.session() as session:
        view = measures.show_training(session, st.actor, training)
    out.show(view, lambda: _print_training(view))


def _print_training(view) -> None:
    from receptionctl.render.output import print_fields, print_table, text

    print_fields([(N_("topic"), view.topic), (N_("kind"), code(view.kind, "kind")), (N_("day"), view.day),
                  (N_("trainer"), view.trainer + (f" ({view.trainer_username})" if view.trainer_username else "")
                   if view.trainer else None),
                  (N_("pass mark"), view.pass_mark), (N_("visit"), view.visit_id), (N_("notes"), view.notes),
                  (N_("recorded"), _("{at} by {user}").format(at=text(view.at), user=view.by))],
                 title=_("Training {id}").format(id=view.id))
    print_table([{**p.__dict__, "result": _result(p.passed)} for p in view.people],
                [("person", N_("Person")), ("name", N_("Name")), ("score", N_("Score")), ("result", N_("Result"))],
                wide=True)
