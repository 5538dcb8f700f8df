"""`assessor` with no arguments opens the desktop app (`--smoke-test` opens and closes it);
with arguments it is the CLI."""

from __future__ import annotations

import os
import sys

# The app uses no pydantic plugins; looking for them scans every installed package's metadata
# when the first model is built, on the start-up path.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _tolerant_console() -> None:
    """Write what the console's encoding cannot hold as a replacement instead of crashing.

    A Chinese Windows console or pipe is GBK, which has no code for characters such as
    U+FFFD or ✓; Python's default there is to raise. A windowed frozen app has no streams.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    # In the frozen app, a worker process of the register import starts as this executable;
    # freeze_support runs the worker and exits instead of opening the app again. It does
    # nothing outside a frozen app, and importing multiprocessing costs ~30 ms of every start.
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    _tolerant_console()
    args = sys.argv[1:] if argv is None else argv
    if not args or args == ["--smoke-test"]:
        # Imported lazily so the CLI never pays for Qt start-up.
        from assessor.gui.app import run_app

        return run_app(["assessor", *args])
    from assessor.cli.main import run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
