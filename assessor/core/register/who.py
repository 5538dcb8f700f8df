"""Who is doing something to the register, for its logs."""

from __future__ import annotations

import getpass


def os_user() -> str:
    """The operating-system account name; `unknown` where the system cannot say."""
    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError, ImportError):  # no passwd entry, no login name, no pwd module
        return "unknown"
