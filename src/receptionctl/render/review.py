"""The quarterly review pack, as markdown (a wiki, a chat) or one self-contained HTML page."""

from __future__ import annotations

import html

from receptionctl.render.output import text


def _md(value) -> str:
    return html.escape(text(value), quote=False).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def _sections(p):
    """(title, lines) of the pack; a section with nothing says so."""
    return [
        (f"Deals won ({len(p.won)})", [f"visit {w.visit_id} · {w.client} · {w.purpose} · visited {text(w.starts_at)[:10]}"
                                       f" · won {text(w.outcome_at)[:10]}" + (f" · {w.note}" if w.note else "")
                                       for w in p.won]),
        (f"The lowest feedback scores ({len(p.lowest)})",
         [f"visit {s.visit_id} · {s.client} · score {s.score} · {text(s.at)[:10]}"
          + (f" · \u201c{s.comment}\u201d" if s.comment else "") for s in p.lowest]),
        (f"Complaints and their root causes ({len(p.complaints)})",
         [f"case {c.case_id} · {c.client or '-'} · {c.category}, {c.severity}, {c.state.replace('_', ' ')} · "
          f"{c.text} · cause: {c.root_cause or 'not found yet'}" + (f" · prevention: {c.prevention}"
                                                                     if c.prevention else "")
          for c in p.complaints]),
        (f"Deadlines missed or kept late ({len(p.missed)})",
         [f"task {m.task_id} · visit {m.visit_id} · {m.client or '-'} · {m.title} · due {text(m.due_at)} · "
          + (f"done late {text(m.done_at)}" if m.state == "late" else "missed") for m in p.missed]),
    ]


def markdown(p) -> str:
    out = [f"# Quarterly review: {p.first} to {p.last}", "", f"{p.visits_received} visits received.", ""]
    for title, lines in _sections(p):
        out += [f"## {title}", ""] + ([f"- {_md(line)}" for line in lines] or ["- none"]) + [""]
    return "\n".join(out)


def html_page(p) -> str:
    title = f"Quarterly review: {p.first} to {p.last}"
    parts = [f"<h1>{html.escape(title)}</h1>", f"<p>{p.visits_received} visits received.</p>"]
    for heading, lines in _sections(p):
        items = "".join(f"<li>{html.escape(text(line))}</li>" for line in lines) or "<li>none</li>"
        parts.append(f'<h2 style="font-size:16px;border-bottom:2px solid #ddd">{html.escape(heading)}</h2><ul>{items}</ul>')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
            f"<title>{html.escape(title)}</title>\n<style>body{{font-family:sans-serif;max-width:960px;margin:0 auto;"
            "padding:16px;font-size:14px}}</style>\n</head>\n<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n")
