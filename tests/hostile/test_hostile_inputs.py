"""Every command that reads a file, against every kind of hostile input in the corpus.

Each case must fail well (see harness.assert_good_failure): exit 1 with a Chinese message, no
traceback, within the time bound, nothing changed on disk. `list` over a data folder with one
damaged record exits 0 and lists that record as broken. Test ids carry the case count.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.xlsx import rubric_to_xlsx
from assessor.core.signing.keys import training_signer
from assessor.core.storage.store import Store, record_key
from assessor.devtools.demo import demo_files
from assessor.devtools.samples import sample_assessment
from tests.hostile.corpus import FIFO_PLACES, JSON_CONTENTS, PLACES, WORKBOOKS, Content, Place
from tests.hostile.harness import (
    assert_good_failure,
    disk_state,
    run_in_process,
    run_in_subprocess,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and /dev are POSIX")

PASS = "hostile-passphrase-1"


@dataclass(frozen=True)
class Goods:
    """Valid files the hostile ones stand beside."""

    folder: Path
    assessment: Path
    signed_json: Path
    signed_pdf: Path
    workbook: Path
    ca_dir: Path
    key: Path
    passphrase: Path
    data: Path
    healthy_key: str
    damaged_key: str


@pytest.fixture(scope="module")
def goods(tmp_path_factory: pytest.TempPathFactory) -> Goods:
    folder = tmp_path_factory.mktemp("goods")
    rubric = default_rubric()
    assessment = folder / "assessment.json"
    assessment.write_text(
        json.dumps(sample_assessment(rubric, 3).model_dump(mode="json"), ensure_ascii=False),
        encoding="utf-8",
    )
    (files,) = demo_files(rubric, training_signer(), count=1, with_pdf=True)
    (folder / "signed.json").write_bytes(files.json_bytes)
    (folder / "signed.pdf").write_bytes(files.pdf_bytes)
    passphrase = folder / "pass.txt"
    passphrase.write_text(PASS, encoding="utf-8")
    init = ["keys", "init-ca", "--out", str(folder / "ca"), "--name", "测试市卫生健康委员会"]
    assert run_cli([*init, "--passphrase-file", str(passphrase)]) == 0
    issue = [
        "keys", "issue", "--ca", str(folder / "ca"), "--name", "王小明", "--assessor-id",
        "SZ-1", "--out", str(folder / "key.p12"), "--passphrase-file", str(passphrase),
        "--ca-passphrase-file", str(passphrase),
    ]  # fmt: skip
    assert run_cli(issue) == 0

    data = folder / "data"
    store = Store(data)
    healthy = sample_assessment(rubric, 4, complete=False, name="健康托育中心")
    damaged = sample_assessment(rubric, 5, complete=False, name="受损托育中心")
    store.create(healthy)
    store.create(damaged)
    return Goods(
        folder=folder,
        assessment=assessment,
        signed_json=folder / "signed.json",
        signed_pdf=folder / "signed.pdf",
        workbook=rubric_to_xlsx(rubric, folder / "good.xlsx"),
        ca_dir=folder / "ca",
        key=folder / "key.p12",
        passphrase=passphrase,
        data=data,
        healthy_key=record_key(healthy),
        damaged_key=record_key(damaged),
    )


# ---- what a case is -----------------------------------------------------------------------

Args = list[str]
Slot = Callable[[Path, Path, Goods], Args]  # (hostile file, case folder, goods) → arguments
Setup = Callable[[Path, Goods], Args]  # (case folder, goods) → arguments


@dataclass(frozen=True)
class Case:
    name: str
    setup: Setup
    code: int = 1
    subprocess: bool = False


def _with_content(content: Content, name: str, slot: Slot) -> Setup:
    def setup(folder: Path, goods: Goods) -> Args:
        path = folder / name
        path.write_bytes(content())
        return slot(path, folder, goods)

    return setup


def _with_place(place: Place, name: str, slot: Slot) -> Setup:
    def setup(folder: Path, goods: Goods) -> Args:
        path = folder / name
        place(path)
        return slot(path, folder, goods)

    return setup


def _cross(
    prefix: str,
    slot: Slot,
    file_name: str,
    contents: dict[str, Content],
    places: dict[str, Place],
    **options: bool | int,
) -> list[Case]:
    cases = [
        Case(f"{prefix}-{name}", _with_content(content, file_name, slot), **options)  # type: ignore[arg-type]
        for name, content in contents.items()
    ]
    cases += [
        Case(f"{prefix}-{name}", _with_place(place, file_name, slot), **options)  # type: ignore[arg-type]
        for name, place in places.items()
    ]
    return cases


def _some(names: list[str]) -> dict[str, Content]:
    return {name: JSON_CONTENTS[name] for name in names}


SHORT_LIST = _some(
    [
        "empty",
        "deep-arrays-100k",
        "deep-objects-100k",
        "int-5000-digits",
        "nan",
        "duplicate-key",
        "utf8-bom",
        "utf16-le-bom",
        "gbk",
        "binary-noise",
        "top-level-array",
        "empty-object",
    ]
)

# ---- JSON inputs ----------------------------------------------------------------------------

JSON_SLOTS: dict[str, tuple[Slot, dict[str, Content]]] = {
    "score": (lambda f, d, g: ["score", str(f)], JSON_CONTENTS),
    "verify-json": (lambda f, d, g: ["verify", str(f), "--allow-training"], JSON_CONTENTS),
    "rubric-check": (lambda f, d, g: ["rubric", "check", str(f)], JSON_CONTENTS),
    "score-with-rubric": (
        lambda f, d, g: ["score", str(g.assessment), "--rubric", str(f)],
        SHORT_LIST,
    ),
    "verify-with-rubric": (
        lambda f, d, g: ["verify", str(g.signed_json), "--allow-training", "--rubric", str(f)],
        SHORT_LIST,
    ),
    "rubric-show": (lambda f, d, g: ["rubric", "show", str(f), "--json"], SHORT_LIST),
    "rubric-to-xlsx": (
        lambda f, d, g: ["rubric", "to-xlsx", str(f), "-o", str(d / "out.xlsx")],
        SHORT_LIST,
    ),
}

# ---- workbooks ------------------------------------------------------------------------------

XLSX_SLOTS: dict[str, Slot] = {
    "xlsx-check": lambda f, d, g: ["rubric", "check", str(f)],
    "xlsx-show": lambda f, d, g: ["rubric", "show", str(f)],
    "xlsx-from": lambda f, d, g: ["rubric", "from-xlsx", str(f), "-o", str(d / "out.json")],
}

_built_workbooks: dict[str, bytes] = {}


def _workbook_content(name: str, goods_workbook: Path, folder: Path) -> bytes:
    # Built once per session: a million rows take seconds to write, not to refuse.
    if name not in _built_workbooks:
        target = folder / f"built-{name}.xlsx"
        WORKBOOKS[name](goods_workbook, target)
        _built_workbooks[name] = target.read_bytes()
        target.unlink()
    return _built_workbooks[name]


def _with_workbook(name: str, slot: Slot) -> Setup:
    def setup(folder: Path, goods: Goods) -> Args:
        path = folder / "table.xlsx"
        path.write_bytes(_workbook_content(name, goods.workbook, goods.folder))
        return slot(path, folder, goods)

    return setup


# ---- reports, keys, trust roots, passphrases ------------------------------------------------


def _pdf_contents(goods_pdf: Callable[[Goods], bytes]) -> dict[str, Callable[[Goods], bytes]]:
    return {
        "empty": lambda g: b"",
        "noise": lambda g: os.urandom(4096),
        "header-only": lambda g: b"%PDF-1.7\n",
        "truncated-signed": lambda g: goods_pdf(g)[: len(goods_pdf(g)) // 2],
        "junk-appended": lambda g: goods_pdf(g) + b"\n% junk after the signature\n",
        "byte-flipped": lambda g: _flip(goods_pdf(g), len(goods_pdf(g)) // 3),
        "json-renamed": lambda g: g.signed_json.read_bytes(),
        "deep-arrays": lambda g: b"%PDF-1.7\n1 0 obj\n" + b"[" * 100_000 + b"\nendobj\n%%EOF",
        "deep-dicts": lambda g: b"%PDF-1.7\n1 0 obj\n" + b"<<" * 50_000 + b"\nendobj\n%%EOF",
    }


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


KEY_CONTENTS: dict[str, Callable[[Goods], bytes]] = {
    "empty": lambda g: b"",
    "noise": lambda g: os.urandom(2048),
    "json": lambda g: b'{"key": 1}',
    "deep-json": lambda g: b"[" * 100_000,
    "pem-certificate": lambda g: (g.ca_dir / "ca-cert.pem").read_bytes(),
    "truncated-p12": lambda g: g.key.read_bytes()[:300],
    "pdf": lambda g: g.signed_pdf.read_bytes(),
    "utf16-text": lambda g: "密钥".encode("utf-16"),
}

TRUST_CONTENTS: dict[str, Callable[[Goods], bytes]] = {
    "empty": lambda g: b"",
    "noise": lambda g: os.urandom(2048),
    "json": lambda g: g.signed_json.read_bytes(),
    "pem-garbage": lambda g: (
        b"-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"
    ),
    "p12-instead": lambda g: g.key.read_bytes(),
    "utf16-pem": lambda g: (g.ca_dir / "ca-cert.pem").read_text().encode("utf-16"),
    "deep-json": lambda g: b"[" * 100_000,
}

PASSPHRASE_CONTENTS: dict[str, Callable[[Goods], bytes]] = {
    "not-utf8": lambda g: b"\xff\xfe\xfa secret",
    "gbk": lambda g: "口令口令口令口令".encode("gbk"),
    "empty": lambda g: b"",
    "too-short": lambda g: b"abc\n",
}


def _with_bytes(make: Callable[[Goods], bytes], name: str, slot: Slot) -> Setup:
    def setup(folder: Path, goods: Goods) -> Args:
        path = folder / name
        path.write_bytes(make(goods))
        return slot(path, folder, goods)

    return setup


def _verify_pdf(f: Path, d: Path, g: Goods) -> Args:
    return ["verify", str(f), "--allow-training"]


def _trust(f: Path, d: Path, g: Goods) -> Args:
    return ["verify", str(g.signed_json), "--allow-training", "--trust", str(f)]


def _demo_key(f: Path, d: Path, g: Goods) -> Args:
    return ["demo", "-o", str(d / "out"), "--key", str(f), "--passphrase-file", str(g.passphrase)]


def _init_ca(f: Path, d: Path, g: Goods) -> Args:
    return ["keys", "init-ca", "--out", str(d / "ca"), "--name", "某市卫生健康委员会",
            "--passphrase-file", str(f)]  # fmt: skip


def _issue_with_ca(change: Callable[[Path], None]) -> Setup:
    def setup(folder: Path, goods: Goods) -> Args:
        ca = folder / "ca"
        shutil.copytree(goods.ca_dir, ca)
        change(ca)
        return [
            "keys", "issue", "--ca", str(ca), "--name", "李四", "--assessor-id", "SZ-2",
            "--out", str(folder / "new.p12"), "--passphrase-file", str(goods.passphrase),
            "--ca-passphrase-file", str(goods.passphrase),
        ]  # fmt: skip

    return setup


def _replace(name: str, place: Place) -> Callable[[Path], None]:
    def change(ca: Path) -> None:
        (ca / name).unlink()
        place(ca / name)

    return change


def _overwrite(name: str, content: bytes) -> Callable[[Path], None]:
    return lambda ca: (ca / name).write_bytes(content)


CA_CHANGES: dict[str, Callable[[Path], None]] = {
    "cert-noise": _overwrite("ca-cert.pem", b"\x00\x01garbage"),
    "key-noise": _overwrite("ca-key.pem", b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nxx\n"),
    "cert-deep-json": _overwrite("ca-cert.pem", b"[" * 100_000),
    "cert-empty": _overwrite("ca-cert.pem", b""),
    "cert-swapped-for-key": lambda ca: shutil.copy(ca / "ca-key.pem", ca / "ca-cert.pem"),
    "cert-is-directory": _replace("ca-cert.pem", PLACES["directory"]),
    "key-missing": _replace("ca-key.pem", PLACES["missing"]),
    "key-symlink-loop": _replace("ca-key.pem", PLACES["symlink-loop"]),
    "key-sparse-300mb": _replace("ca-key.pem", PLACES["sparse-300mb"]),
    "ca-folder-is-a-file": lambda ca: (shutil.rmtree(ca), ca.write_bytes(b"x")),
}

# ---- a data folder with one damaged record --------------------------------------------------


def _damaged_data(damage: Callable[[Path], None], args: Callable[[Path, Goods], Args]) -> Setup:
    def setup(folder: Path, goods: Goods) -> Args:
        data = folder / "data"
        shutil.copytree(goods.data, data, symlinks=True)
        record = data / "assessments" / goods.damaged_key / "record.json"
        record.unlink()
        # Without its backup too, or the damage would simply be repaired from it.
        record.with_name("record.json.bak").unlink()
        damage(record)
        return args(data, goods)

    return setup


def _data_folder_is_a_file(args: Callable[[Path, Goods], Args]) -> Setup:
    def setup(folder: Path, goods: Goods) -> Args:
        data = folder / "data"
        data.write_bytes(b"not a folder")
        return args(data, goods)

    return setup


def _content_damage(content: Content) -> Callable[[Path], None]:
    return lambda record: record.write_bytes(content())


DATA_COMMANDS: dict[str, tuple[Callable[[Path, Goods], Args], int]] = {
    "list": (lambda data, g: ["list", "--data-dir", str(data)], 0),
    "amend": (
        lambda data, g: ["amend", g.damaged_key, "--reason", "更正", "--data-dir", str(data)],
        1,
    ),
    "export": (
        lambda data, g: [
            "export",
            g.damaged_key,
            "-o",
            str(data.parent / "out"),
            "--data-dir",
            str(data),
        ],
        1,
    ),
}
DATA_DAMAGE: dict[str, Callable[[Path], None]] = {
    **{name: _content_damage(content) for name, content in SHORT_LIST.items()},
    "truncated": _content_damage(JSON_CONTENTS["truncated"]),
    "nul-bytes": _content_damage(JSON_CONTENTS["nul-bytes"]),
    **{
        name: PLACES[name]
        for name in ("directory", "symlink-loop", "symlink-to-dev-zero", "socket", "sparse-300mb")
    },
}


# ---- the whole corpus -----------------------------------------------------------------------


def _corpus() -> list[Case]:
    cases: list[Case] = []
    for prefix, (slot, contents) in JSON_SLOTS.items():
        cases += _cross(prefix, slot, "input.json", contents, PLACES)
    for prefix, slot in XLSX_SLOTS.items():
        cases += [Case(f"{prefix}-{name}", _with_workbook(name, slot)) for name in WORKBOOKS]
        cases += _cross(prefix, slot, "table.xlsx", {}, PLACES)
    pdfs = _pdf_contents(lambda g: g.signed_pdf.read_bytes())
    cases += [
        Case(f"verify-pdf-{n}", _with_bytes(m, "r.pdf", _verify_pdf)) for n, m in pdfs.items()
    ]
    cases += _cross("verify-pdf", _verify_pdf, "r.pdf", {}, PLACES)
    cases += [
        Case(f"trust-{n}", _with_bytes(m, "ca.pem", _trust)) for n, m in TRUST_CONTENTS.items()
    ]
    cases += _cross("trust", _trust, "ca.pem", {}, PLACES)
    cases += [Case(f"key-{n}", _with_bytes(m, "k.p12", _demo_key)) for n, m in KEY_CONTENTS.items()]
    cases += _cross("key", _demo_key, "k.p12", {}, PLACES)
    cases += [
        Case(f"passphrase-{n}", _with_bytes(m, "pass.txt", _init_ca))
        for n, m in PASSPHRASE_CONTENTS.items()
    ]
    cases += _cross("passphrase", _init_ca, "pass.txt", {}, PLACES)
    cases += [Case(f"ca-{n}", _issue_with_ca(change)) for n, change in CA_CHANGES.items()]
    for command, (args, code) in DATA_COMMANDS.items():
        cases += [
            Case(f"{command}-record-{n}", _damaged_data(damage, args), code=code)
            for n, damage in DATA_DAMAGE.items()
        ]
    cases += [
        Case(f"{command}-data-folder-is-a-file", _data_folder_is_a_file(args))
        for command, (args, _) in DATA_COMMANDS.items()
    ]
    # A FIFO blocks whoever opens it for reading: these run in a subprocess with a timeout.
    fifo_slots: dict[str, tuple[Slot, str]] = {
        "score": (JSON_SLOTS["score"][0], "input.json"),
        "verify-json": (JSON_SLOTS["verify-json"][0], "input.json"),
        "rubric-check": (JSON_SLOTS["rubric-check"][0], "input.json"),
        "score-with-rubric": (JSON_SLOTS["score-with-rubric"][0], "input.json"),
        "xlsx-from": (XLSX_SLOTS["xlsx-from"], "table.xlsx"),
        "verify-pdf": (_verify_pdf, "r.pdf"),
        "trust": (_trust, "ca.pem"),
        "key": (_demo_key, "k.p12"),
        "passphrase": (_init_ca, "pass.txt"),
    }
    for prefix, (slot, name) in fifo_slots.items():
        cases += _cross(prefix, slot, name, {}, FIFO_PLACES, subprocess=True)
    cases += [
        Case(f"{command}-record-{n}", _damaged_data(place, args), code=code, subprocess=True)
        for command, (args, code) in DATA_COMMANDS.items()
        if command != "export"
        for n, place in FIFO_PLACES.items()
    ]
    return cases


CASES = _corpus()
IDS = [f"{n:03d}of{len(CASES)}-{case.name}" for n, case in enumerate(CASES, start=1)]
assert len(set(IDS)) == len(CASES) >= 150


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hostile_input_fails_well(case: Case, goods: Goods, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    args = case.setup(folder, goods)
    before = disk_state(folder)

    outcome = (run_in_subprocess if case.subprocess else run_in_process)(args)

    assert_good_failure(outcome, code=case.code)
    assert disk_state(folder) == before, "the command changed files on disk"
    if args[0] == "list" and case.code == 0:
        assert "健康托育中心" in outcome.text
        assert f"{goods.damaged_key}  无法打开" in outcome.text
