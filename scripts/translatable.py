"""Texts of the window that bypass Qt's translation, found in the source; and the mechanical
wrapping of them in ``tr()`` (``--wrap``), for the final pass over screens written before the
console was translatable and for any later screen.

    python scripts/translatable.py [FILE...]          list the texts shown without tr()
    python scripts/translatable.py --wrap [FILE...]   wrap what can be wrapped mechanically

The scan reads the source (``ast``): a text passed to a Qt call that shows it (``setText``,
``QLabel(...)``, ``addTab``, a banner's ``show_message``...) must be a ``tr()``/``translate()``
call, or built only from values and punctuation. A text reaching the call through a local or
module-level name, or a ``for`` loop over a table of literals, is followed to where it was
written. A literal shown as it is on purpose (a DICOM defined term) carries the comment
``# untranslated: <why>`` on its line. tests/ui/test_translatable.py runs the scan on vxacq/ui.

``--wrap`` rewrites a literal inside a method as ``self.tr("...")``, an f-string as
``self.tr("... {name} ...").format(name=...)``, and one in a static method or a module function
as ``QCoreApplication.translate("<Class or module>", ...)``; what it cannot rewrite (tables at
module level, texts glued with ``+`` or ``%``) it lists, for a hand that knows the sentence.
Run ``make translations-update`` afterwards, then translate the new texts.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "vxacq" / "ui"

# Qt calls whose arguments are shown: name -> the positions of the shown arguments (None:
# every positional argument). Our own functions that pass an argument on to one of these
# (Banner.show_message, widgets.table...) are found by shown_parameters().
QT_TEXT_CALLS: dict[str, tuple[int, ...] | None] = {
    **dict.fromkeys((
        "setText", "setToolTip", "setStatusTip", "setWhatsThis", "setWindowTitle",
        "setPlaceholderText", "setTitle", "setTabText", "setTabToolTip", "setHeaderLabel",
        "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "setHeaderLabels",
        "setLabelText", "setInformativeText", "setDetailedText", "setSpecialValueText",
        "setWindowIconText", "setAccessibleName", "setAccessibleDescription", "addTab",
        "insertTab", "addRow", "insertRow", "addAction", "addMenu", "addToolBar",
        "showMessage", "setItemText", "addItems", "setHtml", "setPlainText",
        "QLabel", "QPushButton", "QToolButton", "QCheckBox", "QRadioButton", "QGroupBox",
        "QAction", "QMenu", "QToolBar", "QDockWidget", "QListWidgetItem", "QTableWidgetItem",
        "QTreeWidgetItem", "QMessageBox", "QCommandLinkButton", "QWizardPage", "TextItem",
    ), None),
    # the first argument is shown; the others are data (an item's key)
    "addItem": (0,), "insertItem": (1,),
}
# QMessageBox.warning(parent, title, text), QInputDialog.getText(...); not log.warning(...)
DIALOG_STATICS = {"QMessageBox": {"information", "warning", "critical", "question", "about"},
                  "QInputDialog": {"getText", "getItem", "getInt", "getDouble"}}
QT_TEXT_KEYWORDS = {"text", "toolTip", "statusTip", "whatsThis", "windowTitle",
                    "placeholderText", "title", "informativeText", "detailedText",
                    "specialValueText", "labelText"}


@dataclass(frozen=True)
class TextCall:
    """Which arguments of a call are shown: positions (None: all) and keyword names."""

    positions: frozenset[int] | None
    keywords: frozenset[str] = frozenset()


QT_CALLS = {name: TextCall(None if p is None else frozenset(p), frozenset(QT_TEXT_KEYWORDS))
            for name, p in QT_TEXT_CALLS.items()}
TRANSLATING = {"tr", "translate", "QT_TR_NOOP", "QT_TRANSLATE_NOOP", "QT_TRANSLATE_NOOP3"}
_TAG = re.compile(r"<[^>]*>")
# a literal that is shown as it is, on purpose (a DICOM term, a unit): the line says why
UNTRANSLATED = re.compile(r"#\s*untranslated:\s*\S")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str
    node: ast.AST | None = field(default=None, compare=False, hash=False, repr=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _has_words(text: str) -> bool:
    return any(ch.isalpha() for ch in _TAG.sub("", text))


class _Scanner:
    """The texts of one module that reach a shown argument without passing through tr()."""

    def __init__(self, path: Path, calls: dict[str, TextCall] | None = None) -> None:
        self.calls = QT_CALLS if calls is None else calls
        self.path = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        source = path.read_text(encoding="utf-8")
        self.lines = source.splitlines()
        self.tree = ast.parse(source, str(path))
        self.findings: list[Finding] = []
        self.module_names = self._assignments(self.tree.body)
        # super().__init__("X-ray room") in a QGroupBox subclass is QGroupBox("X-ray room")
        self.super_calls: dict[int, str] = {}
        for cls in ast.walk(self.tree):
            if isinstance(cls, ast.ClassDef):
                bases = [b.id for b in cls.bases if isinstance(b, ast.Name)]
                for node in ast.walk(cls):
                    if isinstance(node, ast.Call) and _callee(node) == "__init__" \
                            and isinstance(node.func, ast.Attribute) \
                            and isinstance(node.func.value, ast.Call) \
                            and _callee(node.func.value) == "super" and bases:
                        self.super_calls[id(node)] = bases[0]

    def scan(self) -> list[Finding]:
        self._scan_scope(self.tree, {})
        return sorted(set(self.findings), key=lambda f: (f.line, f.what))

    def _scan_scope(self, scope: ast.AST, outer: dict[str, list[ast.expr]]) -> None:
        """The calls of a module or function with the names it sees; then its inner functions."""
        body = getattr(scope, "body", [])
        local = outer if isinstance(scope, ast.Module) else {**outer, **self._assignments(body)}
        inner: list[ast.AST] = []
        for node in _walk(scope):
            if node is not scope and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner.append(node)
            elif isinstance(node, ast.Call):
                self._scan_call(node, local)
        for function in inner:
            self._scan_scope(function, local)

    def _assignments(self, body: list[ast.stmt]) -> dict[str, list[ast.expr]]:
        """name -> every expression assigned to it in ``body`` (not inside nested functions);
        a ``for`` target over a literal table gets that column of the table."""
        names: dict[str, list[ast.expr]] = {}
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in _walk(stmt):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            names.setdefault(target.id, []).append(node.value)
                elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None \
                        and isinstance(node.target, ast.Name):
                    names.setdefault(node.target.id, []).append(node.value)
                elif isinstance(node, (ast.For, ast.AsyncFor)):
                    for name, values in self._columns(node.target, node.iter).items():
                        names.setdefault(name, []).extend(values)
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr in ("append", "extend", "insert") \
                        and isinstance(node.func.value, ast.Name):
                    # parts.append("..."): the list holds what is appended
                    names.setdefault(node.func.value.id, []).extend(node.args[-1:])
        return names

    def _rows(self, table: ast.expr) -> list[ast.expr] | None:
        if isinstance(table, ast.Name) and len(self.module_names.get(table.id, [])) == 1:
            table = self.module_names[table.id][0]
        if isinstance(table, (ast.Tuple, ast.List)):
            return table.elts
        func = table.func if isinstance(table, ast.Call) else None
        if isinstance(func, ast.Attribute) and func.attr == "items" \
                and isinstance(func.value, ast.Dict):
            pairs = func.value
            return [ast.Tuple(elts=[k, v]) for k, v in zip(pairs.keys, pairs.values) if k]
        return None

    def _columns(self, target: ast.expr, table: ast.expr) -> dict[str, list[ast.expr]]:
        """For ``for a, b in ((x, y), ...)``: a -> [x, ...], b -> [y, ...]."""
        rows = self._rows(table)
        if rows is None:
            return {}
        if isinstance(target, ast.Name):
            return {target.id: list(rows)}
        columns: dict[str, list[ast.expr]] = {}
        if isinstance(target, ast.Tuple):
            for row in rows:
                if isinstance(row, (ast.Tuple, ast.List)) and len(row.elts) == len(target.elts):
                    for name, value in zip(target.elts, row.elts):
                        if isinstance(name, ast.Name):
                            columns.setdefault(name.id, []).append(value)
        return columns

    def _scan_call(self, node: ast.Call, local: dict[str, list[ast.expr]]) -> None:
        name = self.super_calls.get(id(node), _callee(node))
        if name in TRANSLATING:
            self._check_tr_call(node, name)
            return
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and name in DIALOG_STATICS.get(func.value.id, ()):
            for index, arg in enumerate(node.args):
                self._check(arg, local, f"{func.value.id}.{name}() argument {index + 1}", set())
        elif name in self.calls:
            positions = self.calls[name].positions
            for index, arg in enumerate(node.args):
                if positions is None or index in positions:
                    self._check(arg, local, f"{name}() argument {index + 1}", set())
        shown = QT_TEXT_KEYWORDS | (self.calls[name].keywords if name in self.calls else set())
        for keyword in node.keywords:
            if keyword.arg in shown:
                self._check(keyword.value, local, f"{name}({keyword.arg}=...)", set())

    def _check_tr_call(self, node: ast.Call, name: str) -> None:
        # lupdate reads the literal: an f-string or a sum is never found in the .ts
        with_context = name == "translate" or name.startswith("QT_TRANSLATE")
        if with_context:
            context = node.args[0] if node.args else None
            if not (isinstance(context, ast.Constant) and isinstance(context.value, str)):
                self._report(node, f"{name}() needs a literal context")
        index = 1 if with_context else 0
        if len(node.args) > index and isinstance(
                node.args[index], (ast.JoinedStr, ast.BinOp, ast.Call, ast.IfExp, ast.BoolOp)):
            self._report(node, f"{name}() of a built text: tr() a literal template, then "
                               ".format() it")

    def _check(self, expr: ast.expr, local: dict[str, list[ast.expr]], where: str,
               seen: set[str]) -> None:
        """Report each text in ``expr`` that reaches ``where`` untranslated."""
        def again(inner: ast.expr, names: dict[str, list[ast.expr]] = local) -> None:
            self._check(inner, names, where, seen)

        if isinstance(expr, ast.Constant):
            if isinstance(expr.value, str) and _has_words(expr.value):
                self._report(expr, f"{where}: {expr.value!r} is not translated")
        elif isinstance(expr, ast.JoinedStr):
            template = "".join(v.value if isinstance(v, ast.Constant) else "{}"
                               for v in expr.values)
            if _has_words(template):
                self._report(expr, f"{where}: f-string {template!r} is not translated")
            for value in expr.values:
                if isinstance(value, ast.FormattedValue):
                    again(value.value)
        elif isinstance(expr, ast.Call):
            name = _callee(expr)
            if name in TRANSLATING:
                return
            if isinstance(expr.func, ast.Attribute) and name in RECEIVER_TEXT:
                # "...".format(), "x".join(...), table.get(key): the receiver is the text
                again(expr.func.value)
                for arg in [*expr.args, *(k.value for k in expr.keywords)]:
                    again(arg)
            elif name in ("str", "list", "tuple", "sorted"):
                for arg in expr.args:
                    again(arg)
        elif isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod, ast.BitOr)):
            # text + text, "..." % values, {...} | {...}; not Path / "name"
            again(expr.left)
            again(expr.right)
        elif isinstance(expr, ast.IfExp):
            again(expr.body)
            again(expr.orelse)
        elif isinstance(expr, ast.BoolOp):
            for value in expr.values:
                again(value)
        elif isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            for element in expr.elts:
                again(element)
        elif isinstance(expr, ast.Dict):
            for value in expr.values:
                again(value)
        elif isinstance(expr, ast.Subscript):
            again(expr.value)
        elif isinstance(expr, (ast.ListComp, ast.GeneratorExp)):
            columns: dict[str, list[ast.expr]] = {}
            for generator in expr.generators:
                columns.update(self._columns(generator.target, generator.iter))
            again(expr.elt, {**local, **columns})
        elif isinstance(expr, ast.Starred):
            again(expr.value)
        elif isinstance(expr, ast.Name) and expr.id not in seen:
            for value in local.get(expr.id, self.module_names.get(expr.id, [])):
                self._check(value, local, where, seen | {expr.id})

    def _report(self, node: ast.AST, what: str) -> None:
        line = getattr(node, "lineno", 0)
        if UNTRANSLATED.search(self.lines[line - 1] if line else ""):
            return
        self.findings.append(Finding(self.path, line, what, node))


RECEIVER_TEXT = {"format", "join", "upper", "lower", "strip", "title", "capitalize", "get",
                 "replace"}


def _walk(root: ast.AST):
    """ast.walk that yields a nested function but does not enter it (it is its own scope)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node is root or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(ast.iter_child_nodes(node))


