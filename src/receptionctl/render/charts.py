"""`report charts` drawn three ways, from the Charts read model (never the database):
text (unicode bars and a sparkline, scaled to the terminal), one self-contained HTML page
(CSS bars in table cells with inline styles, for mail clients: no script, no image, no link)
and a standalone SVG of one chart, written by hand."""

from __future__ import annotations

import html

from receptionctl import i18n
from receptionctl.i18n import _
from receptionctl.render.output import cell_len, is_tty
from receptionctl.render.output import text as text_of

SPARKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉"
COLOURS = {"satisfaction": "#3b7dd8", "funnel": "#2e9d5b", "overdue": "#c0392b", "readiness": "#d68910"}


def shown(chart, value) -> str:
    if value is None:
        return "-"
    if chart.unit == "score":
        return f"{value:.1f}"
    if chart.unit == "percent":  # half up: 10.5 (2 of 19, 10.53 kept to one decimal) is 11%, as the report says
        from decimal import ROUND_HALF_UP, Decimal

        return f"{Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"
    return f"{value:g}"


def fraction(chart, value) -> float:
    """Where `value` falls on the chart's scale, 0 to 1."""
    if value is None or not chart.top:
        return 0.0
    return max(0.0, min(1.0, value / chart.top))


def spark(chart) -> str:
    """One character per point: the value on the 0-100 scale in eighths; '·' for no value."""
    return "".join("·" if p.value is None else SPARKS[min(7, int(fraction(chart, p.value) * 8))]
                   for p in chart.points)


def bar(share: float, width: int) -> str:
    """A bar of `share` (0 to 1) of `width` characters, in eighths of a character."""
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


# -- text ---------------------------------------------------------------------------------
def text_lines(charts, only: str | None = None, width: int = 80) -> list[str]:
    out: list[str] = []
    for chart in charts.charts:
        if only and chart.key != only:
            continue
        out += [chart.title, "-" * min(width, cell_len(chart.title))]
        if chart.key == "satisfaction":
            out.append(f"  {spark(chart)}   " + _("({weeks} weeks from {first}; '·': no forms)").format(
                weeks=charts.weeks, first=f"{charts.first:%Y-%m-%d}"))
        if not chart.points:
            out += ["  " + _("nothing to show"), ""]
            continue
        label_w = min(32, max(cell_len(p.label) for p in chart.points))
        value_w = max(len(shown(chart, p.value)) for p in chart.points)
        note_w = max(cell_len(p.note) for p in chart.points)
        bar_w = max(10, width - label_w - value_w - note_w - 8)
        for p in chart.points:
            label = p.label if cell_len(p.label) <= label_w else p.label[:label_w - 1] + "…"
            line = (f"  {label}{' ' * (label_w - cell_len(label))}  {shown(chart, p.value):>{value_w}}  "
                    f"{bar(fraction(chart, p.value), bar_w)}")
            if p.note:
                line += f"{' ' * (2 + bar_w - cell_len(bar(fraction(chart, p.value), bar_w)))}{p.note}"
            out.append(line.rstrip())
        out.append("")
    return out


def text(charts, only: str | None = None) -> str:
    """Plain text; bars fit the terminal, or 80 columns when stdout is not a terminal."""
    width = 80
    if is_tty():
        import shutil

        width = max(40, shutil.get_terminal_size((80, 24)).columns - 1)
    return "\n".join(text_lines(charts, only, width)).rstrip() + "\n"


# -- html ---------------------------------------------------------------------------------
_H2 = ' style="font-size:16px;margin:20px 0 6px;border-bottom:2px solid #ddd;padding-bottom:3px"'
_CELL = "border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:middle;font-size:13px"
_TABLE = ' style="border-collapse:collapse;width:100%;max-width:760px;margin:4px 0"'


def _h(value) -> str:
    return html.escape(str(value), quote=True)


def html_chart(chart) -> str:
    colour = COLOURS.get(chart.key, "#555")
    parts = [f"<h2{_H2}>{_h(chart.title)}</h2>"]
    if chart.key == "satisfaction":
        parts.append(f'<p style="font-size:20px;letter-spacing:2px;margin:4px 0">{_h(spark(chart))}</p>')
    if not chart.points:
        parts.append('<p style="color:#777">' + _h(_("nothing to show")) + "</p>")
        return "".join(parts)
    rows = []
    for p in chart.points:
        pct = round(100 * fraction(chart, p.value), 1)
        fill = (f'<div style="width:{pct}%;height:14px;background:{colour};font-size:1px;line-height:14px">&#160;</div>'
                if pct > 0 else '<div style="height:14px;font-size:1px;line-height:14px">&#160;</div>')
        rows.append(f'<tr><td style="{_CELL};width:32%">{_h(p.label)}</td>'
                    f'<td style="{_CELL};width:10%;text-align:right">{_h(shown(chart, p.value))}</td>'
                    f'<td style="{_CELL};width:40%;background:#f4f4f4">{fill}</td>'
                    f'<td style="{_CELL};color:#777">{_h(p.note)}</td></tr>')
    parts.append(f"<table{_TABLE}><tbody>{''.join(rows)}</tbody></table>")
    return "".join(parts)


def html_page(charts, only: str | None = None) -> str:
    title = _("Reception charts – {first} to {last}").format(first=f"{charts.first:%Y-%m-%d}",
                                                             last=f"{charts.last:%Y-%m-%d}")
    body = [f"<h1 style=\"font-size:20px\">{_h(title)}</h1>"]
    body += [html_chart(c) for c in charts.charts if not only or c.key == only]
    # in the company's zone, as every time the tool shows (the read model holds the moment in UTC)
    generated = _("Generated {moment} by receptionctl.").format(moment=text_of(charts.generated_at))
    body.append(f'<p style="color:#777">{html.escape(generated, quote=False)}</p>')
    lang = i18n.lang() if i18n.chinese() else "en"
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\" />\n"
            f"<title>{_h(title)}</title>\n</head>\n"
            "<body style=\"font-family:Arial,Helvetica,sans-serif;color:#222\">\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


# -- svg ----------------------------------------------------------------------------------
def svg(chart) -> str:
    """One chart as a standalone SVG: a horizontal bar per point (width 0 for no value), its
    label on the left and its value on the right."""
    row, label_w, bar_w, value_w, top = 24, 230, 320, 150, 44
    width = label_w + bar_w + value_w + 20
    height = top + row * max(1, len(chart.points)) + 16
    colour = COLOURS.get(chart.key, "#555")
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="Arial, Helvetica, sans-serif" font-size="12">'),
           f"<title>{_h(chart.title)}</title>",
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="10" y="22" font-size="15" font-weight="bold">{_h(chart.title)}</text>']
    if not chart.points:
        out.append(f'<text x="10" y="{top + 14}" fill="#777">' + _h(_("nothing to show")) + "</text>")
    for i, p in enumerate(chart.points):
        y = top + i * row
        w = round(bar_w * fraction(chart, p.value), 1)
        value = shown(chart, p.value) + (f"  {p.note}" if p.note else "")
        out += [f'<text x="10" y="{y + 14}">{_h(p.label)}</text>',
                f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="16" fill="#f0f0f0"/>',
                (f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{w}" height="16" fill="{colour}">'
                 f"<title>{_h(p.label)}: {_h(shown(chart, p.value))}</title></rect>"),
                f'<text x="{label_w + bar_w + 8}" y="{y + 14}">{_h(value)}</text>']
    out.append("</svg>")
    return "\n".join(out) + "\n"
