"""VXacq: acquisition console for digital radiography."""

__version__ = "0.1.0"