def shown_parameters(paths: list[Path]) -> dict[str, TextCall]:
    """The Qt text calls and every function of ``paths`` that shows one of its parameters
    (passes it on to a text call, directly or through another such function)."""
    functions: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[str]]] = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                params = [a.arg for a in node.args.posonlyargs + node.args.args]
                if params[:1] in (["self"], ["cls"]):
                    params = params[1:]
                functions.append((node, params))
    calls = dict(QT_CALLS)
    changed = True
    while changed:  # until no function is found to show more of its parameters
        changed = False
        for function, params in functions:
            shown = {p for p in params + [a.arg for a in function.args.kwonlyargs]
                     if _reaches_text_call(function, p, calls)}
            if not shown:
                continue
            entry = TextCall(frozenset(i for i, p in enumerate(params) if p in shown),
                             frozenset(shown))
            old = calls.get(function.name)
            if old is None or (old.positions is not None and not entry.positions <= old.positions) \
                    or not entry.keywords <= old.keywords:
                merged_positions = None if old is not None and old.positions is None else \
                    entry.positions | (old.positions if old else frozenset())
                calls[function.name] = TextCall(
                    merged_positions, entry.keywords | (old.keywords if old else frozenset()))
                changed = True
    return calls


def _reaches_text_call(function: ast.AST, param: str, calls: dict[str, TextCall]) -> bool:
    for node in _walk(function):
        if not isinstance(node, ast.Call) or _callee(node) in TRANSLATING:
            continue
        call = calls.get(_callee(node))
        shown = [a for i, a in enumerate(node.args)
                 if call is not None and (call.positions is None or i in call.positions)]
        keywords = QT_TEXT_KEYWORDS | (call.keywords if call else set())
        shown += [k.value for k in node.keywords if k.arg in keywords]
        if any(name == param for expr in shown for name in _text_names(expr)):
            return True
    return False


