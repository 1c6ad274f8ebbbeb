from tests.ui.test_layout import window  # noqa
from PySide6.QtWidgets import QWidget, QLayout


def dump(w, depth=0, maxd=4):
    h = w.minimumSizeHint()
    print("  " * depth + f"{type(w).__name__} {w.objectName()} min={h.width()}x{h.height()} "
          f"minsize={w.minimumWidth()}x{w.minimumHeight()} {getattr(w,'text',lambda:'')() if hasattr(w,'text') and callable(getattr(w,'text')) else ''}"[:150])
    if depth < maxd:
        for c in w.children():
            if isinstance(c, QWidget) and not c.isWindow():
                dump(c, depth + 1, maxd)


def test_probe(window):
    for p in (window.worklist, window.exam, window.history, window.service):
        dump(p, 0, 3)
