"""Week and month calendar of sessions: clash marks, drag a session to move it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QToolTip, QWidget

from planner.domain import clock
from planner.domain.recurrence import WEEKDAYS_FR
from planner.services.sessions.planning import SessionRecord
from planner.services.sessions.schedule import MONTHS_FR

FIRST_HOUR, LAST_HOUR = 8, 20
_STATUS_LABELS = {
    "planned": "prévue",
    "confirmed": "confirmée",
    "held": "tenue",
    "cancelled": "annulée",
}
_STATUS_COLORS = {
    "planned": "#dce8f7",
    "confirmed": "#c9e7cf",
    "held": "#e4e4e4",
    "cancelled": "#f4dede",
}


class CalendarView(QWidget):
    """A painted calendar; ``mode`` is ``week`` or ``month``.

    Signals:
        sessionMoved(int, object): a session was dropped at a new start (datetime).
        sessionActivated(int): a session was double-clicked.
    """

    sessionMoved = Signal(int, object)  # noqa: N815
    sessionActivated = Signal(int)  # noqa: N815

    def __init__(self, mode: str = "week", parent: Any = None) -> None:
        super().__init__(parent)
        self.mode = mode
        self.anchor = clock.today()
        self.records: list[SessionRecord] = []
        self.clashing: set[int] = set()
        self.selected: int | None = None
        self._drag: tuple[int, QPointF] | None = None
        self._drop: QPointF | None = None
        self.setMinimumSize(600, 420)
        self.setMouseTracking(True)

    # ------------------------------------------------------------------ data

    def set_data(self, records: list[SessionRecord], clashing: set[int]) -> None:
        self.records, self.clashing = records, clashing
        self.update()

    def first_day(self) -> dt.date:
        if self.mode == "week":
            return self.anchor - dt.timedelta(days=self.anchor.weekday())
        first = self.anchor.replace(day=1)
        return first - dt.timedelta(days=first.weekday())

    def days(self) -> int:
        return 7 if self.mode == "week" else 42

    def title(self) -> str:
        first = self.first_day()
        if self.mode == "week":
            last = first + dt.timedelta(days=6)
            return f"Semaine du {first:%d/%m/%Y} au {last:%d/%m/%Y}"
        return f"{MONTHS_FR[self.anchor.month - 1].capitalize()} {self.anchor.year}"

    def step(self, direction: int) -> None:
        if self.mode == "week":
            self.anchor += dt.timedelta(weeks=direction)
        else:
            month = self.anchor.month - 1 + direction
            self.anchor = dt.date(self.anchor.year + month // 12, month % 12 + 1, 1)
        self.update()

    def show_session(self, session_id: int) -> None:
        record = next((r for r in self.records if r.id == session_id), None)
        if record is not None:
            self.anchor = record.starts_at.date()
            self.selected = session_id
            self.update()

    # ------------------------------------------------------------- geometry

    def _line(self) -> float:
        """The height of a line of text at the widget's (default) font."""
        return QFontMetricsF(self.font()).height()

    def _grid(self) -> QRectF:
        left = 4.0
        if self.mode == "week":
            left = QFontMetricsF(self.font()).horizontalAdvance("20 h") + 12
        top = self._line() + 10
        return QRectF(left, top, self.width() - left - 4, self.height() - top - 4)

    def _column_width(self) -> float:
        return self._grid().width() / 7

    def _row_height(self) -> float:
        rows = (LAST_HOUR - FIRST_HOUR) if self.mode == "week" else 6
        return self._grid().height() / rows

    def month_lines(self) -> int:
        """How many sessions a day of the month view shows (under the day's number)."""
        line = self._line() + 2
        return max(int((self._row_height() - line) // line), 1)

    def rect_of(self, record: SessionRecord, index_in_day: int = 0) -> QRectF | None:
        grid = self._grid()
        offset = (record.starts_at.date() - self.first_day()).days
        if not 0 <= offset < self.days():
            return None
        cw, rh = self._column_width(), self._row_height()
        if self.mode == "week":
            top = (record.starts_at.hour + record.starts_at.minute / 60 - FIRST_HOUR) * rh
            span = (record.ends_at - record.starts_at).total_seconds() / 3600 * rh
            return QRectF(
                grid.left() + offset * cw + 2, grid.top() + top, cw - 4, max(span, self._line())
            )
        row, col = divmod(offset, 7)
        line = self._line() + 2
        if index_in_day >= self.month_lines():
            return None  # counted in the day's « +N » instead
        return QRectF(
            grid.left() + col * cw + 2,
            grid.top() + row * rh + line + index_in_day * line,
            cw - 4,
            line - 1,
        )

    def _placed(self) -> list[tuple[SessionRecord, QRectF]]:
        per_day: dict[dt.date, int] = {}
        placed = []
        lanes = self._lanes() if self.mode == "week" else {}
        for record in sorted(self.records, key=lambda r: r.starts_at):
            day = record.starts_at.date()
            rect = self.rect_of(record, per_day.get(day, 0))
            per_day[day] = per_day.get(day, 0) + 1
            if rect is None:
                continue
            lane, count = lanes.get(record.id, (0, 1))
            if count > 1:  # overlapping sessions side by side
                width = rect.width() / count
                rect = QRectF(rect.left() + lane * width, rect.top(), width - 1, rect.height())
            placed.append((record, rect))
        return placed

    def _lanes(self) -> dict[int, tuple[int, int]]:
        """Lane and lane count of each session among the overlapping ones of its day."""
        result: dict[int, tuple[int, int]] = {}
        by_day: dict[dt.date, list[SessionRecord]] = {}
        for record in sorted(self.records, key=lambda r: r.starts_at):
            by_day.setdefault(record.starts_at.date(), []).append(record)
        for records in by_day.values():
            group: list[tuple[SessionRecord, int]] = []
            lane_ends: list[dt.datetime] = []
            group_end = dt.datetime.min

            def close(group: list[tuple[SessionRecord, int]], count: int) -> None:
                for member, lane in group:
                    result[member.id] = (lane, count)

            for record in records:
                if group and record.starts_at >= group_end:
                    close(group, len(lane_ends))
                    group, lane_ends = [], []
                lane = next((i for i, end in enumerate(lane_ends) if end <= record.starts_at), None)
                if lane is None:
                    lane_ends.append(record.ends_at)
                    lane = len(lane_ends) - 1
                else:
                    lane_ends[lane] = record.ends_at
                group.append((record, lane))
                group_end = max(group_end, record.ends_at) if len(group) > 1 else record.ends_at
            close(group, len(lane_ends))
        return result

    def session_at(self, point: QPointF) -> int | None:
        for record, rect in reversed(self._placed()):
            if rect.contains(point):
                return record.id
        return None

    def moment_at(self, point: QPointF, keep: dt.datetime) -> dt.datetime | None:
        """Where a drop at ``point`` puts a session that started at ``keep``."""
        grid = self._grid()
        if not grid.contains(point):
            return None
        col = int((point.x() - grid.left()) // self._column_width())
        if self.mode == "week":
            hours = (point.y() - grid.top()) / self._row_height() + FIRST_HOUR
            minutes = round(hours * 4) * 15
            day = self.first_day() + dt.timedelta(days=col)
            return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
        row = int((point.y() - grid.top()) // self._row_height())
        day = self.first_day() + dt.timedelta(days=row * 7 + col)
        return dt.datetime.combine(day, keep.time())

    # --------------------------------------------------------------- events

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        sid = self.session_at(event.position())
        self.selected = sid
        if sid is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag = (sid, event.position())
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is not None:
            self._drop = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        drag, self._drag, self._drop = self._drag, None, None
        if drag is None:
            return
        sid, origin = drag
        if (event.position() - origin).manhattanLength() < 6:
            self.update()
            return
        record = next(r for r in self.records if r.id == sid)
        if self.mode == "week":
            # keep the grab offset: the top of the block follows the pointer's move
            delta = event.position() - origin
            start_rect = self.rect_of(record)
            if start_rect is None:
                return
            target = start_rect.topLeft() + delta + QPointF(2, 1)
            moment = self.moment_at(target, record.starts_at)
        else:
            moment = self.moment_at(event.position(), record.starts_at)
        if moment is not None and moment != record.starts_at:
            self.sessionMoved.emit(sid, moment)
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        sid = self.session_at(event.position())
        if sid is not None:
            self.sessionActivated.emit(sid)

    # -------------------------------------------------------------- painting

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        grid = self._grid()
        cw, rh = self._column_width(), self._row_height()
        # Day names at the window's own font size, in bold: the 8-point ones could not be read.
        header = QFont(self.font())
        header.setBold(True)
        painter.setFont(header)
        first = self.first_day()
        today = clock.today()
        for col in range(7):
            x = grid.left() + col * cw
            label = WEEKDAYS_FR[col].capitalize()
            if self.mode == "week":
                day = first + dt.timedelta(days=col)
                label = f"{label} {day:%d/%m}"
                if day.weekday() >= 5:
                    painter.fillRect(QRectF(x, grid.top(), cw, grid.height()), QColor("#f6f6f6"))
            painter.setPen(QColor("#333"))
            painter.drawText(
                QRectF(x, 2, cw, grid.top() - 4),
                int(Qt.AlignmentFlag.AlignCenter),
                QFontMetricsF(header).elidedText(label, Qt.TextElideMode.ElideRight, cw - 4),
            )
        painter.setFont(self.font())
        painter.setPen(QPen(QColor("#d0d0d0")))
        if self.mode == "week":
            for h in range(LAST_HOUR - FIRST_HOUR + 1):
                y = grid.top() + h * rh
                painter.drawLine(QPointF(grid.left(), y), QPointF(grid.right(), y))
                painter.setPen(QColor("#555"))  # the hours, readable (the lines stay light)
                painter.drawText(
                    QRectF(0, y - self._line() / 2, grid.left() - 4, self._line()),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    f"{FIRST_HOUR + h} h",
                )
                painter.setPen(QPen(QColor("#d0d0d0")))
        else:
            per_day: dict[dt.date, int] = {}
            for record in self.records:
                per_day[record.starts_at.date()] = per_day.get(record.starts_at.date(), 0) + 1
            for i in range(42):
                row, col = divmod(i, 7)
                day = first + dt.timedelta(days=i)
                cell = QRectF(grid.left() + col * cw, grid.top() + row * rh, cw, rh)
                if day.month != self.anchor.month:
                    painter.fillRect(cell, QColor("#f3f3f3"))
                if day == today:
                    painter.fillRect(cell, QColor("#fff7d6"))
                painter.drawRect(cell)
                painter.setPen(QColor("#555"))
                painter.drawText(cell.adjusted(3, 1, -3, 0), f"{day.day}")
                hidden = per_day.get(day, 0) - self.month_lines()
                if hidden > 0:
                    painter.drawText(
                        cell.adjusted(3, 1, -3, 0),
                        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                        f"+{hidden} autre{'s' if hidden > 1 else ''}",
                    )
                painter.setPen(QPen(QColor("#d0d0d0")))
        for col in range(8):
            x = grid.left() + col * cw
            painter.drawLine(QPointF(x, grid.top()), QPointF(x, grid.bottom()))
        for record, rect in self._placed():
            self._paint_session(painter, record, rect)
        painter.end()

    def _paint_session(self, painter: QPainter, record: SessionRecord, rect: QRectF) -> None:
        clash = record.id in self.clashing
        painter.setBrush(QColor(_STATUS_COLORS.get(record.status, "#dce8f7")))
        width = 2.5 if clash or record.id == self.selected else 1.0
        color = "#b00020" if clash else ("#1d4f91" if record.id == self.selected else "#7a8ca5")
        painter.setPen(QPen(QColor(color), width))
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(QColor("#b00020" if clash else "#1b1b1b"))
        mark = "⚠ " if clash else ""
        inner = rect.adjusted(3, 1, -2, -1)
        painter.save()
        painter.setClipRect(rect)
        if self.mode == "month":
            # One line: the title first (a bare "09:00" said nothing), elided to the cell.
            text = self.month_label(record)
            painter.drawText(
                inner,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                QFontMetricsF(self.font()).elidedText(
                    text, Qt.TextElideMode.ElideRight, inner.width()
                ),
            )
        else:
            # The title in bold, wrapped; then the times and the venue.
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(
                Qt.TextFlag.TextWordWrap
            )
            title_box = painter.boundingRect(inner, flags, f"{mark}{record.title or 'Séance'}")
            painter.drawText(inner, flags, f"{mark}{record.title or 'Séance'}")
            painter.setFont(self.font())
            details = f"{record.starts_at:%H:%M}–{record.ends_at:%H:%M}"
            if record.venue is not None:
                details += f"\n{record.venue.name}"
            painter.drawText(inner.adjusted(0, title_box.height(), 0, 0), flags, details)
        painter.restore()
        painter.setFont(self.font())

    def month_label(self, record: SessionRecord) -> str:
        """A session's line in the month view: its title first, then its start."""
        mark = "⚠ " if record.id in self.clashing else ""
        return f"{mark}{record.title or 'Séance'} · {record.starts_at:%H:%M}"

    def tooltip_of(self, record: SessionRecord) -> str:
        """The whole of a session, for the tooltip of its block."""
        lines = [
            record.title or "Séance",
            f"{record.starts_at:%d/%m/%Y} de {record.starts_at:%H:%M} à {record.ends_at:%H:%M}",
        ]
        if record.venue is not None:
            lines.append(f"Lieu : {record.venue.name}")
        lines.append(f"Statut : {_STATUS_LABELS.get(record.status, record.status)}")
        if record.id in self.clashing:
            lines.append("⚠ En conflit : voir l'onglet « Conflits »")
        return "\n".join(lines)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            sid = self.session_at(QPointF(event.pos()))
            record = next((r for r in self.records if r.id == sid), None)
            if record is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_of(record), self)
            return True
        return super().event(event)
