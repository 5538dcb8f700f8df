"""Starting the app: the packaged entry point's smoke test, first run with a sample draft."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assessor.core.storage.store import Store
from assessor.devtools.samples import SAMPLE_NAME


def run_smoke(data: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ASSESSOR_SMOKE_TEST": "1",
        "ASSESSOR_DATA_DIR": str(data),
    }
    return subprocess.run(
        [sys.executable, "-m", "assessor"], env=env, capture_output=True, text=True, timeout=120
    )


def test_smoke_test_opens_the_window_and_exits_cleanly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = run_smoke(data)
    assert done.returncode == 0, done.stderr
    [summary] = Store(data).list()
    assert summary.centre_name == SAMPLE_NAME and summary.training


def test_the_sample_is_created_on_first_run_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_smoke(data).returncode == 0
    store = Store(data)
    store.delete(store.list()[0].key)
    store.purge(store.bin_list()[0].key)
    del store  # lets go of the data folder, which the app must have to itself
    assert run_smoke(data).returncode == 0
    assert Store(data).list() == [], "an assessor who removed the sample does not get it back"


def test_a_data_folder_that_cannot_be_created_fails_with_a_chinese_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = run_smoke(blocker / "data")
    assert done.returncode == 1
    assert done.stderr.startswith("错误：") and "打开数据文件夹" in done.stderr
