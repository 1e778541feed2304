"""The printed schedule of sessions as HTML (rendered to A4 by Qt's print system in the UI)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from planner.domain.cell_text import printed_text
from planner.domain.recurrence import WEEKDAYS_FR
from planner.domain.session_labels import kind_label, status_label
from planner.services.sessions.planning import SessionRecord
from planner.services.sessions.themes import theme_text

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True)
class PrintJob:
    """What the print system needs: the HTML body and the header of every page."""

    html: str
    header: str
    title: str


def escape(text: str) -> str:
    """User text for the printed HTML: escaped, no control character, no bidi override."""
    return html.escape(printed_text(text))


def long_date(day: dt.date) -> str:
    """``mardi 8 décembre 2026``."""
    return f"{WEEKDAYS_FR[day.weekday()]} {day.day} {MONTHS_FR[day.month - 1]} {day.year}"


def _theme(record: SessionRecord) -> str:
    return theme_text(record.themes)


def _row(label: str, value: str) -> str:
    if not value:
        return ""
    return (
        f"<tr><td class='k' width='24%'>{escape(label)}</td>"
        f"<td width='76%'>{escape(value)}</td></tr>"
    )


def _session_block(record: SessionRecord) -> str:
    venue = record.venue
    where = venue.name if venue else "Lieu à définir"
    address = venue.address if venue and venue.address else ""
    times = f"{record.starts_at:%H:%M} – {record.ends_at:%H:%M}"
    rows = "".join(
        [
            _row("Lieu", where + (f" — {address}" if address else "")),
            _row("Type", f"{kind_label(record.kind)} · {status_label(record.status)}"),
            _row("Thème", _theme(record)),
            _row("Partenaires", ", ".join(record.partners.values())),
            _row("Conseillers", ", ".join(record.advisers.values())),
            _row("Entreprises d'accueil", ", ".join(record.hosts.values())),
            _row("Places", "" if record.capacity is None else str(record.capacity)),
        ]
    )
    return (
        f"<h3>{escape(long_date(record.starts_at.date()).capitalize())}, {times}"
        f" — {escape(record.title)}</h3><table class='s' width='100%'>{rows}</table>"
    )


_STYLE = (
    "<style>body{font-family:'DejaVu Sans',sans-serif;font-size:9.5pt}"
    "h2{font-size:12pt;margin-top:10pt;border-bottom:1px solid #1d4f91;color:#1d4f91}"
    "h3{font-size:10pt;margin:8pt 0 2pt 0}td.k{color:#555}"
    "td{vertical-align:top;padding:1pt 4pt}</style>"
)


def schedule_job(
    records: Sequence[SessionRecord],
    campaign: str,
    start: dt.date,
    end: dt.date,
    *,
    scope: str = "",
) -> PrintJob:
    """The schedule of the period, grouped by week (Monday to Sunday)."""
    period = f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
    header = f"{campaign} — Programme des séances {period}" + (f" — {scope}" if scope else "")
    parts = [_STYLE, f"<h1 style='font-size:15pt'>Programme des séances {escape(period)}</h1>"]
    if scope:
        parts.append(f"<p>{escape(scope)}</p>")
    if not records:
        parts.append("<p>Aucune séance sur la période.</p>")

    def monday(r: SessionRecord) -> dt.date:
        day = r.starts_at.date()
        return day - dt.timedelta(days=day.weekday())

    for week_start, group in groupby(sorted(records, key=lambda r: r.starts_at), key=monday):
        week_end = week_start + dt.timedelta(days=6)
        parts.append(f"<h2>Semaine du {week_start:%d/%m/%Y} au {week_end:%d/%m/%Y}</h2>")
        parts.extend(_session_block(r) for r in group)
    return PrintJob("".join(parts), printed_text(header), "Programme des séances")


def programme_job(record: SessionRecord, campaign: str) -> PrintJob:
    """A one-page programme for the venue's door."""
    venue = record.venue
    lines = [
        _STYLE,
        f"<p style='font-size:13pt;color:#1d4f91'>{escape(kind_label(record.kind))}</p>",
        f"<h1 style='font-size:24pt'>{escape(record.title)}</h1>",
        f"<p style='font-size:16pt'>{escape(long_date(record.starts_at.date()).capitalize())}"
        f"<br/>de {record.starts_at:%H:%M} à {record.ends_at:%H:%M}</p>",
    ]
    if venue:
        lines.append(
            f"<p style='font-size:14pt'>{escape(venue.name)}<br/>{escape(venue.address or '')}</p>"
        )
    if record.hosts:
        lines.append(
            "<h2>Entreprises présentes</h2><p>" + escape(", ".join(record.hosts.values())) + "</p>"
        )
    if record.partners:
        lines.append(
            "<h2>Organisé par</h2><p>" + escape(", ".join(record.partners.values())) + "</p>"
        )
    if record.advisers:
        lines.append(
            "<h2>Vos contacts</h2><p>" + escape(", ".join(record.advisers.values())) + "</p>"
        )
    return PrintJob("".join(lines), printed_text(campaign), printed_text(record.title))
