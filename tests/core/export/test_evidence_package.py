"""Evidence leaves with the report: a package the signed JSON covers, and a PDF appendix."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from assessor.cli.main import run_cli
from assessor.core.document.model import parse_assessment
from assessor.core.export.evidence_package import (
    MANIFEST,
    check_evidence_package,
    package_path,
)
from assessor.core.export.signed_export import ExportedFiles, export_signed
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.signing.keys import training_signer
from assessor.core.storage.store import Store
from tests.core.test_session import complete_profile, score_everything

GPS_IFD, EXIF_IFD = 0x8825, 0x8769


def photo_with_exif(path: Path, colour: tuple[int, int, int] = (200, 60, 40)) -> Path:
    """A 2000×1500 JPEG with capture time and GPS position, as a phone writes them."""
    image = Image.new("RGB", (2000, 1500), colour)
    exif = image.getexif()
    exif.get_ifd(EXIF_IFD)[36867] = "2024:05:06 10:12:30"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 30.0)})
    image.save(path, "JPEG", exif=exif, quality=90)
    return path


@pytest.fixture
def exported(tmp_path: Path, small_rubric: LoadedRubric) -> tuple[Store, str, ExportedFiles]:
    store = Store(tmp_path / "data")
    session = EditingSession.create(store, small_rubric)
    complete_profile(session)
    score_everything(session)
    session.attach_evidence("4.1.1", photo_with_exif(tmp_path / "消防通道.jpg"), "消防通道畅通")
    notes = tmp_path / "访谈记录.txt"
    notes.write_text("负责人访谈要点", encoding="utf-8")
    session.attach_evidence("4.2.1", notes, "访谈记录")
    session.finalise()
    files = export_signed(
        store, session.key, training_signer(), tmp_path / "out", rubric=small_rubric
    )
    return store, session.key, files


def test_the_package_holds_every_file_the_signed_json_lists(
    exported: tuple[Store, str, ExportedFiles],
) -> None:
    store, key, files = exported
    assert files.evidence_path == package_path(files.json_path)
    raw = files.json_path.read_bytes()
    document = parse_assessment(raw, "json")
    listed = [e for s in document.scores for e in s.evidence]
    assert len(listed) == 2
    with zipfile.ZipFile(files.evidence_path) as archive:
        assert sorted(archive.namelist()) == sorted([MANIFEST, *(e.file for e in listed)])
        for evidence in listed:
            original = store.evidence_path(key, evidence).read_bytes()
            assert archive.read(evidence.file) == original, "originals, byte for byte"
        manifest = json.loads(archive.read(MANIFEST))
    assert manifest["document"] == files.json_path.name
    assert {f["caption"] for f in manifest["files"]} == {"消防通道畅通", "访谈记录"}
    assert check_evidence_package(document, raw, files.evidence_path) == []


def test_verify_passes_the_package_and_fails_a_replaced_photo(
    exported: tuple[Store, str, ExportedFiles],
    tmp_path: Path,
    rubric_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, files = exported
    verify = ["verify", str(files.json_path), "--allow-training", "--rubric", str(rubric_file)]
    assert run_cli(verify) == 0, capsys.readouterr()
    assert "证据包核对通过" in capsys.readouterr().out

    # The same photo taken again (another JPEG) in place of the original.
    document = parse_assessment(files.json_path.read_bytes(), "json")
    photo = next(e for s in document.scores for e in s.evidence if e.file.endswith(".jpg"))
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(files.evidence_path) as source, zipfile.ZipFile(forged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == photo.file:
                replacement = photo_with_exif(tmp_path / "again.jpg", (190, 60, 40))
                data = replacement.read_bytes()
            target.writestr(name, data)
    code = run_cli([*verify, "--evidence", str(forged)])
    out = capsys.readouterr().out
    assert code == 1 and "验证未通过" in out
    assert f"{photo.file} 与签名文件记录的 SHA-256 不符" in out

    # The package beside the JSON is checked without being named.
    shutil.copyfile(forged, files.evidence_path)
    assert run_cli(verify) == 1
    assert "SHA-256 不符" in capsys.readouterr().out


def test_a_package_from_another_file_or_with_extra_files_fails(
    exported: tuple[Store, str, ExportedFiles], tmp_path: Path
) -> None:
    _, _, files = exported
    raw = files.json_path.read_bytes()
    document = parse_assessment(raw, "json")
    padded = tmp_path / "padded.zip"
    shutil.copyfile(files.evidence_path, padded)
    with zipfile.ZipFile(padded, "a") as archive:
        archive.writestr("evidence/extra.jpg", b"not signed")
    assert check_evidence_package(document, raw, padded) == [
        "证据包中有签名文件未列出的文件：evidence/extra.jpg"
    ]
    other = raw.replace(b'"version":1', b'"version":1 ')
    assert "属于另一份签名文件" in check_evidence_package(document, other, files.evidence_path)[0]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK not a zip")
    assert "证据包无法读取" in check_evidence_package(document, raw, broken)[0]


def test_an_evidence_file_changed_on_the_laptop_is_not_exported(
    tmp_path: Path, small_rubric: LoadedRubric
) -> None:
    store = Store(tmp_path / "data")
    session = EditingSession.create(store, small_rubric)
    complete_profile(session)
    score_everything(session)
    evidence = session.attach_evidence("4.1.1", photo_with_exif(tmp_path / "p.jpg"), "")
    session.finalise()
    store.evidence_path(session.key, evidence).write_bytes(b"changed")
    with pytest.raises(UserError, match="SHA-256 不符"):
        export_signed(store, session.key, training_signer(), tmp_path / "out", rubric=small_rubric)


def test_the_report_appendix_shows_thumbnails_captions_and_exif(
    exported: tuple[Store, str, ExportedFiles], tmp_path: Path
) -> None:
    _, _, files = exported
    assert files.pdf_path is not None
    text = subprocess.run(
        ["pdftotext", "-layout", str(files.pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    appendix = text[text.index("证据照片与文件") :]
    assert "消防通道畅通" in appendix and "访谈记录" in appendix
    assert "拍摄时间（相机时钟）：2024-05-06 10:12:30" in appendix
    assert "北纬 39.90750°" in appendix and "东经 116.39167°" in appendix
    assert "非图片文件" in appendix
    images = subprocess.run(
        ["pdfimages", "-list", str(files.pdf_path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    photo = [line.split() for line in images if line.split()[3] == "720"]
    assert len(photo) == 1, "the 2000 px photo is resized for the report"
    assert files.pdf_path.stat().st_size < 1_500_000
