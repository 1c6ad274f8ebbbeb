"""The PySide6 + pyqtgraph front end. It observes the core and never does I/O on the GUI thread."""
