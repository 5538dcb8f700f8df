"""A realistic rubric (7 dimensions, ~120 indicators), a fully scored assessment, and a
rendered report with access to poppler's tools, for the report tests.

The rubric is built in code so the report tests do not depend on the bundled data file.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessor.core.assessment.model import (
    AssessorRef,
    CareType,
    Centre,
    ClassGroup,
    ClassKind,
    Evidence,
    IndicatorScore,
    Operator,
    StaffCounts,
    Visit,
)
from assessor.core.assessment.uscc import check_character
from assessor.core.document.new import new_assessment
from assessor.core.report.render import RenderedReport, render_report
from assessor.core.rubric.validate import LoadedRubric, parse_rubric
from assessor.core.scoring.checks import run_checks
from assessor.core.scoring.engine import compute_result
from tests.factories import rubric_data

DIMENSIONS = [
    ("4", "办托条件", 100, ["资质条件", "环境与场地", "设施设备", "玩具与材料"]),
    ("5", "托育队伍", 140, ["人员配备", "人员资质", "培训与发展"]),
    ("6", "保育照护", 200, ["一日生活", "喂养与进餐", "睡眠与如厕", "游戏与学习", "回应性照护"]),
    ("7", "卫生保健", 210, ["健康检查", "健康档案", "膳食营养", "疾病预防", "环境卫生"]),
    ("8", "养育支持", 80, ["家园沟通", "养育指导"]),
    ("9", "安全保障", 200, ["安全管理", "设施安全", "技术防范", "应急处置", "安全教育"]),
    ("10", "机构管理", 70, ["组织管理", "信息公开与收费"]),
]

SHORTS = [
    "营业执照经营范围含托育服务",
    "消防安全检查合格且在有效期内",
    "生活用房设在三层及以下",
    "室内空气质量符合标准",
    "玩具材料安全卫生、数量充足",
    "负责人具备相应学历和管理经验",
    "工作人员持有效健康证明",
    "工作人员无违法犯罪记录",
    "保育人员岗前培训不少于规定学时",
    "一日生活安排合理、动静交替",
    "鼓励婴幼儿自主进食",
    "睡眠环境安静、安全、有专人看护",
    "晨午检和全日健康观察记录完整",
    "食谱每周更换并公示",
    "过敏婴幼儿的膳食有替代方案",
    "缺勤婴幼儿有专人追踪",
    "定期开展家长开放日和育儿指导",
    "视频监控覆盖全部生活活动区域",
    "监控录像保存不少于90日",
    "定期组织应急疏散演练",
    "投保托育机构责任保险",
    "收费项目和标准公开透明",
]

LEVELS_10 = [
    (10, "符合", "完全符合要求：制度健全，资料齐全，现场查看、访谈与记录一致。"),
    (6, "部分符合", "基本符合要求，但资料不全或执行不到位，存在个别问题（不超过两处）。"),
    (0, "不符合", "不符合要求，或无法提供相关资料。"),
]
LEVELS_5 = [
    (5, "符合", "完全符合要求，现场查看与资料一致。"),
    (3, "部分符合", "基本符合要求，存在个别不足。"),
    (0, "不符合", "不符合要求。"),
]

LONG_NOTE = (
    "现场查看发现，托小班午睡室窗帘未完全遮光，部分床铺间距不足，"
    "保育人员在午睡期间有离岗情况（约十分钟），未见交接记录；"
    "查阅资料：午睡巡查记录表自上月起缺少三天的签字。访谈两名保育人员，"
    "均能说出午睡看护要点，但对突发情况的处置流程表述不一致！建议：统一培训、"
    "完善交接制度，并在下次评估前提交整改报告。另，卫生间防滑垫已老化，"
    "需尽快更换；消毒记录基本完整，但紫外线灯使用时长记录不规范，"
    "应按《托儿所幼儿园卫生保健工作规范》要求逐日登记。"
)
ESCAPE_NOTE = "门禁记录显示 <A区> & <B区> 均有登记；比例 a<b&c>d，见附件。"


def _levels(points: list[tuple[float, str, str]]) -> list[dict[str, Any]]:
    return [{"points": p, "label": label, "criterion": c} for p, label, c in points]


def _points_for(total: int) -> list[int]:
    # Mostly 10-point indicators with some 5-point ones, adding up exactly to the dimension.
    out: list[int] = []
    pattern = [10, 10, 5]
    while sum(out) < total:
        p = pattern[len(out) % 3]
        out.append(min(p, total - sum(out)))
    return out


def synthetic_rubric_data(*, verified_rule: bool = False, drafted: bool = True) -> dict[str, Any]:
    dims: list[dict[str, Any]] = []
    counter = 0
    basic_left = 16
    for dim_id, name, total, item_names in DIMENSIONS:
        pts = _points_for(total)
        per_item = -(-len(pts) // len(item_names))
        items: list[dict[str, Any]] = []
        for i, item_name in enumerate(item_names):
            chunk = pts[i * per_item : (i + 1) * per_item]
            if not chunk:
                continue
            indicators: list[dict[str, Any]] = []
            for k, p in enumerate(chunk, start=1):
                ind_id = f"{dim_id}.{i + 1}.{k}"
                basic = basic_left > 0 and counter % 7 == 3
                if basic:
                    basic_left -= 1
                    levels = [(p, "达标", "完全达到要求。"), (0, "未达标", "未达到要求。")]
                else:
                    levels = [(p, *LEVELS_10[0][1:])] if p == 10 else [(p, *LEVELS_5[0][1:])]
                    levels += LEVELS_10[1:] if p == 10 else LEVELS_5[1:]
                na = dim_id == "7" and item_name == "膳食营养"
                indicators.append(
                    {
                        "id": ind_id,
                        "text": f"{SHORTS[counter % len(SHORTS)]}。评估内容的完整表述，用于评估界面。",
                        "short": SHORTS[counter % len(SHORTS)],
                        "max": p,
                        "levels": _levels(levels),
                        "methods": ["documents", "site_inspection"],
                        "basic": {"verified": False, "note": "草拟"} if basic else None,
                        "na_allowed": na,
                        "na_condition": "机构不提供膳食时不适用" if na else "",
                        "evidence_hints": ["相关记录"],
                        "checks": ["class_size", "carer_ratio"] if ind_id == "5.1.1" else [],
                        "source": "drafted" if drafted and counter % 2 else "standard",
                    }
                )
                counter += 1
            items.append(
                {
                    "id": f"{dim_id}.{i + 1}",
                    "name": item_name,
                    "max": sum(chunk),
                    "indicators": indicators,
                }
            )
        dims.append({"id": dim_id, "name": name, "max": total, "items": items})
    return rubric_data(
        dims,
        total=1000,
        basic_count=16 - basic_left,
        bands=(900, 750, 600),
        veto_grade="C",
        verified_rule=verified_rule,
        code="WS/T 821—2023",
        title="托育机构质量评估标准",
        version="test-1",
        published="2023-10-31",
        effective="2024-04-01",
    )


def synthetic_rubric(**kw: Any) -> LoadedRubric:
    return parse_rubric(json.dumps(synthetic_rubric_data(**kw), ensure_ascii=False), "synthetic")


CENTRE_NAME = "阳光宝贝托育中心（滨江店）"


def _uscc() -> str:
    first17 = "52330108MJ1234567"
    return first17 + check_character(first17)


def _note(n: int) -> str:
    return [
        "",
        "资料齐全，现场查看一致。",
        ESCAPE_NOTE,
        LONG_NOTE,
        "晨检记录完整。\n午检由保健员负责。",
    ][n % 5]


@dataclass(frozen=True)
class Scored:
    rubric: LoadedRubric
    assessment: Any
    unmet_basic: str
    na: list[str]


def scored_assessment(rubric: LoadedRubric, *, training: bool = False) -> Scored:
    """Every indicator scored: varied levels, notes with markup characters and long Chinese
    text, a few N/A, exactly one basic indicator unmet."""
    a = new_assessment(rubric, training=training)
    unmet = rubric.basic_indicators[1].id
    scores: list[IndicatorScore] = []
    na: list[str] = []
    pick = [0, 0, 1, 0, 2, 1, 0]
    added = dt.datetime(2024, 5, 20, 2, 30, tzinfo=dt.UTC)
    for n, ind in enumerate(rubric.indicators):
        levels = sorted(ind.levels, key=lambda lv: -lv.points)
        evidence = [
            Evidence(
                file=f"evidence/{ind.id}/现场照片-{k}.jpg",
                sha256=f"{n:02x}".rjust(64, "a"),
                caption="消防通道 <东侧>" if k == 1 else "",
                added_at=added,
            )
            for k in range(1, 3 if n % 4 == 0 else 1)
        ]
        if ind.na_allowed and len(na) < 3:
            na.append(ind.id)
            scores.append(IndicatorScore(indicator=ind.id, na=True, note="机构不提供膳食。"))
            continue
        if ind.basic is not None:
            level = levels[-1] if ind.id == unmet else levels[0]
        else:
            level = levels[min(pick[n % len(pick)], len(levels) - 1)]
        scores.append(
            IndicatorScore(indicator=ind.id, score=level.points, note=_note(n), evidence=evidence)
        )
    a = a.model_copy(
        update={
            "scores": scores,
            "centre": Centre(
                name=CENTRE_NAME,
                uscc=_uscc(),
                address="浙江省杭州市滨江区江南大道 1000 号 2 幢 1—3 层",
                division_code="330108",
                operator=Operator.private_nonprofit,
                care_types=[CareType.full_day, CareType.hourly],
                places=80,
                classes=[
                    ClassGroup(name="小星星", kind=ClassKind.infant, children=9, carers=3),
                    ClassGroup(name="小月亮", kind=ClassKind.toddler_small, children=16, carers=3),
                    ClassGroup(name="小太阳", kind=ClassKind.toddler_large, children=18, carers=3),
                ],
                staff=StaffCounts(principal=1, carers=9, health_fulltime=1, security=1, cooks=2),
                indoor_area_m2=260,
                outdoor_area_m2=70,
            ),
            "visit": Visit(
                date=dt.date(2024, 5, 20),
                assessors=[
                    AssessorRef(name="王晓明", assessor_id="HZ-2024-017"),
                    AssessorRef(name="李娜", assessor_id="HZ-2024-021"),
                ],
            ),
        }
    )
    return Scored(rubric, a, unmet, na)


AUDIT_HEAD = "3f" * 32


@dataclass
class Rendered:
    scored: Scored
    report: RenderedReport
    path: Path
    seconds: float

    def text(self, *args: str) -> str:
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", *args, str(self.path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def tool(self, name: str) -> str:
        return subprocess.run(
            [name, str(self.path)], check=True, capture_output=True, text=True
        ).stdout


def render(scored: Scored, path: Path, *, training: bool = False, **kw: Any) -> Rendered:
    result = compute_result(scored.rubric, scored.assessment)
    findings = run_checks(scored.rubric, scored.assessment.centre)
    start = time.perf_counter()
    report = render_report(
        scored.rubric,
        scored.assessment,
        result,
        findings,
        signer_name="王晓明",
        signer_id="HZ-2024-017",
        training=training,
        audit_head=AUDIT_HEAD,
        **kw,
    )
    seconds = time.perf_counter() - start
    path.write_bytes(report.pdf)
    return Rendered(scored, report, path, seconds)
