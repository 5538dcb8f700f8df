"""`assessor backup` / `assessor restore` on real data folders."""

from __future__ import annotations

from pathlib import Path

from assessor.cli.main import run_cli
from assessor.core.rubric.registry import default_rubric
from assessor.core.storage.store import Store, record_key
from assessor.devtools.samples import sample_assessment
from tests.core.test_backup import flip_stored_byte

RUBRIC = default_rubric()


def test_backup_and_restore_move_the_data_folder(tmp_path: Path, capsys) -> None:
    old, new, archive = tmp_path / "old", tmp_path / "new", tmp_path / "备份.zip"
    draft = sample_assessment(RUBRIC, 31, training=True)
    Store(old).create(draft)

    assert run_cli(["backup", "-o", str(archive), "--data-dir", str(old)]) == 0
    assert "已校验" in capsys.readouterr().out

    assert run_cli(["restore", str(archive), "--data-dir", str(new)]) == 0
    assert "已恢复到" in capsys.readouterr().out
    assert Store(new).load(record_key(draft)) == Store(old).load(record_key(draft))

    assert run_cli(["restore", str(archive), "--data-dir", str(new)]) == 1
    assert "--replace" in capsys.readouterr().err
    assert run_cli(["restore", str(archive), "--replace", "--data-dir", str(new)]) == 0
    assert "原有数据已改名保留" in capsys.readouterr().out


def test_a_damaged_archive_is_a_plain_chinese_error(tmp_path: Path, capsys) -> None:
    old, archive = tmp_path / "old", tmp_path / "b.zip"
    Store(old).create(sample_assessment(RUBRIC, 32, training=True))
    assert run_cli(["backup", "-o", str(archive), "--data-dir", str(old)]) == 0
    flip_stored_byte(archive, archive)
    capsys.readouterr()

    assert run_cli(["restore", str(archive), "--data-dir", str(tmp_path / "new")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "损坏" in err and "Traceback" not in err
    assert not (tmp_path / "new").exists()
