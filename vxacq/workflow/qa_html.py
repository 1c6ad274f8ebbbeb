"""The printable QA report: one HTML page with the reject and dose figures and their plots as
inline SVG (drawn here: no plotting library to ship, and the page prints as vectors).

The plots are those of the QA page: reject rate by reason, deviation-index bands per protocol,
DAP per protocol against its reference level. Every value from the database is escaped.
"""

from __future__ import annotations

import datetime as dt
import os
from html import escape
from pathlib import Path

from vxacq import __version__
from vxacq.workflow.qa_reports import DI_BANDS, DoseReport, Filters, Rate, RejectReport

WIDTH = 640
BAR = 18  # height of one bar (px)
LABEL = 230  # width of the label column (px)
# Band colours from under- to overexposure; the middle one is on target.
BAND_COLOURS = ("#3b6fb6", "#8fb3e0", "#4c9a52", "#e8a25c", "#c0392b")

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; page-break-after: avoid; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #999; padding: 2px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 0.5em 0; page-break-inside: avoid; }
.note { color: #444; font-size: 0.9em; }
@media print { body { margin: 1cm; } }
"""


def page(rejects: RejectReport | None, dose: DoseReport | None, *, source: str,
         now: dt.datetime | None = None) -> str:
    """The whole report; either part may be left out."""
    now = now or dt.datetime.now().astimezone()
    selection = (rejects or dose).filters if (rejects or dose) else None
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>VXacq QA report</title><style>{STYLE}</style></head><body>",
             "<h1>Quality assurance report</h1>",
             f"<p class='note'>{escape(_selection_text(selection))}; database {escape(source)}; "
             f"made {now:%Y-%m-%d %H:%M} by VXacq {escape(__version__)}</p>"]
    if rejects is not None:
        parts += _rejects(rejects)
    if dose is not None:
        parts += _dose(dose)
    parts.append("</body></html>")
    return "\n".join(parts)


def write(path: Path | str, rejects: RejectReport | None, dose: DoseReport | None, *,
          source: str) -> Path:
    """Write :func:`page` to ``path`` whole (a temporary file renamed over it); OSError as
    the system gave it."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.part")
    try:
        temporary.write_text(page(rejects, dose, source=source), encoding="utf-8")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _selection_text(selection: Filters | None) -> str:
    if selection is None:
        return "all images"
    words = [f"from {selection.start.isoformat() if selection.start else 'the first exam'}"
             f" to {selection.end.isoformat() if selection.end else 'the last exam'}"]
    for label, value in (("protocol", selection.protocol), ("radiographer", selection.operator),
                         ("room", selection.station)):
        if value:
            words.append(f"{label} {value}")
    return ", ".join(words)


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.1f} %"


def _rejects(report: RejectReport) -> list[str]:
    out = ["<h2>Reject analysis (AAPM TG-305)</h2>",
           f"<p>{report.images} images, {report.rejected} rejected "
           f"({_percent(report.reject_rate.rate)}), {report.repeated} repeated "
           f"({_percent(report.repeat_rate.rate)}).</p>"]
    out.append("<figure>" + bars([(r.key, (r.rate or 0.0) * 100) for r in report.by_reason],
                                 unit="%", title="Reject rate by reason")
               + "<figcaption>Reject rate by reason (rejected for the reason / all images)"
                 "</figcaption></figure>")
    titles = {"reason": "By reason", "protocol": "By protocol", "body_part": "By body part",
              "operator": "By radiographer", "station": "By room",
              "period": f"By {report.period}", "repeats_by_protocol": "Repeats by protocol"}
    for group in report.GROUPS:
        out.append(f"<h3>{titles[group]}</h3>" + _rate_table(report.group(group),
                   "repeated" if group == "repeats_by_protocol" else "rejected"))
    return out


def _rate_table(rates: tuple[Rate, ...], counted: str) -> str:
    if not rates:
        return "<p class='note'>none</p>"
    rows = "".join(f"<tr><td>{escape(r.key)}</td><td>{r.count}</td><td>{r.total}</td>"
                   f"<td>{_percent(r.rate)}</td></tr>" for r in rates)
    return (f"<table><tr><th></th><th>{counted}</th><th>images</th><th>rate</th></tr>"
            f"{rows}</table>")


