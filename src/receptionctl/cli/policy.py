"""The company policy and the procedure."""


from typing import Annotated

import typer

from receptionctl.cli.common import JsonOpt, WideOpt, state

policy_app = typer.Typer(rich_markup_mode=None, help="The company policy: every number of the procedure.", no_args_is_help=True)
procedure_app = typer.Typer(rich_markup_mode=None, help="The procedure: what must be done, by whom, by when; versioned.",
                            no_args_is_help=True)


@policy_app.command("show", help="Show every policy setting, its value, default and source. "
                    "Example: receptionctl policy show --json")
def policy_show(ctx: typer.Context, as_json: JsonOpt = False, wide: WideOpt = False) -> None:
    from receptionctl.domain import policy
    from receptionctl.render.output import print_json, print_table

    with state(ctx).session() as session:
        views = policy.show(session)
    if as_json:
        print_json({v.key: v.value for v in views})
        return
    print_table([{**v.__dict__, "value": policy.to_text(v.value), "default": policy.to_text(v.default)}
                 for v in views],
                [("key", "Key"), ("value", "Value"), ("default", "Default"), ("help", "Meaning"),
                 ("source", "Seed"), ("updated_by", "Set by")])
    from receptionctl.domain import clock
    from receptionctl.render.output import note

    note(f"times are read and shown in {clock.zone_name()} (from {clock.zone_source()})")


@policy_app.command("set", help="Change a policy setting (admin only); the value is checked and the change audited. "
                    "Example: receptionctl policy set lead_working_days 5")
def policy_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The setting, as listed by `policy show`.")],
    value: Annotated[str, typer.Argument(help="The new value.")],
) -> None:
    from receptionctl.domain import policy
    from receptionctl.render.output import say

    st = state(ctx)
    with st.session(write=True) as session:
        view = policy.set_value(session, st.actor, key, value)
    say(f"policy {view.key} = {policy.to_text(view.value)}")


@procedure_app.command("show", help="Show the procedure in use: its tasks, owners, due offsets and conditions, "
                       "and the questions of the feedback form with their weights. "
                       "Example: receptionctl procedure show --json")
def procedure_show(ctx: typer.Context, as_json: JsonOpt = False, wide: WideOpt = False) -> None:
    from receptionctl.domain.engine import current
    from receptionctl.render.output import print_fields, print_json, print_table, text

    with state(ctx).session() as session:
        proc = current(session)
    if as_json:
        print_json(proc)
        return
    print_fields([("procedure", f"{proc.name} {proc.version} (version id {proc.id})"),
                  ("loaded", f"{text(proc.loaded_at)} by {proc.loaded_by}" if proc.loaded_at else None)])
    import sys

    sys.stdout.write("\n")

    def when(t) -> str:
        parts = []
        if tuple(t.levels) != (1, 2, 3):
            parts.append("level " + "/".join(map(str, t.levels)))
        if t.purposes:
            parts.append("/".join(t.purposes))
        if t.offsite is not None:
            parts.append("off-site" if t.offsite else "on-site")
        if t.nda is not None:
            parts.append("NDA" if t.nda else "no NDA")
        return ", ".join(parts) or "always"

    print_table([{"stage": t.stage, "key": t.key, "title": t.title, "zh": t.title_zh, "owner": t.owner,
                  "due": t.due, "when": when(t), "repeat": t.repeat} for t in proc.tasks],
                [("stage", "Stage"), ("key", "Key"), ("title", "Task"), ("zh", "任務"), ("owner", "Owner"),
                 ("due", "Due"), ("when", "Applies"), ("repeat", "Repeat")])
    sys.stdout.write("\nThe feedback form (feedback add --answer KEY=VALUE):\n")
    print_table([{"key": q.key, "kind": q.kind, "weight": q.weight, "text": q.text, "zh": q.text_zh}
                 for q in proc.questions],
                [("key", "Key"), ("kind", "Kind"), ("weight", "Weight"), ("text", "Question"), ("zh", "问题")])


@procedure_app.command("load", help="Validate a procedure file (TOML) and make it the one in use for new visits (admin). "
                       "Example: receptionctl procedure load my-procedure.toml")
def procedure_load(ctx: typer.Context,
                   file: Annotated[str, typer.Argument(help="The procedure file; see CLI.md for its keys.")]) -> None:
    from receptionctl.domain.engine import load_file
    from receptionctl.render.output import say

    st = state(ctx)
    with st.session(write=True) as session:
        proc = load_file(session, st.actor, file)
    say(f"procedure {proc.name} {proc.version} loaded ({len(proc.tasks)} tasks, {len(proc.questions)} feedback "
        f"questions, version id {proc.id}); "
        "it applies to visits recorded from now on")


@procedure_app.command("history", help="Every procedure version loaded: who, when, how many visits use it. "
                       "Example: receptionctl procedure history")
def procedure_history(ctx: typer.Context, as_json: JsonOpt = False, wide: WideOpt = False) -> None:
    from receptionctl.domain.engine import history
    from receptionctl.render.output import print_json, print_table

    with state(ctx).session() as session:
        versions = history(session)
    if as_json:
        print_json(versions)
    else:
        print_table([{**v.__dict__, "in_use": "in use" if v.in_use else ""} for v in versions],
                    [("id", "ID"), ("name", "Procedure"), ("version", "Version"), ("tasks", "Tasks"),
                     ("loaded_at", "Loaded"), ("loaded_by", "By"), ("file", "File"), ("visits", "Visits"),
                     ("in_use", "")])
