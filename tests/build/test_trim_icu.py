"""build/trim_icu.py: Qt's ICU data rebuilt smaller still sorts Chinese by pinyin in Qt."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("trim_icu", ROOT / "build" / "trim_icu.py")
assert _spec is not None and _spec.loader is not None
trim_icu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(trim_icu)


@pytest.mark.parametrize(
    ("item", "goes"),
    [
        ("coll/zh.res", False),
        ("coll/zh_Hans_CN.res", False),
        ("zh_CN.res", False),
        ("coll/root.res", False),
        ("en_US.res", False),
        ("coll/de.res", True),
        ("coll/de_.res", True),
        ("curr/sr_Latn_BA.res", True),
        ("yue_Hant.res", True),
        ("gb18030.cnv", False),
        ("ibm-1047_P100-1995.cnv", True),
        ("brkitr/thaidict.dict", False),
        ("brkitr/line.brk", False),
        ("supplementalData.res", False),
        ("coll/res_index.res", False),
        ("unit/pool.res", False),
        ("nfkc.nrm", False),
    ],
)
def test_only_other_locales_and_legacy_charsets_go(item: str, goes: bool) -> None:
    assert trim_icu.dropped(item) is goes


SORT_IN_QT = """
import functools
from PySide6.QtCore import QCollator, QLocale
collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
print(",".join(sorted("张阿王李白", key=functools.cmp_to_key(collator.compare))))
print(",".join(l.split()[-1] for l in open("/proc/self/maps") if "libicudata" in l)[:400])
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or bool(trim_icu.missing_tools()),
    reason="the ICU trim runs in Linux builds with icu-devtools and a C compiler",
)
def test_the_trimmed_library_is_smaller_and_qt_still_collates_chinese(tmp_path: Path) -> None:
    import PySide6

    original = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    trimmed = trim_icu.trim_icu(original, tmp_path)
    assert trimmed.name == original.name
    assert trimmed.stat().st_size < original.stat().st_size / 2

    done = subprocess.run(
        [sys.executable, "-c", SORT_IN_QT],
        env={**os.environ, "LD_PRELOAD": str(trimmed), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    order, loaded = done.stdout.splitlines()
    assert order == "阿,白,李,王,张"  # pinyin: a, bai, li, wang, zhang
    assert str(trimmed) in loaded and str(original) not in loaded
