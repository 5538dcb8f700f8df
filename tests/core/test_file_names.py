"""File names made from typed text hold on every file system the app meets, Windows' included.

The expectations are the rules as Windows documents them ("Naming Files, Paths, and
Namespaces"), written out here by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor.core.file_names import (
    MAX_NAME_BYTES,
    MAX_PATH_UNITS,
    TEMP_NAME_EXTRA,
    safe_file_name,
)
from assessor.core.problems import UserError

WINDOWS_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
DEVICES = ["CON", "PRN", "AUX", "NUL", "COM1", "COM9", "LPT1", "LPT3", "COM0", "COM¹"]


def _windows_accepts(name: str) -> bool:
    return (
        bool(name)
        and not WINDOWS_FORBIDDEN.search(name)
        and not name.endswith((".", " "))
        and name.split(".", 1)[0].upper().rstrip(" ") not in DEVICES
        and len(name.encode("utf-8")) <= 255
    )


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("spelling", [str.upper, str.lower, str.title])
def test_device_names_are_changed_with_or_without_an_extension(device: str, spelling) -> None:
    typed = spelling(device)
    assert safe_file_name(typed) == f"{typed}_"
    assert safe_file_name(typed, ".pdf") == f"{typed}_.pdf"
    assert safe_file_name(f"{typed}.txt") == f"{typed}_.txt"
    assert safe_file_name(f"{typed}.tar.gz", ".zip") == f"{typed}_.tar.gz.zip"


@pytest.mark.parametrize("ordinary", ["CONSOLE", "COM10", "NULL", "AUXILIARY", "阳光CON", "CON-1"])
def test_names_that_only_begin_like_a_device_are_kept(ordinary: str) -> None:
    assert safe_file_name(ordinary, ".json") == f"{ordinary}.json"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("阳光宝贝托育中心", "阳光宝贝托育中心"),
        ('a\\b/c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("tab\there\nnewline", "tab_here_newline"),
        ("阳光  宝贝", "阳光_宝贝"),
        ("结尾的点...", "结尾的点"),
        ("结尾的空格   ", "结尾的空格"),
        ("名称. . ", "名称"),
        ("..隐藏", "隐藏"),
        ("   ", "未命名"),
        ("...", "未命名"),
        ("", "未命名"),
        ("::", "_"),
    ],
)
def test_forbidden_characters_and_edges(typed: str, expected: str) -> None:
    assert safe_file_name(typed) == expected
    assert _windows_accepts(safe_file_name(typed))


def test_a_long_name_is_cut_to_the_byte_limit_keeping_its_suffix() -> None:
    name = safe_file_name("阳光宝贝" * 40, "-2026-11-30.json")
    assert name.endswith("-2026-11-30.json") and name.startswith("阳光宝贝阳光宝贝")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert _windows_accepts(name)
    # Cut between characters, never inside one's UTF-8 bytes.
    assert "\ufffd" not in name


def test_the_whole_path_fits_windows_limit_with_room_for_the_temporary_file() -> None:
    folder = Path("C:/Users/张三/Documents") / ("很深的文件夹" * 25)
    name = safe_file_name("阳光宝贝托育中心" * 10, ".pdf", folder=folder)
    assert name.endswith(".pdf")
    path_units = len(str(folder / name)) + TEMP_NAME_EXTRA
    assert MAX_PATH_UNITS - 8 < path_units <= MAX_PATH_UNITS


def test_a_folder_too_deep_for_any_name_is_refused_in_chinese() -> None:
    folder = Path("/" + "深" * 250)
    with pytest.raises(UserError, match="文件夹的路径太长"):
        safe_file_name("名称", ".pdf", folder=folder)