def _text_names(expr: ast.AST):
    """Names whose value is (part of) the text itself, not a value formatted into it:
    ``text``, ``prefix + text``, ``a if c else text``, ``[text, ...]``, ``list(headers)``."""
    if isinstance(expr, ast.Name):
        yield expr.id
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        yield from _text_names(expr.left)
        yield from _text_names(expr.right)
    elif isinstance(expr, ast.IfExp):
        yield from _text_names(expr.body)
        yield from _text_names(expr.orelse)
    elif isinstance(expr, ast.BoolOp):
        for value in expr.values:
            yield from _text_names(value)
    elif isinstance(expr, (ast.List, ast.Tuple)):
        for element in expr.elts:
            yield from _text_names(element)
    elif isinstance(expr, ast.Starred):
        yield from _text_names(expr.value)
    elif isinstance(expr, ast.Call) and _callee(expr) in ("list", "tuple", "sorted"):
        for arg in expr.args:
            yield from _text_names(arg)


def ui_modules() -> list[Path]:
    return sorted(UI.glob("*.py"))


def scan(path: Path, calls: dict[str, TextCall] | None = None) -> list[Finding]:
    """The texts of ``path`` shown without tr(); ``calls`` by default from vxacq/ui and it."""
    if calls is None:
        calls = shown_parameters(sorted({*ui_modules(), path}))
    return _Scanner(path, calls).scan()


