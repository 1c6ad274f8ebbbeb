"""Service → Nodes: the remote DICOM nodes, each with its C-ECHO result on its row.

A node added, changed or removed is saved and in effect at once (the outbox starts sending
to a new node, the listener accepts its AE title, the worklist asks it), written on a
worker. The node dialog keeps what was typed when something is wrong and lists every
problem at once; it stays open until the node is saved.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QVBoxLayout, QWidget,
)

from vxacq.config import (
    CHARACTER_SETS, SERVICES, TRANSFER_SYNTAXES, WEB_AUTH, Config, ConfigError, NodeConfig,
    node_problems, web_address,
)
from vxacq.ui.context import Console
from vxacq.ui.service_station import not_saved, save_config
from vxacq.ui.widgets import Banner, SavingDialog, fill, ok_cancel, table
from vxacq.workflow.station import echo_node


class NodeDialog(SavingDialog):
    """Add or edit one remote node; OK only closes it when the node can be saved."""

    def __init__(self, node: NodeConfig | None, others: list[NodeConfig],
                 parent: QWidget | None = None,
                 save: Callable[[NodeConfig, Callable[[Exception | None], None]], None]
                 | None = None) -> None:
        """``save(node, finished)`` saves a node that can be saved (on a worker) and calls
        ``finished(None)``, or ``finished(exc)`` when it was not saved; without it OK only
        closes the dialog."""
        super().__init__(parent)
        self.save = save
        self.setWindowTitle(self.tr("Edit node") if node else self.tr("Add node"))
        node = node or NodeConfig(name="", ae_title="", host="", port=104)
        self.node, self.others = node, others
        self.name = QLineEdit(node.name)
        self.ae_title = QLineEdit(node.ae_title)
        self.host = QLineEdit(node.host)
        # a text field, not a spin box: a port out of range is refused, never clamped
        self.port = QLineEdit(str(node.port))
        self.services = {s: QCheckBox(s) for s in SERVICES}
        for name, box in self.services.items():
            box.setChecked(name in node.services)
        self.syntax = QComboBox()
        self.syntax.addItems(TRANSFER_SYNTAXES)
        self.syntax.setCurrentText(node.transfer_syntax)
        self.fallback = QComboBox()
        self.fallback.addItems(CHARACTER_SETS)
        self.fallback.setCurrentText(node.fallback_character_set)
        # A DICOMweb node: its url replaces AE title, host and port.
        self.url = QLineEdit(node.url)
        self.url.setPlaceholderText(self.tr("empty for a DICOM node; https://host/dicom-web "
                                            "for a DICOMweb node"))
        self.auth = QComboBox()
        self.auth.addItems(WEB_AUTH)
        self.auth.setCurrentText(node.auth)
        self.username = QLineEdit(node.username)
        self.secret_file = QLineEdit(node.secret_file)
        self.secret_file.setPlaceholderText(self.tr("a file holding the password or token "
                                                    "(chmod 600)"))
        self.url.textChanged.connect(self._kind_changed)
        self.auth.currentTextChanged.connect(self._kind_changed)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #c62828;")
        self.problems.hide()
        services = QHBoxLayout()
        for box in self.services.values():
            services.addWidget(box)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("AE title"), self.ae_title)
        form.addRow(self.tr("Host"), self.host)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("Services"), services)
        form.addRow(self.tr("Transfer syntax"), self.syntax)
        form.addRow(self.tr("Character set when it declares none"), self.fallback)
        form.addRow(self.tr("DICOMweb URL"), self.url)
        form.addRow(self.tr("Authentication"), self.auth)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Secret file"), self.secret_file)
        self._kind_changed()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        buttons = ok_cancel(self, on_ok=self.submit)
        # while the node is saved: a node saved after a cancel, or a failure shown in a
        # closed dialog, is not what the engineer was told
        self.hold(buttons.button(QDialogButtonBox.StandardButton.Ok),
                  buttons.button(QDialogButtonBox.StandardButton.Cancel))
        layout.addWidget(buttons)

    def _kind_changed(self) -> None:
        """A DICOMweb node's fields are live only with a url, its user name only with basic."""
        web = bool(self.url.text().strip())
        for field in (self.ae_title, self.host, self.port, self.syntax):
            field.setEnabled(not web)
        self.auth.setEnabled(web)
        self.username.setEnabled(web and self.auth.currentText() == "basic")
        self.secret_file.setEnabled(web and self.auth.currentText() != "none")

    def result_node(self) -> tuple[NodeConfig, list[str]]:
        """The node as typed, and every problem with it (empty when it can be saved)."""
        node = copy.deepcopy(self.node)
        node.url = self.url.text().strip()
        if node.url:
            node.auth = self.auth.currentText()
            node.username = self.username.text().strip() if node.auth == "basic" else ""
            node.secret_file = self.secret_file.text().strip() if node.auth != "none" else ""
            for key, value in web_address(node.url).items():
                setattr(node, key, value)
            node.name = self.name.text().strip()
            node.services = [s for s, box in self.services.items() if box.isChecked()]
            node.fallback_character_set = self.fallback.currentText()
            return node, node_problems(node, self.others)
        node.auth, node.username, node.secret_file = "none", "", ""
        problems = []
        node.name = self.name.text().strip()
        node.ae_title = self.ae_title.text().strip()
        node.host = self.host.text().strip()
        port = self.port.text().strip()
        if port.isdigit():
            node.port = int(port)
        else:
            problems.append(self.tr("port '{text}' is not a whole number").format(text=port))
            node.port = 1  # checked above; keeps the other checks from repeating it
        node.services = [s for s, box in self.services.items() if box.isChecked()]
        node.transfer_syntax = self.syntax.currentText()
        node.fallback_character_set = self.fallback.currentText()
        return node, problems + node_problems(node, self.others)

    def submit(self) -> None:
        if self.saving:  # OK pressed again while the node is saved: it is saved once
            return
        node, problems = self.result_node()
        if problems:
            self.show_problems(problems)
            return
        if self.save is None:
            self.accept()
            return
        self.set_saving(True)
        self.problems.hide()
        self.save(node, self._saved)

    def _saved(self, error: Exception | None) -> None:
        """Closed once saved; otherwise open with what was typed, to correct or try again."""
        self.set_saving(False)
        if error is None:
            self.accept()
        else:
            self.show_problems([str(error)])

    def show_problems(self, problems: list[str]) -> None:
        self.problems.setText(self.tr("Not saved:") + "\n" +
                              "\n".join(f"• {p}" for p in problems))
        self.problems.show()


class NodesTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.banner = Banner()
        self.dialog: NodeDialog | None = None
        self.removing = False  # a removal is being saved
        self.shown: list[NodeConfig] = []  # the nodes the table's rows show
        self.echo_results: dict[str, str] = {}  # node → what its C-ECHO said
        self.echo_levels: dict[str, str] = {}  # node → "ok", "alarm" or "info" (asking)
        self.table = table([self.tr("Name"), self.tr("AE title"), self.tr("Host"),
                            self.tr("Port"), self.tr("Services"), self.tr("C-ECHO")])
        self.table.itemSelectionChanged.connect(self._selection)
        self.echo_button = QPushButton(self.tr("C-ECHO"))
        self.echo_button.clicked.connect(lambda: self.echo(self.selected()))
        echo_all = QPushButton(self.tr("C-ECHO all"))
        echo_all.clicked.connect(self.echo_all)
        add = QPushButton(self.tr("Add…"))
        add.clicked.connect(lambda: self.edit(None))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(lambda: self.edit(self.selected()))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        for button in (self.echo_button, echo_all, add, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        # the rows are these nodes until the next reload: a save on a worker replaces the
        # running list before the table is redrawn, and a row must not mean another node
        self.shown = nodes = list(self.console.config.nodes)
        fill(self.table, [(n.name, n.ae_title, n.host, n.port, ", ".join(n.services),
                           self.echo_results.get(n.name, "")) for n in nodes],
             [self.echo_levels.get(n.name) for n in nodes])
        self._selection()

    def selected(self) -> NodeConfig | None:
        rows = self.table.selectionModel().selectedRows()
        nodes = self.shown
        return nodes[rows[0].row()] if rows and rows[0].row() < len(nodes) else None

    def _selection(self) -> None:
        chosen = self.selected() is not None
        for button in (self.echo_button, self.edit_button):
            button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and not self.removing)

    def echo(self, node: NodeConfig | None) -> None:
        if node is None:
            return
        config = self.console.config
        self._result(node.name, self.tr("asking…"), "info")
        started = time.monotonic()

        def done(result) -> None:
            if result.ok:
                self._result(node.name, self.tr("OK in {ms} ms").format(
                    ms=f"{result.round_trip_ms:.0f}"), "ok")
            else:
                self._result(node.name, self.tr("failed after {s} s: {why}").format(
                    s=f"{time.monotonic() - started:.1f}", why=result.message), "alarm")

        def failed(exc: Exception) -> None:
            self._result(node.name, self.tr("failed: {why}").format(why=exc), "alarm")

        self.console.tasks.run(lambda: echo_node(config, node), done, failed)

    def _result(self, name: str, text: str, level: str) -> None:
        self.echo_results[name], self.echo_levels[name] = text, level
        self.reload()

    def echo_all(self) -> None:
        for node in self.console.config.nodes:
            self.echo(node)

    def edit(self, node: NodeConfig | None) -> None:
        """Open the node dialog (not blocking); OK saves the node while it stays open."""
        others = [n for n in self.console.config.nodes if node is None or n.name != node.name]
        self.dialog = NodeDialog(node, others, self,
                                 save=lambda new, finished: self._save_node(node, new, finished))
        self.dialog.open()

    def _save_node(self, node: NodeConfig | None, new: NodeConfig,
                   finished: Callable[[Exception | None], None]) -> None:
        def edit(changed: Config) -> None:
            names = [n.name for n in changed.nodes]
            if node is None:
                changed.nodes.append(new)
            elif node.name in names:
                changed.nodes[names.index(node.name)] = new
            else:
                raise ConfigError(f"node '{node.name}' is no longer in the configuration")

        def saved(done: str) -> None:
            for name in {new.name, node.name if node else new.name}:
                self.echo_results.pop(name, None)
                self.echo_levels.pop(name, None)
            self.banner.show_message(self.tr("Node {name} saved and in effect.").format(
                name=new.name) + (f" {done}." if done else ""), "ok")
            self.reload()
            finished(None)

        save_config(self, self.console, edit, saved, finished)

    def remove(self) -> None:
        node = self.selected()
        if node is None or self.removing:
            return
        self.removing = True
        self.remove_button.setEnabled(False)

        def edit(changed: Config) -> None:
            changed.nodes = [n for n in changed.nodes if n.name != node.name]

        def saved(_: str) -> None:
            self.removing = False
            self.echo_results.pop(node.name, None)
            self.echo_levels.pop(node.name, None)
            self.banner.show_message(self.tr("Node {name} removed. Its unsent jobs failed with "
                                             "that reason (Queue); add the node back and retry "
                                             "them, or cancel them.").format(name=node.name),
                                     "ok")
            self.reload()

        def failed(exc: Exception) -> None:
            self.removing = False
            self._selection()
            not_saved(self, self.banner, exc)

        save_config(self, self.console, edit, saved, failed)
