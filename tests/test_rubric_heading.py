"""The rubric's heading at start-up is read from the start of its file, as json would read it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.core.paths import default_rubric_path
from assessor.core.rubric.deferred import HEAD_CHARS, DeferredRubric, leading_fields


def _heading(path: Path) -> tuple[str, str, str]:
    h = DeferredRubric(path).heading()
    return h.code, h.title, h.version


def test_the_bundled_rubrics_heading_is_what_json_reads() -> None:
    data = json.loads(default_rubric_path().read_bytes())
    assert _heading(default_rubric_path()) == (data["code"], data["title"], data["version"])


def test_a_heading_after_the_first_kilobytes_is_still_found(tmp_path: Path) -> None:
    path = tmp_path / "rubric.json"
    padding = "说明" * HEAD_CHARS  # the heading's members start well past the first read
    members = {"notes": padding, "code": "X 1", "version": "2", "title": "标准"}
    path.write_text(json.dumps(members, ensure_ascii=False), encoding="utf-8")
    assert _heading(path) == ("X 1", "标准", "2")


def test_a_number_cut_at_the_first_read_is_not_taken_for_the_value(tmp_path: Path) -> None:
    path = tmp_path / "rubric.json"
    prefix = '{"code": "X", "title": "T", "notes": "' + "a" * (HEAD_CHARS - 60) + '", '
    text = prefix + '"version": ' + " " * (HEAD_CHARS - len(prefix) - 13) + "12345}"
    path.write_text(text, encoding="utf-8")
    assert text[:HEAD_CHARS].endswith("12")  # the first read ends inside the number
    with pytest.raises(ValueError, match="ends inside"):
        leading_fields(text[:HEAD_CHARS], ("version",))
    assert leading_fields(text, ("version",)) == {"version": 12345}
    assert DeferredRubric(path).heading().version == ""  # not a string: shown empty


@pytest.mark.parametrize("text", ["", "[1, 2]", '{"code": ', "not json", '{"code" "X"}'])
def test_an_unreadable_heading_is_empty(tmp_path: Path, text: str) -> None:
    path = tmp_path / "rubric.json"
    path.write_text(text, encoding="utf-8")
    assert _heading(path) == ("", "", "")