# --- wrapping -------------------------------------------------------------------------------


@dataclass
class _Edit:
    start: int  # character offsets in the file
    end: int
    text: str


class _Wrapper:
    """Rewrites one module's untranslated texts as tr() calls, where that is mechanical."""

    def __init__(self, path: Path, calls: dict[str, TextCall]) -> None:
        self.path = path
        self.scanner = _Scanner(path, calls)
        self.source = path.read_text(encoding="utf-8")
        self.offsets = [0]
        for line in self.source.splitlines(keepends=True):
            self.offsets.append(self.offsets[-1] + len(line))
        self.parents: dict[int, ast.AST] = {}
        self.owners: dict[int, tuple[ast.ClassDef | None, list[ast.AST]]] = {}
        self._index(self.scanner.tree, None, [])
        self.manual: list[Finding] = []
        self.needs_translate = False

    def _index(self, node: ast.AST, cls: ast.ClassDef | None, functions: list[ast.AST]) -> None:
        for child in ast.iter_child_nodes(node):
            self.parents[id(child)] = node
            self.owners[id(child)] = (cls, functions)
            if isinstance(child, ast.ClassDef):
                self._index(child, child, [])
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._index(child, cls, [*functions, child])
            else:
                self._index(child, cls, functions)

    def _offset(self, line: int, col: int) -> int:
        """ast's (line, UTF-8 byte column) as a character offset."""
        text = self.source[self.offsets[line - 1]:self.offsets[line]]
        return self.offsets[line - 1] + len(text.encode("utf-8")[:col].decode("utf-8"))

    def wrap(self) -> tuple[str, list[Finding]]:
        edits: dict[tuple[int, int], _Edit] = {}
        for finding in self.scanner.scan():
            node = finding.node
            if not isinstance(node, (ast.Constant, ast.JoinedStr)):
                self.manual.append(finding)
                continue
            key = (node.lineno, node.col_offset)
            if key in edits:
                continue
            edit = self._edit(node)
            if edit is None:
                self.manual.append(finding)
            else:
                edits[key] = edit
        # a text inside an f-string being wrapped waits for the next pass
        outermost = [e for e in edits.values()
                     if not any(o is not e and o.start <= e.start and e.end <= o.end
                                for o in edits.values())]
        text = self.source
        for edit in sorted(outermost, key=lambda e: e.start, reverse=True):
            text = text[:edit.start] + edit.text + text[edit.end:]
        if self.needs_translate and "QCoreApplication" not in self.source:
            text = _import_translate(text)
        return text, self.manual

    def _translator(self, node: ast.AST) -> str | None:
        """self.tr in a method (and the functions and lambdas inside it), else translate()."""
        cls, functions = self.owners[id(node)]
        if functions:
            method = functions[0]
            decorators = {getattr(d, "id", "") for d in method.decorator_list}
            args = method.args.posonlyargs + method.args.args
            if cls is not None and args and args[0].arg == "self" \
                    and not decorators & {"staticmethod", "classmethod"}:
                return "self.tr("
            context = cls.name if cls is not None else self.path.stem
            self.needs_translate = True
            return f'QCoreApplication.translate("{context}", '
        return None  # a module-level table: it needs QT_TRANSLATE_NOOP and a tr() where shown

    def _edit(self, node: ast.Constant | ast.JoinedStr) -> _Edit | None:
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Add, ast.Mod)):
            return None  # a sentence glued from pieces: rewrite it as one template by hand
        if isinstance(node, ast.Constant):
            template, arguments = node.value, ""
        else:
            built = _template(node, self.source)
            if built is None:
                return None
            template, arguments = built
        opener = self._translator(node)
        if opener is None:
            return None
        start = self._offset(node.lineno, node.col_offset)
        end = self._offset(node.end_lineno, node.end_col_offset)
        column = start - self.offsets[node.lineno - 1]
        text = opener + _literal(template, column + len(opener)) + ")"
        if arguments:
            last = column + len(text.rsplit("\n", 1)[-1]) if "\n" in text else column + len(text)
            if last + len(arguments) + 12 > 99 and isinstance(parent, (ast.Call, ast.keyword)):
                text += "\n" + " " * column  # inside the call's parentheses: a new line is free
            text += f".format({arguments})"
        return _Edit(start, end, text)


