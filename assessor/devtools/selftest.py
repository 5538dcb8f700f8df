"""A self-test of everything a packaged build needs, run headless on throwaway data.

A build that lacks a data file, a font or a module fails here rather than on a visit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assessor.core.audit import append
from assessor.core.problems import UserError
from assessor.core.rubric.registry import default_rubric

GUI_TIMEOUT_S = 120
REGISTER_FILES = 4


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

    def scoring(self) -> str:
        from assessor.core.document.new import new_assessment
        from assessor.core.scoring.engine import compute_result
        from assessor.core.scoring.grade import ranked_bands

        # Every indicator at its top level must give the rubric's full total and the best
        # grade; every one at zero must give nothing: two results known without the engine.
        best = new_assessment(self.loaded)
        best.scores = [
            s.model_copy(update={"score": max(lv.points for lv in ind.levels)})
            for s, ind in zip(best.scores, self.loaded.indicators, strict=True)
        ]
        top = compute_result(self.loaded, best)
        worst = new_assessment(self.loaded)
        worst.scores = [s.model_copy(update={"score": 0.0}) for s in worst.scores]
        bottom = compute_result(self.loaded, worst)
        best_grade = ranked_bands(self.loaded.rubric.grade_rule)[0].grade
        if (top.total, top.grade) != (self.loaded.rubric.total, best_grade):
            raise RuntimeError(f"满分样例得 {top.total:g} 分、等级 {top.grade}，不符合预期")
        if bottom.total != 0 or not top.completeness.complete:
            raise RuntimeError(f"零分样例得 {bottom.total:g} 分，不符合预期")
        return f"满分样例 {top.total:g} 分（{top.grade}），零分样例 {bottom.total:g} 分（{bottom.grade}）"

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

    def register(self) -> str:
        from assessor.core.register.register import ImportRequest, Register
        from assessor.core.register.stats_model import StatsFilter
        from assessor.core.signing.keys import training_signer
        from assessor.devtools.demo import demo_files

        incoming = self.root / "incoming"
        incoming.mkdir()
        signed = list(
            demo_files(self.loaded, training_signer(), count=REGISTER_FILES, with_pdf=False)
        )
        for n, files in enumerate(signed, 1):
            (incoming / f"{n}.json").write_bytes(files.json_bytes)
        register = Register.open(self.root / "register", create=True)
        summary = register.import_files([incoming], ImportRequest(allow_training=True))
        kept = summary.registered + summary.amendments
        if summary.inputs != len(signed) or kept != len(signed):
            raise RuntimeError(
                f"{len(signed)} 份示例文件中登记 {kept} 份，隔离 {summary.quarantined_total} 份"
            )
        stats = register.statistics(StatsFilter(), [self.loaded])
        # Each current assessment has exactly one grade; amendments replace their original.
        graded = sum(g.count for g in stats.grades.grades)
        if stats.count != summary.registered or graded != stats.count:
            raise RuntimeError(
                f"统计了 {stats.count} 份评估、{graded} 个等级，应为 {summary.registered} 份"
            )
        return (
            f"{len(signed)} 份已签名示例文件全部验证并登记（其中修订版本 {summary.amendments} 份），"
            f"统计 {stats.count} 份当前评估"
        )

    def training(self) -> str:
        from assessor.core.rubric.registry import rubric_for
        from assessor.core.training.comparison import compare
        from assessor.core.training.reference import reference_assessment
        from assessor.core.training.rule import load_rule
        from assessor.core.training.sample import SampleCentre, bundled_sample_paths
        from assessor.core.training.sealed import load_any_sample

        paths = bundled_sample_paths()
        # Every bundled sample loads; test samples ship sealed, so a practice one is compared.
        samples = [load_any_sample(path) for path in paths]
        sample = next((s for s in samples if isinstance(s, SampleCentre)), None)
        if sample is None:
            raise RuntimeError("没有找到内置的培训练习样例机构")
        rubric = rubric_for(sample.rubric)
        reference = reference_assessment(sample)
        # A trainee who gives one non-basic indicator another level agrees on all but one.
        ind = next(i for i in rubric.indicators if i.basic is None and len(i.levels) > 1)
        own = reference.score_of(ind.id)
        other = next(lv.points for lv in ind.levels if own.na or lv.points != own.score)
        trainee = reference.model_copy(
            update={
                "scores": [
                    s.model_copy(update={"score": other, "na": False})
                    if s.indicator == ind.id
                    else s
                    for s in reference.scores
                ]
            }
        )
        comparison = compare(rubric, sample, trainee, load_rule())
        total = len(rubric.indicators)
        if comparison.agreed != total - 1:
            raise RuntimeError(
                f"样例 {sample.id}：应有 {total - 1} 项一致，实为 {comparison.agreed} 项"
            )
        return (
            f"{len(paths)} 个培训样例；{sample.title}：{comparison.agreed}/{total} 项与参考评分一致"
        )

    def main_window(self) -> str:
        # A child process: the window opens exactly as on a laptop (entry point, fonts, Qt
        # plugins of a packaged build), and the command line never loads Qt itself. Its data and
        # log stay in the throwaway folder.
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "ASSESSOR_DATA_DIR": str(self.root / "gui-data"),
            "ASSESSOR_LOG_DIR": str(self.root / "gui-log"),
            # Read back as UTF-8 below, whatever this console's encoding (GBK on Chinese Windows).
            "PYTHONIOENCODING": "utf-8",
        }
        try:
            done = subprocess.run(
                [*app_command(), "--smoke-test"],
                env=env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=GUI_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"桌面程序 {GUI_TIMEOUT_S} 秒内未能打开并关闭主窗口") from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["（无输出）"])[-1]
            raise RuntimeError(f"桌面程序退出码 {done.returncode}：{last}")
        return "；".join(line.strip() for line in done.stdout.splitlines() if line.strip())


def app_command() -> list[str]:
    """How to start this installation's `assessor`: the packaged executable, or this Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "assessor"]


def run_selftest() -> Iterator[Step]:
    """Yield each step as it finishes; stop at the first failure."""
    with tempfile.TemporaryDirectory(prefix="assessor-selftest-") as folder:
        run = _Run(Path(folder))
        for name, action in (
            ("加载评估标准", run.rubric),
            ("评分", run.scoring),
            ("本地存储", run.store),
            ("签名导出", run.export),
            ("验证签名", run.verify),
            ("登记册导入与统计", run.register),
            ("培训比对", run.training),
            ("桌面程序主窗口", run.main_window),
        ):
            step = _timed(name, action)
            yield step
            if not step.ok:
                return
