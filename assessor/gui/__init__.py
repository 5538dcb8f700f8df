"""The PySide6 desktop app: a thin layer of widgets over `assessor.core`."""
