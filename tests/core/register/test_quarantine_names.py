"""Quarantine copies are named from the input's own name, which anyone may have chosen: the
names hold on Windows whatever was imported (from Linux folders or zips)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.core.file_names import MAX_PATH_UNITS
from assessor.core.register.quarantine import REASON_SUFFIX, write_quarantine
from assessor.core.register.rows import Reason
from assessor.core.register.sources import Rejection

REFUSED = Rejection(Reason.missing, "测试用的隔离原因")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("U盘/CON", "CON_"),
        ("U盘/nul.json", "nul_.json"),
        ("批次.zip!子目录/com1.JSON", "com1_.JSON"),
        ("U盘/结尾有点和空格. . ", "结尾有点和空格"),
        ("U盘/问号?星号*冒号:.json", "问号_星号_冒号_.json"),
        ("C:\\评估\\LPT2.json", "LPT2_.json"),
    ],
)
def test_copies_of_hostile_names_are_windows_names(
    tmp_path: Path, source: str, expected: str
) -> None:
    stored = write_quarantine(tmp_path, 3, source, b"{}", REFUSED)
    assert stored is not None
    copy = tmp_path / stored
    assert re.fullmatch(r"[0-9a-f]{24}-" + re.escape(expected), copy.name)
    assert copy.read_bytes() == b"{}"
    reason = copy.with_name(copy.name + REASON_SUFFIX).read_text(encoding="utf-8")
    assert f"原始位置：{source}" in reason


def test_a_long_name_in_a_deep_register_fits_the_path_limit(tmp_path: Path) -> None:
    register = tmp_path.joinpath(*["登记册文件夹" * 5] * 3)
    stored = write_quarantine(register, 1, "U盘/" + "很长的文件名" * 40 + ".json", b"x", REFUSED)
    assert stored is not None
    reason = register / (stored + REASON_SUFFIX)
    assert reason.is_file() and len(str(reason)) <= MAX_PATH_UNITS
