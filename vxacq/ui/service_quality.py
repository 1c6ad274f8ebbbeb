"""Service → Quality: reject analysis (AAPM TG-305), the deviation index per protocol
(TG-116) and DAP against the reference levels, for a period, a protocol and a radiographer.

The figures come from vxacq.workflow.qa_reports (what `vxacq report` prints), read on the
console's workers; the page only draws them."""

from __future__ import annotations

import html
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from vxacq.ui.context import Console
from vxacq.workflow import qa_html, qa_reports, reference_levels
from vxacq.workflow.qa_reports import DoseReport, ReportError, RejectReport

# as the printed report; the 75th percentile's tick light on the plots' dark background
BAND_COLOURS = ("#3b6fb6", "#8fb3e0", "#4c9a52", "#e8a25c", "#c0392b")  # untranslated: colours
TICK_COLOUR = "#f0f0f0"  # untranslated: a colour
PLOT_HEIGHT = 230


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.1f} %"


class QualityTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.rejects: RejectReport | None = None
        self.dose: DoseReport | None = None
        self.reading = False
        self.start = QLineEdit(placeholderText=self.tr("YYYY-MM-DD (first exam)"))
        self.end = QLineEdit(placeholderText=self.tr("YYYY-MM-DD (last exam)"))
        self.protocol = QComboBox()
        self.operator = QComboBox()
        for combo, everyone in ((self.protocol, self.tr("All protocols")),
                                (self.operator, self.tr("All radiographers"))):
            combo.addItem(everyone, "")
            combo.setMinimumContentsLength(14)
        self.period = QComboBox()
        for label, value in ((self.tr("Day"), "day"), (self.tr("Week"), "week"),
                             (self.tr("Month"), "month")):
            self.period.addItem(label, value)
        self.period.setCurrentIndex(2)
        self.update_button = QPushButton(self.tr("Update"))
        self.update_button.clicked.connect(self.refresh)
        self.save_button = QPushButton(self.tr("Save printable report…"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.ask_where_to_save)
        self.start.returnPressed.connect(self.refresh)
        self.end.returnPressed.connect(self.refresh)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.start.setMaximumWidth(200)
        self.end.setMaximumWidth(200)
        filters = QHBoxLayout()
        for widget in (QLabel(self.tr("From")), self.start, QLabel(self.tr("to")), self.end,
                       self.protocol, self.operator, QLabel(self.tr("Rates by")), self.period,
                       self.update_button, self.save_button):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.reasons_plot = self._plot(self.tr("Reject rate by reason (%)"))
        self.deviation_plot = self._plot(self.tr("Deviation index (% of images)"))
        self.dap_plot = self._plot(self.tr("DAP per exposure (Gy·cm²)"))
        # the keys under the plots (a legend inside a plot would hide its bars)
        self.bands_key = QLabel("&nbsp;&nbsp;".join(  # untranslated: markup
            f"<span style='color:{colour}'>■</span>&nbsp;{html.escape(label)}"  # untranslated: markup
            for colour, (label, *_bounds) in zip(BAND_COLOURS, qa_reports.DI_BANDS)))
        self.bands_key.setWordWrap(True)
        self.dap_key = QLabel(self.tr(
            "Bar: median. <span style='color:{tick}'>|</span> 75th percentile. "
            "<span style='color:{level}'>|</span> reference level (per exposure); ▲ 75th "
            "percentile above it.").format(tick=TICK_COLOUR, level=BAND_COLOURS[4]))
        self.dap_key.setWordWrap(True)
        self.rates = QTableWidget(0, 5)
        self.rates.setHorizontalHeaderLabels([self.tr("Group"), self.tr("Value"),
                                              self.tr("Rejected"), self.tr("Images"),
                                              self.tr("Rate")])
        self.rates.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rates.horizontalHeader().setStretchLastSection(True)
        self.rates.setMinimumHeight(PLOT_HEIGHT)

        plots = QHBoxLayout()
        for plot, key in ((self.reasons_plot, None), (self.deviation_plot, self.bands_key),
                          (self.dap_plot, self.dap_key)):
            column = QVBoxLayout()
            column.addWidget(plot, stretch=1)
            if key is not None:
                column.addWidget(key)
            else:
                column.addStretch(0)
            plots.addLayout(column, stretch=1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addLayout(plots, stretch=2)
        layout.addWidget(QLabel(self.tr("Reject and repeat rates with the counts behind them:")))
        layout.addWidget(self.rates, stretch=1)

    def _plot(self, title: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(title=title)
        plot.setMinimumHeight(PLOT_HEIGHT)
        plot.setMinimumWidth(200)
        plot.invertY(True)  # the first row on top, as in the tables
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        return plot

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.refresh()

    # --- reading (on the console's workers) -----------------------------------------------

    def refresh(self) -> None:
        try:
            selection = qa_reports.filters(self.start.text(), self.end.text(),
                                           protocol=self.protocol.currentData() or "",
                                           operator=self.operator.currentData() or "")
        except ReportError as exc:
            self.status.setText(self.tr("Not updated: {error}").format(error=str(exc)))
            self.status.setStyleSheet("color: #e57373;")
            return
        self.status.setText(self.tr("Reading…"))
        self.status.setStyleSheet("")
        self.reading = True
        db, config, period = self.console.db, self.console.config, self.period.currentData()
        station = config.station.station_name

        def read() -> tuple[RejectReport, DoseReport, qa_reports.Choices]:
            try:
                levels = reference_levels.load(config.data_dir)
            except reference_levels.ReferenceLevelError:  # the service tab says why
                levels = reference_levels.load(None)
            return (qa_reports.reject_analysis(db, selection, period=period,
                                               unnamed_station=station),
                    qa_reports.dose_analysis(db, selection, levels, unnamed_station=station),
                    qa_reports.choices(db, unnamed_station=station))

        self.console.tasks.run(read, self._show, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.reading = False
        self.status.setText(self.tr("The figures could not be read: {error}")
                            .format(error=str(exc)))
        self.status.setStyleSheet("color: #e57373;")

    # --- drawing ---------------------------------------------------------------------------

    def _show(self, result: tuple[RejectReport, DoseReport, qa_reports.Choices]) -> None:
        self.rejects, self.dose, choices = result
        self.reading = False
        self.status.setText("")
        self.save_button.setEnabled(True)
        self._fill_choices(self.protocol, choices.protocols)
        self._fill_choices(self.operator, choices.operators)
        r = self.rejects
        self.summary.setText(self.tr(
            "{images} images, {rejected} rejected ({reject_rate}), {repeated} repeated "
            "({repeat_rate}); {confirmed} dose notifications confirmed.").format(
            images=r.images, rejected=r.rejected, reject_rate=_percent(r.reject_rate.rate),
            repeated=r.repeated, repeat_rate=_percent(r.repeat_rate.rate),
            confirmed=self.dose.confirmations))
        self._draw_reasons(r)
        self._fill_rates(r)
        self._draw_deviation(self.dose)
        self._draw_dap(self.dose)

    def ask_where_to_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save printable report"),
                                              "qa-report.html", self.tr("Web page (*.html)"))
        if path:
            self.save(path)

    def save(self, path: str) -> None:
        """Write the figures shown as a printable page (HTML with the plots) on a worker."""
        rejects, dose = self.rejects, self.dose
        source = str(self.console.db.path)
        self.status.setText(self.tr("Saving…"))
        self.status.setStyleSheet("")

        def saved(target) -> None:
            self.status.setText(self.tr("Saved to {path}; open it in a browser to print it.")
                                .format(path=str(target)))

        def failed(exc: Exception) -> None:
            self.status.setText(self.tr("Not saved: {error}").format(error=str(exc)))
            self.status.setStyleSheet("color: #e57373;")

        self.console.tasks.run(lambda: qa_html.write(path, rejects, dose, source=source),
                               saved, failed)

    @staticmethod
    def _fill_choices(combo: QComboBox, values: tuple[str, ...]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for value in values:
            combo.addItem(value, value)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    @staticmethod
    def _rows(plot: pg.PlotWidget, labels: list[str]) -> None:
        plot.getAxis("left").setTicks([list(enumerate(labels))])
        plot.setYRange(-0.6, max(len(labels), 1) - 0.4, padding=0)

    def _draw_reasons(self, report: RejectReport) -> None:
        plot = self.reasons_plot
        plot.clear()
        labels = [r.key for r in report.by_reason]
        widths = [(r.rate or 0.0) * 100 for r in report.by_reason]
        if labels:
            plot.addItem(pg.BarGraphItem(x0=0, y=list(range(len(labels))), height=0.6,
                                         width=widths, brush=BAND_COLOURS[0]))
        self._rows(plot, labels)
        plot.setXRange(0, max(widths, default=1.0) * 1.1 or 1.0)

    def _fill_rates(self, report: RejectReport) -> None:
        names = {"protocol": self.tr("Protocol"), "body_part": self.tr("Body part"),
                 "operator": self.tr("Radiographer"), "station": self.tr("Room"),
                 "period": self.tr("Period"), "repeats_by_protocol": self.tr("Repeats")}
        rows = [(names[g], rate) for g in names for rate in report.group(g)]
        self.rates.setRowCount(len(rows))
        for row, (group, rate) in enumerate(rows):
            for column, text in enumerate((group, rate.key, str(rate.count), str(rate.total),
                                           _percent(rate.rate))):
                self.rates.setItem(row, column, QTableWidgetItem(text))
        self.rates.resizeColumnsToContents()

    def _draw_deviation(self, report: DoseReport) -> None:
        plot = self.deviation_plot
        plot.clear()
        rows = report.deviation
        left = [0.0] * len(rows)
        for band in range(len(qa_reports.DI_BANDS)):
            shares = [100.0 * d.counts[band] / d.n if d.n else 0.0 for d in rows]
            if rows:
                plot.addItem(pg.BarGraphItem(x0=list(left), y=list(range(len(rows))),
                                             height=0.6, width=shares,
                                             brush=BAND_COLOURS[band]))
            left = [a + b for a, b in zip(left, shares)]
        self._rows(plot, [f"{d.protocol} (n={d.n})" for d in rows])
        plot.setXRange(0, 100, padding=0.02)

    def _draw_dap(self, report: DoseReport) -> None:
        plot = self.dap_plot
        plot.clear()
        rows = report.dap
        ys = list(range(len(rows)))
        medians = [d.median_Gy_cm2 or 0.0 for d in rows]
        if rows:
            plot.addItem(pg.BarGraphItem(x0=0, y=ys, height=0.6, width=medians,
                                         brush=BAND_COLOURS[1]))
        p75 = [(d.p75_Gy_cm2, y) for d, y in zip(rows, ys) if d.p75_Gy_cm2 is not None]
        levels = [(d.level_Gy_cm2, y) for d, y in zip(rows, ys) if d.level_Gy_cm2 is not None]
        self.p75_marks = pg.ScatterPlotItem([x for x, _ in p75], [y for _, y in p75],
                                            symbol="|", size=22,
                                            pen=pg.mkPen(TICK_COLOUR, width=3))
        self.level_marks = pg.ScatterPlotItem([x for x, _ in levels], [y for _, y in levels],
                                              symbol="|", size=28,
                                              pen=pg.mkPen(BAND_COLOURS[4], width=4))
        plot.addItem(self.p75_marks)
        plot.addItem(self.level_marks)
        self._rows(plot, [d.protocol + (" ▲" if d.above_level else "") for d in rows])
        top = max([v for d in rows for v in (d.median_Gy_cm2, d.p75_Gy_cm2, d.level_Gy_cm2)
                   if v is not None], default=1.0)
        plot.setXRange(0, top * 1.1)

    # for the tests and the screenshot: what each plot shows
    def shown(self) -> dict[str, Any]:
        def bars(plot: pg.PlotWidget) -> list[list[float]]:
            return [[float(w) for w in item.opts["width"]] for item in plot.getPlotItem().items
                    if isinstance(item, pg.BarGraphItem)]
        return {"reasons": bars(self.reasons_plot), "deviation": bars(self.deviation_plot),
                "dap": bars(self.dap_plot),
                "levels": [p.pos().x() for p in self.level_marks.points()],
                "p75": [p.pos().x() for p in self.p75_marks.points()]}
