"""One writing process per data folder.

Two writers on one folder lose acknowledged saves (each checks the file, then replaces it) and
delete each other's in-flight temporary files. The writer holds an exclusive OS lock
(`flock`/`LockFileEx` through filelock) on `<root>/.assessor.lock` for as long as any writing
`Store` on that folder lives in the process, in practice the process's life; the OS drops it
when the process dies, so a crash never leaves the folder locked. Readers take no lock.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

from filelock import FileLock, Timeout

from assessor.core.problems import os_error_text
from assessor.core.storage.atomic import StorageError

LOCK_FILE = ".assessor.lock"


class FolderInUse(StorageError):
    """Another process (the desktop app or a command) is writing to this data folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        super().__init__(
            f"数据文件夹 {root} 正在被另一个评估程序使用（已打开的桌面程序或正在运行的命令）。"
            "同一数据文件夹同时只能由一个程序修改；请先关闭另一个程序，再重试。"
        )


class FolderLock:
    """A held writer lock; released when the last holder in this process lets go of it."""

    def __init__(self, root: Path) -> None:
        # thread_local=False: the GUI opens the store on one thread and saves from others.
        lock = FileLock(root / LOCK_FILE, timeout=0, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            raise FolderInUse(root) from None
        except OSError as exc:
            raise StorageError(f"无法锁定数据文件夹 {root}：{os_error_text(exc)}") from exc
        self.root = root
        weakref.finalize(self, lock.release, force=True)


_held: weakref.WeakValueDictionary[Path, FolderLock] = weakref.WeakValueDictionary()
_guard = threading.Lock()


def hold_folder(root: Path) -> FolderLock:
    """The writer lock on `root` (an existing folder), shared by every holder in this process.

    Raises FolderInUse when another process holds it.
    """
    key = root.resolve()
    with _guard:
        held = _held.get(key)
        if held is None:
            held = _held[key] = FolderLock(key)
        return held
