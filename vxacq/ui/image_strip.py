"""The exam's images as thumbnails: number, protocol, side and review state; one is chosen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from vxacq.ui.images import from_file, thumbnail
from vxacq.ui.tasks import Tasks
from vxacq.workflow.exam import ImageView


class ImageStrip(QWidget):
    """``image_chosen(image_id)`` when the radiographer picks a thumbnail. Thumbnails are
    kept per image id; those not yet known are made from the files on the workers."""

    image_chosen = Signal(int)

    def __init__(self, tasks: Tasks) -> None:
        super().__init__()
        self.tasks = tasks
        self.pixmaps: dict[int, QPixmap] = {}
        self.thumbs = QListWidget()
        self.thumbs.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbs.setIconSize(QSize(110, 110))
        self.thumbs.setFlow(QListWidget.Flow.LeftToRight)
        self.thumbs.setWrapping(True)
        self.thumbs.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.thumbs.setMinimumHeight(150)
        self.thumbs.currentItemChanged.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Images of this exam")))
        layout.addWidget(self.thumbs, stretch=1)

    def clear(self) -> None:
        """A new exam: no images, no thumbnails kept."""
        self.pixmaps.clear()
        self.thumbs.clear()

    def show_views(self, views: list[ImageView], current: int | None) -> None:
        self.thumbs.blockSignals(True)
        self.thumbs.clear()
        for view in views:
            item = QListWidgetItem(self._text(view))
            item.setData(Qt.ItemDataRole.UserRole, view.id)
            colour = {"accepted": "ok", "rejected": "alarm"}.get(view.state)
            if colour:
                item.setForeground(Qt.GlobalColor.darkGreen if colour == "ok"
                                   else Qt.GlobalColor.red)
            if view.id in self.pixmaps:
                item.setIcon(QIcon(self.pixmaps[view.id]))
            self.thumbs.addItem(item)
        self.thumbs.blockSignals(False)
        if current is not None:
            self.select(current)
        for view in views:
            if view.id not in self.pixmaps and view.file_path:
                self.tasks.run(lambda v=view: thumbnail(from_file(v.file_path)),
                               lambda pixmap, v=view: self.set_thumbnail(v.id, pixmap),
                               lambda exc: None)

    def set_thumbnail(self, image_id: int, pixmap: QPixmap) -> None:
        self.pixmaps[image_id] = pixmap
        for row in range(self.thumbs.count()):
            item = self.thumbs.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == image_id:
                item.setIcon(QIcon(pixmap))

    def select(self, image_id: int) -> None:
        """Mark the image on screen (without telling anyone it was chosen)."""
        for row in range(self.thumbs.count()):
            if self.thumbs.item(row).data(Qt.ItemDataRole.UserRole) == image_id:
                self.thumbs.blockSignals(True)
                self.thumbs.setCurrentRow(row)
                self.thumbs.blockSignals(False)

    def _text(self, view: ImageView) -> str:
        state = {"acquired": self.tr("to review"), "accepted": self.tr("accepted"),
                 "rejected": self.tr("rejected")}
        text = self.tr("{series}.{instance} {protocol} {side}\n{state}").format(
            series=view.SeriesNumber, instance=view.InstanceNumber, protocol=view.protocol_id,
            side=view.laterality, state=state.get(view.state, view.state))
        return text + ("\n" + self.tr("PARTIAL EXPOSURE") if view.partial else "")

    def _chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.image_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