def _placeholder_name(expr: ast.expr) -> str:
    """A name for the value a translator can read: status.describe() -> status, len(x) -> count."""
    if isinstance(expr, ast.Name):
        return expr.id.strip("_") or "value"
    if isinstance(expr, ast.Attribute):
        return expr.attr.strip("_") or "value"
    if isinstance(expr, ast.Call):
        if isinstance(expr.func, ast.Name) and expr.func.id == "len":
            return "count"
        if isinstance(expr.func, ast.Attribute):  # a method: named for its object
            return _placeholder_name(expr.func.value)
        if isinstance(expr.func, ast.Name) and expr.args:  # a function: named for its argument
            return _placeholder_name(expr.args[0])
    if isinstance(expr, ast.Subscript):
        return _placeholder_name(expr.value)
    if isinstance(expr, ast.BoolOp):
        return _placeholder_name(expr.values[0])
    return "value"


def _template(node: ast.JoinedStr, source: str) -> tuple[str, str] | None:
    """f"Room: {status.problem}" -> ("Room: {problem}", "problem=status.problem")."""
    parts: list[str] = []
    names: dict[str, str] = {}  # placeholder -> expression
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(value.value.replace("{", "{{").replace("}", "}}"))
            continue
        assert isinstance(value, ast.FormattedValue)
        expression = ast.get_source_segment(source, value.value)
        if expression is None:
            return None
        spec = ""
        if value.format_spec is not None:
            if not all(isinstance(v, ast.Constant) for v in value.format_spec.values):
                return None
            spec = ":" + "".join(v.value for v in value.format_spec.values)
        conversion = "" if value.conversion == -1 else "!" + chr(value.conversion)
        base = _placeholder_name(value.value)
        name, n = base, 1
        while name in names and names[name] != expression:
            n += 1
            name = f"{base}{n}"
        names[name] = expression
        parts.append("{" + name + conversion + spec + "}")
    expression_lines = [f"{k}={v}" if k != v else f"{k}={k}" for k, v in names.items()]
    return "".join(parts), ", ".join(expression_lines)


