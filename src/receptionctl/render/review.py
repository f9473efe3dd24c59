"""The quarterly review pack, as markdown (a wiki, a chat) or one self-contained HTML page."""

from __future__ import annotations

import html

from receptionctl import i18n
from receptionctl.domain.core import stored
from receptionctl.i18n import _, code
from receptionctl.render.output import task_title, text


def _md(value) -> str:
    return html.escape(text(value), quote=False).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def _sections(p):
    """(title, lines) of the pack; a section with nothing says so."""
    def missed(m) -> str:
        values = {"task": m.task_id, "visit": m.visit_id, "client": m.client or "-", "title": task_title(m),
                  "due": text(m.due_at), "done": text(m.done_at)}
        if m.state == "late":
            return _("task {task} · visit {visit} · {client} · {title} · due {due} · done late {done}").format(**values)
        return _("task {task} · visit {visit} · {client} · {title} · due {due} · missed").format(**values)

    return [
        (_("Deals won ({n})").format(n=len(p.won)),
         [_("visit {visit} · {client} · {purpose} · visited {visited} · won {won}").format(
             visit=w.visit_id, client=w.client, purpose=code(w.purpose, "purpose"), visited=text(w.starts_at)[:10],
             won=text(w.outcome_at)[:10]) + (f" · {w.note}" if w.note else "")
          for w in p.won]),
        (_("The lowest feedback scores ({n})").format(n=len(p.lowest)),
         [_("visit {visit} · {client} · score {score} · {day}").format(
             visit=s.visit_id, client=s.client, score=s.score, day=text(s.at)[:10])
          + (f" · \u201c{s.comment}\u201d" if s.comment else "") for s in p.lowest]),
        (_("Complaints and their root causes ({n})").format(n=len(p.complaints)),
         [_("case {case} · {client} · {category}, {severity}, {state} · {text} · cause: {cause}").format(
             case=c.case_id, client=c.client or "-", category=code(c.category, "category"),
             severity=code(c.severity, "severity"), state=code(c.state, "state").replace("_", " "),
             text=stored.case_text(c.text),
             cause=c.root_cause or _("not found yet"))
          + (" · " + _("prevention: {prevention}").format(prevention=c.prevention) if c.prevention else "")
          for c in p.complaints]),
        (_("Deadlines missed or kept late ({n})").format(n=len(p.missed)), [missed(m) for m in p.missed]),
    ]


def _title(p) -> str:
    return _("Quarterly review: {first} to {last}").format(first=p.first, last=p.last)


def _received(p) -> str:
    return _("{n} visits received.").format(n=p.visits_received)


def markdown(p) -> str:
    out = [f"# {_title(p)}", "", _received(p), ""]
    for title, lines in _sections(p):
        out += [f"## {title}", ""] + ([f"- {_md(line)}" for line in lines] or ["- " + _("none")]) + [""]
    return "\n".join(out)


def html_page(p) -> str:
    title = _title(p)
    parts = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(_received(p))}</p>"]
    for heading, lines in _sections(p):
        items = ("".join(f"<li>{html.escape(text(line))}</li>" for line in lines)
                 or "<li>" + html.escape(_("none")) + "</li>")
        parts.append(f'<h2 style="font-size:16px;border-bottom:2px solid #ddd">{html.escape(heading)}</h2><ul>{items}</ul>')
    lang = i18n.lang() if i18n.chinese() else "en"
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\" />\n"
            f"<title>{html.escape(title)}</title>\n<style>body{{font-family:sans-serif;max-width:960px;margin:0 auto;"
            "padding:16px;font-size:14px}}</style>\n</head>\n<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n")