def _dose(report: DoseReport) -> list[str]:
    out = ["<h2>Exposure index (AAPM TG-116) and dose</h2>"]
    if report.deviation:
        out.append("<figure>" + stacked(
            [(d.protocol, d.counts) for d in report.deviation],
            [b[0] for b in DI_BANDS], BAND_COLOURS, title="Deviation index per protocol")
            + "<figcaption>Deviation index per protocol: share of images in each band"
              "</figcaption></figure>")
        head = "".join(f"<th>{escape(b[0])}</th>" for b in DI_BANDS)
        rows = "".join(
            f"<tr><td>{escape(d.protocol)}</td><td>{d.n}</td><td>{_num(d.median)}</td>"
            + "".join(f"<td>{c}</td>" for c in d.counts) + "</tr>" for d in report.deviation)
        out.append(f"<table><tr><th>protocol</th><th>n</th><th>median DI</th>{head}</tr>"
                   f"{rows}</table>")
    else:
        out.append("<p class='note'>No image with a deviation index.</p>")
    if report.no_index:
        out.append(f"<p class='note'>{report.no_index} image(s) without a deviation index "
                   "(no target exposure index).</p>")
    if report.dap:
        out.append("<figure>" + dap_plot(report) + "<figcaption>DAP per exposure: median "
                   "(bar), third quartile (tick) and the reference level (red line)"
                   "</figcaption></figure>")
        rows = "".join(
            f"<tr><td>{escape(d.protocol)}</td><td>{d.n}</td><td>{_num(d.median_Gy_cm2)}</td>"
            f"<td>{_num(d.p75_Gy_cm2)}</td><td>{_num(d.level_Gy_cm2)}</td>"
            f"<td>{'' if d.above_level is None else ('above' if d.above_level else 'below')}"
            f"</td><td>{d.confirmations}</td><td class='note'>{escape(d.source)}</td></tr>"
            for d in report.dap)
        out.append("<table><tr><th>protocol</th><th>n</th><th>median (Gy·cm²)</th>"
                   "<th>75th percentile</th><th>reference level</th><th>75th vs level</th>"
                   "<th>notifications confirmed</th><th>source of the level</th></tr>"
                   f"{rows}</table>")
    else:
        out.append("<p class='note'>No exposure with a DAP.</p>")
    return out


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


# --- SVG -------------------------------------------------------------------------------------


def _svg(height: int, body: str, title: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' "
            f"viewBox='0 0 {WIDTH} {height}' role='img' font-family='sans-serif' "
            f"font-size='11'><title>{escape(title)}</title>{body}</svg>")


def _label(y: int, label: str, after: str = "") -> str:
    """A bar's label, right-aligned in the label column (a long one cut to 40 characters)."""
    return (f"<text x='{LABEL - 6}' y='{y + BAR - 5}' text-anchor='end'>"
            f"{escape(label[:40])}{escape(after)}</text>")


def bars(items: list[tuple[str, float]], *, unit: str, title: str) -> str:
    """Horizontal bars, one per (label, value)."""
    if not items:
        return _svg(BAR + 8, "<text x='4' y='16'>no data</text>", title)
    top = max(v for _, v in items) or 1.0
    span = WIDTH - LABEL - 60
    body = []
    for row, (label, value) in enumerate(items):
        y = 4 + row * (BAR + 4)
        length = span * value / top
        body.append(_label(y, label) +
                    f"<rect x='{LABEL}' y='{y}' width='{length:.1f}' height='{BAR}' "
                    f"fill='#3b6fb6'/><text x='{LABEL + length + 4:.1f}' y='{y + BAR - 5}'>"
                    f"{value:.1f} {escape(unit)}</text>")
    return _svg(8 + len(items) * (BAR + 4), "".join(body), title)


def stacked(items: list[tuple[str, tuple[int, ...]]], legend: list[str],
            colours: tuple[str, ...], *, title: str) -> str:
    """One 100 % bar per label, split by the counts."""
    span = WIDTH - LABEL - 20
    body = []
    for row, (label, counts) in enumerate(items):
        y = 4 + row * (BAR + 4)
        total = sum(counts) or 1
        x = float(LABEL)
        body.append(_label(y, label, f" (n={sum(counts)})"))
        for count, colour in zip(counts, colours):
            width = span * count / total
            if width:
                body.append(f"<rect x='{x:.1f}' y='{y}' width='{width:.1f}' height='{BAR}' "
                            f"fill='{colour}'><title>{count}</title></rect>")
            x += width
    y = 12 + len(items) * (BAR + 4)
    x = LABEL
    for label, colour in zip(legend, colours):
        body.append(f"<rect x='{x}' y='{y}' width='10' height='10' fill='{colour}'/>"
                    f"<text x='{x + 13}' y='{y + 9}'>{escape(label)}</text>")
        x += 85
    return _svg(y + 16, "".join(body), title)


def dap_plot(report: DoseReport) -> str:
    """Median DAP per protocol as bars, the 75th percentile as a tick, the level as a line."""
    items = report.dap
    top = max([v for d in items for v in (d.median_Gy_cm2, d.p75_Gy_cm2, d.level_Gy_cm2)
               if v is not None] or [1.0]) or 1.0
    span = WIDTH - LABEL - 150  # room for the figures on the right
    body = []
    for row, d in enumerate(items):
        y = 4 + row * (BAR + 4)
        body.append(_label(y, d.protocol))
        if d.median_Gy_cm2 is not None:
            body.append(f"<rect x='{LABEL}' y='{y}' width='{span * d.median_Gy_cm2 / top:.1f}' "
                        f"height='{BAR}' fill='#8fb3e0'/>")
        if d.p75_Gy_cm2 is not None:
            x = LABEL + span * d.p75_Gy_cm2 / top
            body.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{y}' y2='{y + BAR}' "
                        "stroke='#111' stroke-width='2'/>")
        if d.level_Gy_cm2 is not None:
            x = LABEL + span * d.level_Gy_cm2 / top
            body.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{y - 2}' y2='{y + BAR + 2}' "
                        "stroke='#c0392b' stroke-width='3'/>")
        text = f"{_num(d.p75_Gy_cm2)} / {_num(d.level_Gy_cm2)} Gy·cm²"
        body.append(f"<text x='{WIDTH - 4}' y='{y + BAR - 5}' text-anchor='end'>"
                    f"{escape(text)}</text>")
    return _svg(8 + len(items) * (BAR + 4), "".join(body), "DAP per protocol")
