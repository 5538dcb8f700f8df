"""A self-test of everything a packaged build needs, run headless on throwaway data.

A build that lacks a data file, a font or a module fails here rather than on a visit.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assessor.core.audit import append
from assessor.core.problems import UserError
from assessor.core.rubric.registry import default_rubric


@dataclass(frozen=True)
class Step:
    name: str
    ok: bool
    detail: str
    seconds: float


def _timed(name: str, action: Callable[[], str]) -> Step:
    start = time.perf_counter()
    try:
        detail = action()
    except UserError as exc:
        return Step(name, False, str(exc), time.perf_counter() - start)
    except Exception as exc:  # a self-test reports a failure instead of stopping with it
        return Step(name, False, f"{type(exc).__name__}: {exc}", time.perf_counter() - start)
    return Step(name, True, detail, time.perf_counter() - start)


class _Run:
    """The steps in order; each one uses what the step before it made."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def rubric(self) -> str:
        self.loaded = default_rubric()
        r = self.loaded
        return f"{r.rubric.code}，{len(r.indicators)} 项指标，哈希 {r.sha256[:12]}…"

    def store(self) -> str:
        from assessor.core.storage.store import Store, record_key
        from assessor.devtools.demo import simulated_visit
        from assessor.devtools.samples import sample_assessment

        self.data = Store(self.root / "data")
        draft = sample_assessment(self.loaded, 1, training=True)
        self.data.create(draft)
        final, _ = simulated_visit(draft, draft.created_at)
        self.data.save(final, append([], "finalise", old="draft", new="final"))
        self.key = record_key(draft)
        return f"保存并重新读取 {len(self.data.load(self.key).scores)} 项评分"

    def export(self) -> str:
        from assessor.core.export.signed_export import export_signed
        from assessor.core.signing.keys import training_signer

        self.files = export_signed(self.data, self.key, training_signer(), self.root / "out")
        size = len(self.files.json_path.read_bytes()) // 1024
        return f"JSON {size} KB，等级 {self.files.document.result.grade}"

    def verify(self) -> str:
        from assessor.core.document.verify import verify_json
        from assessor.core.signing.pdf_signature import verify_pdf
        from assessor.core.signing.training import training_ca

        pdf = self.files.pdf_path
        if pdf is None:
            raise RuntimeError("没有生成 PDF 报告")
        for check in (
            verify_json(self.files.json_path.read_bytes(), [training_ca()], True),
            verify_pdf(pdf.read_bytes(), [training_ca()], True),
        ):
            if not check.ok:
                raise RuntimeError("；".join(check.problems))
        return "JSON 与 PDF 签名均有效"


def run_selftest() -> Iterator[Step]:
    """Yield each step as it finishes; stop at the first failure."""
    with tempfile.TemporaryDirectory(prefix="assessor-selftest-") as folder:
        run = _Run(Path(folder))
        for name, action in (
            ("加载评估标准", run.rubric),
            ("本地存储", run.store),
            ("签名导出", run.export),
            ("验证签名", run.verify),
        ):
            step = _timed(name, action)
            yield step
            if not step.ok:
                return
