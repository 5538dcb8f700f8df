"""What reading one member of an untrusted zip can raise, for every reader of such zips
(register imports, backups, evidence packages): one list, so none of them meets a member that
turns into a traceback."""

from __future__ import annotations

import zipfile
import zlib

ZIP_MEMBER_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,  # a bad header or CRC
    zipfile.LargeZipFile,  # zip64 sizes where none are allowed
    zlib.error,  # damaged deflate data
    EOFError,  # a stream cut short
    NotImplementedError,  # a compression method Python has no decoder for
    RuntimeError,  # an encrypted member, opened without a password
    ValueError,  # a member name or header field that does not parse
    OSError,
)
