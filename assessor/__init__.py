"""托育机构质量评估 (assessor): offline scoring against WS/T 821—2023."""

__version__ = "0.1.0"