def _literal(text: str, column: int, width: int = 99) -> str:
    """A double-quoted literal, split into adjacent literals that keep lines within width."""
    def quote(chunk: str) -> str:
        escaped = (chunk.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                   .replace("\t", "\\t"))
        return f'"{escaped}"'

    room = max(30, width - column - 3)
    chunks: list[str] = []
    rest = text
    while len(quote(rest)) > room:
        cut = rest.rfind(" ", 0, room - 2)
        if cut <= 0:
            break
        chunks.append(rest[:cut + 1])
        rest = rest[cut + 1:]
    chunks.append(rest)
    return ("\n" + " " * column).join(quote(c) for c in chunks)


def _import_translate(text: str) -> str:
    """Add QCoreApplication to the module's ``from PySide6.QtCore import`` line."""
    match = re.search(r"^from PySide6\.QtCore import ([^\n(]+)$", text, re.MULTILINE)
    if match:
        names = sorted({*map(str.strip, match[1].split(",")), "QCoreApplication"},
                       key=lambda n: (not n[:1].isupper(), n))
        line = "from PySide6.QtCore import " + ", ".join(names)
        if len(line) <= 100:
            return text[:match.start()] + line + text[match.end():]
    first = re.search(r"^from PySide6", text, re.MULTILINE)
    at = first.start() if first else 0
    return text[:at] + "from PySide6.QtCore import QCoreApplication\n" + text[at:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wrap", action="store_true",
                        help="rewrite the texts as tr() calls where that is mechanical")
    parser.add_argument("files", nargs="*", type=Path, help="default: vxacq/ui/*.py")
    args = parser.parse_args(argv)
    left: list[Finding] = []
    paths = args.files or ui_modules()
    for path in paths:
        if args.wrap:
            while True:  # again after a pass that changed something: texts inside f-strings
                before = path.read_text(encoding="utf-8")
                calls = shown_parameters(sorted({*ui_modules(), *paths}))
                text, manual = _Wrapper(path, calls).wrap()
                path.write_text(text, encoding="utf-8")
                if text == before:
                    break
            left += manual
        else:
            left += scan(path, shown_parameters(sorted({*ui_modules(), *paths})))
    for finding in left:
        print(finding)
    if args.wrap and left:
        print(f"{len(left)} text(s) to wrap by hand (see above)", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
