"""The log file for field diagnostics: one rotating file per user, written by GUI and CLI.

An assessor who hits a problem on a visit can send this file; it names what failed and where,
with tracebacks of our own bugs, and never holds passphrases or scores.
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

LOG_DIR_ENV = "ASSESSOR_LOG_DIR"
LOG_FILE = "assessor.log"
MAX_LOG_BYTES = 1024 * 1024
LOG_BACKUPS = 4
_FORMAT = "%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"

# Python's warnings (pyHanko's English CryptographyDeprecationWarning about DSA, for one) are
# for developers: they go to the log, never to the person's console.
_WARNINGS_LOGGER = "py.warnings"

_handler: RotatingFileHandler | None = None


def log_dir() -> Path:
    """`$ASSESSOR_LOG_DIR` when set, else the platform's per-user log folder."""
    override = os.environ.get(LOG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_log_dir("assessor", False))


def log_path() -> Path:
    return log_dir() / LOG_FILE


def start_logging(program: str) -> Path | None:
    """Send this process's log records to the rotating file; its path, or None if the folder
    cannot be written (the program then runs without a log rather than not at all)."""
    global _handler
    path = log_path()
    if _handler is not None and _handler.baseFilename == os.path.abspath(path):
        return path
    stop_logging()
    _capture_warnings()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            path, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(logging.INFO)
    root = logging.getLogger("assessor")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger(_WARNINGS_LOGGER).addHandler(handler)
    _handler = handler
    root.info("%s 启动：%s（Python %s）", program, " ".join(sys.argv), sys.version.split()[0])
    return path


def stop_logging() -> None:
    global _handler
    logging.captureWarnings(False)
    if _handler is not None:
        logging.getLogger("assessor").removeHandler(_handler)
        logging.getLogger(_WARNINGS_LOGGER).removeHandler(_handler)
        _handler.close()
        _handler = None


def _capture_warnings() -> None:
    """Route warnings to the log only: without a handler of its own the warnings logger would
    fall back to printing on stderr (logging's last resort), so it always has one."""
    logging.captureWarnings(True)
    warnings_log = logging.getLogger(_WARNINGS_LOGGER)
    warnings_log.propagate = False
    if not any(isinstance(h, logging.NullHandler) for h in warnings_log.handlers):
        warnings_log.addHandler(logging.NullHandler())
