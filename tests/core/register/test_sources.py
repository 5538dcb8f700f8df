"""Walking the inputs: fixed order, other files skipped, symlinked folders inside not followed."""

from __future__ import annotations

import os
from pathlib import Path

from assessor.core.register.sources import Limits, Rejection, walk


def test_folders_are_walked_in_name_order_and_other_files_skipped(tmp_path: Path) -> None:
    for name in ("b/2.json", "b/1.JSON", "a.json", "c/report.pdf", "c/d/3.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(name.encode())
    walked = walk([tmp_path], Limits())
    names = [Path(s.name).relative_to(tmp_path).as_posix() for s in walked.sources]
    assert names == ["a.json", "b/1.JSON", "b/2.json", "c/d/3.json"]
    assert walked.skipped == [(str(tmp_path / "c" / "report.pdf"), "not_input")]


def test_symlinked_folders_inside_are_not_followed_but_a_named_one_is(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_bytes(b"{}")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "loop").symlink_to(inbox)
    (inbox / "escape").symlink_to(outside)
    (inbox / "x.json").write_bytes(b"{}")
    (inbox / "y.json").symlink_to(outside / "secret.json")
    walked = walk([inbox], Limits())
    assert [s.name for s in walked.sources] == [str(inbox / "x.json")]
    # Passed over, but counted with why: nothing vanishes silently.
    assert sorted(walked.skipped) == [
        (str(inbox / "escape"), "symlink"),
        (str(inbox / "loop"), "symlink"),
        (str(inbox / "y.json"), "symlink"),
    ]
    assert walked.skipped_counts() == {"symlink": 3}
    link = tmp_path / "named"
    link.symlink_to(outside)
    assert [s.name for s in walk([link], Limits()).sources] == [str(link / "secret.json")]


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(10 * 1024 * 1024)  # sparse: nothing to read if nobody reads it
    (source,) = walk([big], Limits(max_file_bytes=1024)).sources
    assert isinstance(source.data, Rejection) and source.data.code == "too_large"


def test_a_fifo_named_directly_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    (source,) = walk([fifo], Limits()).sources
    assert isinstance(source.data, Rejection) and source.data.code == "not_regular"
