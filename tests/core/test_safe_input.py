"""Reading and parsing untrusted files: every refusal has its code and a Chinese message."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.core.safe_input import (
    InputRejected,
    _valid_json_depth,
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


# Texts made of the characters that matter to the depth scan, so that quotes, escapes and
# brackets inside and outside strings meet in every order.
_LEXEMES = st.sampled_from(['"', "\\", '\\"', "\\\\", "[", "]", "{", "}", '""', ":", ",", "1", "a"])


@settings(max_examples=600, deadline=None)
@given(st.lists(_LEXEMES, max_size=40).map("".join), st.integers(min_value=0, max_value=6))
def test_the_exact_depth_decides_every_refusal(text: str, max_depth: int) -> None:
    depth = nesting_depth(text)
    try:
        parsed = parse_json_strict(text, "x", max_depth=max_depth)
    except InputRejected as error:
        if depth > max_depth:
            assert (error.code, f"{depth} 层" in str(error)) == ("too_deep", True)
        else:
            assert error.code != "too_deep"
        return
    assert depth <= max_depth
    assert _valid_json_depth(text.encode(), max_depth) == depth, parsed


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.text(alphabet='[]{}"\\/\n\t a托😀', max_size=8) | st.integers() | st.none(),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(alphabet='[]{}"\\a', max_size=4), inner, max_size=3)
        ),
        max_leaves=25,
    )
)
def test_the_quick_depth_equals_the_exact_one_on_valid_json(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False)
    depth = nesting_depth(text)
    quick = _valid_json_depth(text.encode("utf-8", "surrogatepass"), 64)
    assert quick == (depth if depth <= 64 else None)


def test_the_quick_depth_gives_up_on_what_it_cannot_show() -> None:
    assert _valid_json_depth(b"[" * 100_000 + b"]" * 100_000, 64) is None
    assert _valid_json_depth(b"[[]", 64) is None
    assert _valid_json_depth(b'["]"]', 64) == 1
    assert _valid_json_depth(b'["\\"[", ["\\\\"]]', 64) == 2
