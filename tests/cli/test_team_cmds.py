"""`assessor team set|export|import|status` on real data folders, and their refusals."""

from __future__ import annotations

from pathlib import Path

from assessor.cli.main import run_cli
from assessor.core.rubric.registry import default_rubric
from assessor.core.storage.store import Store, record_key
from assessor.devtools.samples import sample_assessment

RUBRIC = default_rubric()


def _cli(*args: object) -> int:
    return run_cli([str(a) for a in args])


def _draft(data: Path, seed: int) -> str:
    draft = sample_assessment(RUBRIC, seed, training=False)
    draft = draft.model_copy(
        update={"scores": [s.model_copy(update={"score": None, "na": False}) for s in draft.scores]}
    )
    Store(data).create(draft)
    return record_key(draft)


def test_the_leader_sets_the_team_and_members_open_the_package(tmp_path: Path, capsys) -> None:
    hub = tmp_path / "hub"
    key = _draft(hub, 3)
    first, second = (d.id for d in RUBRIC.rubric.dimensions[:2])
    base = ["team", "set", key, "--leader", "王芳/市卫生健康委/T-1", "--data-dir", hub]
    assert _cli(*base, "--member", "李明/区教育局", "--assign", f"{first}=张三") == 1
    assert "--assign" in capsys.readouterr().err
    assert _cli(*base, "--member", "李明/区教育局", "--assign", "99=李明") == 1
    assert "没有维度或指标 99" in capsys.readouterr().err
    assert (
        _cli(
            *base,
            "--member",
            "李明/区教育局",
            "--member",
            "赵丽//T-3",
            "--assign",
            f"{first}=李明",
            "--assign",
            f"{second}=赵丽",
        )
        == 0
    )
    team = Store(hub).load(key).team
    assert [m.name for m in team.members] == ["王芳", "李明", "赵丽"]
    assert [m.assessor_id for m in team.members] == ["T-1", "", "T-3"]
    ids = [m.id for m in team.members]
    # Setting it again keeps the members' ids (parts of an earlier package still match).
    assert (
        _cli(
            *base,
            "--member",
            "李明/区教育局",
            "--member",
            "赵丽/妇幼保健院/T-3",
            "--assign",
            f"{first}=李明",
            "--assign",
            f"{second}=赵丽",
        )
        == 0
    )
    again = Store(hub).load(key).team
    assert [m.id for m in again.members] == ids and again.members[2].body == "妇幼保健院"

    package = tmp_path / "visit.assessor-team"
    assert _cli("team", "export", key, "-o", package, "--data-dir", hub) == 0
    laptop = tmp_path / "laptop"
    assert _cli("team", "import", package, "--data-dir", laptop) == 1
    assert "--member" in capsys.readouterr().err
    assert _cli("team", "import", package, "--member", "陌生人", "--data-dir", laptop) == 1
    assert "没有成员“陌生人”" in capsys.readouterr().err
    assert _cli("team", "import", package, "--member", "李明", "--data-dir", laptop) == 0
    # The member's laptop cannot hand out packages or set the team.
    assert _cli("team", "set", key, "--leader", "李明", "--data-dir", laptop) == 1
    assert "组长设置" in capsys.readouterr().err
    part = tmp_path / "li.assessor-part"
    assert _cli("team", "export", key, "-o", part, "--data-dir", laptop) == 0
    assert "未签名" in capsys.readouterr().out

    # A part of another assessment is refused, and nothing changes in the leader's record.
    other = _draft(tmp_path / "other", 5)
    assert _cli("team", "set", other, "--leader", "王芳", "--data-dir", tmp_path / "other") == 0
    assert _cli("team", "import", part, "--data-dir", tmp_path / "other") == 1
    assert "本电脑上没有该部分所属的评估" in capsys.readouterr().err
    before = Store(hub).audit(key)
    junk = tmp_path / "junk.assessor-part"
    junk.write_bytes(b"not a zip")
    assert _cli("team", "import", junk, "--data-dir", hub) == 1
    assert "不是评估组成员部分文件" in capsys.readouterr().err
    assert _cli("team", "import", tmp_path / "x.txt", "--data-dir", hub) == 1
    assert _cli("team", "import", part, "--data-dir", hub) == 0
    out = capsys.readouterr().out
    assert "已收到李明的部分" in out and "尚缺：赵丽" in out
    assert Store(hub).audit(key) == before
    assert _cli("team", "status", key, "--data-dir", hub) == 0
    assert "李明：负责" in capsys.readouterr().out


def test_hostile_parts_and_packages_fail_with_a_message(tmp_path: Path, capsys) -> None:
    import os
    import zipfile

    hub = tmp_path / "hub"
    key = _draft(hub, 4)
    assert _cli("team", "set", key, "--leader", "王芳", "--member", "李明", "--data-dir", hub) == 0
    fifo = tmp_path / "pipe.assessor-part"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.assessor-part"
    folder.mkdir()
    bomb = tmp_path / "bomb.assessor-part"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("part.json", b"{" + b" " * (30 * 1024 * 1024) + b"}")
    no_json = tmp_path / "empty.assessor-part"
    with zipfile.ZipFile(no_json, "w") as archive:
        archive.writestr("other.txt", b"x")
    bad_package = tmp_path / "bad.assessor-team"
    bad_package.write_bytes(b'{"format": "assessor.team-package/1", "assessment": 1}')
    for path in (fifo, folder, bomb, no_json, tmp_path / "missing.assessor-part"):
        assert _cli("team", "import", path, "--data-dir", hub) == 1
        err = capsys.readouterr().err
        assert err.strip() and "Traceback" not in err
    assert (
        _cli("team", "import", bad_package, "--member", "李明", "--data-dir", tmp_path / "m") == 1
    )
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err
    assert _cli("cosign", tmp_path / "nothing.json") == 1
    assert "Traceback" not in capsys.readouterr().err
