"""Reading and parsing untrusted files: every refusal has its code and a Chinese message."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from assessor.core.safe_input import (
    InputRejected,
    nesting_depth,
    parse_json_object,
    parse_json_strict,
    read_json_file,
    read_regular_file,
)


def _rejected(call, *args, **kwargs) -> InputRejected:
    with pytest.raises(InputRejected) as info:
        call(*args, **kwargs)
    return info.value


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "too_deep", "嵌套过深"),
        (b'{"a":' * 65 + b"1" + b"}" * 65, "too_deep", "65 层"),
        (b"[" + b"7" * 4301 + b"]", "number_too_long", "数字过长"),
        (b"-" + b"7" * 4301, "number_too_long", "数字过长"),
        (b'{"a": 1, "b": {"c": 2, "c": 3}}', "duplicate_key", "“c”"),
        (b'{"x": NaN}', "non_finite", "NaN"),
        (b'{"x": -Infinity}', "non_finite", "-Infinity"),
        (b'{"x": 1e999}', "non_finite", "超出范围"),
        (b"\xef\xbb\xbf{}", "not_utf8", "BOM"),
        ("{}".encode("utf-16"), "not_utf8", "UTF-16"),
        ("{}".encode("utf-16-le"), "not_utf8", "UTF-16"),
        ('{"名称": "阳光"}'.encode("gbk"), "not_utf8", "GBK"),
        (b"\xff\xff\xff{", "not_utf8", "不是 UTF-8"),
        (b"", "not_json", "第 1 行第 1 列"),
        (b'{"a": 1,\n  "b": }', "not_json", "第 2 行"),
        (b"[1, 2]", "not_object", "顶层应为 JSON 对象"),
        (b'"text"', "not_object", "顶层应为 JSON 对象"),
    ],
)
def test_bad_json_is_refused_with_its_code(raw: bytes, code: str, words: str) -> None:
    error = _rejected(parse_json_object, raw, "样本.json")
    assert error.code == code
    assert words in str(error)
    assert str(error).startswith("样本.json: ")


def test_good_json_parses_and_strings_full_of_brackets_are_not_nesting() -> None:
    text = '{"note": "[[[[{{{{' + "[" * 500 + '\\"]]", "n": -12, "x": 0.5, "deep": [[[]]]}'
    assert nesting_depth(text) == 4
    assert parse_json_strict(text.encode(), "x")["n"] == -12
    assert parse_json_strict('{"名": "托育"}', "x") == {"名": "托育"}
    at_limit = "[" * 64 + "]" * 64
    assert parse_json_strict(at_limit, "x") is not None


def test_a_str_with_a_bom_is_refused_too() -> None:
    assert _rejected(parse_json_strict, "\ufeff{}", "x").code == "not_utf8"


def test_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_bytes(b'{"a": 1}')
    assert read_regular_file(path, 100) == b'{"a": 1}'
    assert read_json_file(path, 100) == {"a": 1}


def test_missing_directory_and_oversized_files(tmp_path: Path) -> None:
    assert _rejected(read_regular_file, tmp_path / "nope.json", 100).code == "missing"
    assert _rejected(read_regular_file, tmp_path / "nope" / "x.json", 100).code == "missing"
    error = _rejected(read_regular_file, tmp_path, 100)
    assert (error.code, "文件夹" in str(error)) == ("not_regular", True)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    error = _rejected(read_regular_file, big, 1024)
    assert error.code == "too_large"
    assert "2 KB" in str(error) and "1 KB" in str(error)


@pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and symlinks are POSIX here")
def test_fifo_socket_device_and_links_never_block(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert "管道" in str(_rejected(read_regular_file, fifo, 100))
    assert _rejected(read_regular_file, Path("/dev/zero"), 100).code == "not_regular"
    sock_path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        assert "套接字" in str(_rejected(read_regular_file, sock_path, 100))
    link = tmp_path / "link.json"
    link.symlink_to(fifo)
    assert _rejected(read_regular_file, link, 100).code == "not_regular"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "gone")
    assert _rejected(read_regular_file, dangling, 100).code == "missing"
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    assert _rejected(read_regular_file, loop, 100).code == "missing"


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root reads every file regardless of mode"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.json"
    path.write_bytes(b"{}")
    path.chmod(0)
    error = _rejected(read_regular_file, path, 100)
    assert (error.code, "没有访问权限" in str(error)) == ("unreadable", True)
