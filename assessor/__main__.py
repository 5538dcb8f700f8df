"""`assessor` with no arguments opens the desktop app (`--smoke-test` opens and closes it);
with arguments it is the CLI."""

from __future__ import annotations

import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    # In the frozen app, a worker process of the register import starts as this executable;
    # freeze_support runs the worker and exits instead of opening the app again.
    multiprocessing.freeze_support()
    args = sys.argv[1:] if argv is None else argv
    if not args or args == ["--smoke-test"]:
        # Imported lazily so the CLI never pays for Qt start-up.
        from assessor.gui.app import run_app

        return run_app(["assessor", *args])
    from assessor.cli.main import run_cli

    return run_cli(args)


if __name__ == "__main__":
    sys.exit(main())
