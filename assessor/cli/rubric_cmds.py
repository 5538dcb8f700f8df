"""`assessor rubric …`: check and show rubric files, and convert them to and from Excel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from assessor.cli.common import FILE
from assessor.core.canonical import NotCanonical
from assessor.core.problems import ProblemsError, UserError
from assessor.core.rubric.basis import describe_basis, grounding
from assessor.core.rubric.model import Source
from assessor.core.rubric.provenance import grounding_counts, grounding_note
from assessor.core.rubric.validate import LoadedRubric, load_rubric
from assessor.core.rubric.xlsx import rubric_from_xlsx, rubric_to_xlsx
from assessor.core.storage.atomic import atomic_write_bytes

_XLSX_SUFFIXES = {".xlsx", ".xlsm"}


@click.group("rubric")
def command() -> None:
    """评估标准文件：检查、查看，以及与 Excel 表格互相转换。"""


def load_any(path: Path) -> LoadedRubric:
    """A rubric from a JSON file or from a workbook in the `rubric to-xlsx` layout."""
    if path.suffix.lower() in _XLSX_SUFFIXES:
        return rubric_from_xlsx(path)
    return load_rubric(path)


@command.command("check")
@click.argument("path", type=FILE)
def check(path: Path) -> None:
    """检查评估标准文件（.json 或 .xlsx），列出发现的全部问题。"""
    try:
        loaded = load_any(path)
        # Part of the check: files name a rubric by this hash, and some data has none.
        loaded.sha256  # noqa: B018
    except ProblemsError as exc:
        raise UserError(
            f"评估标准 {path} 未通过检查，共 {len(exc.problems)} 个问题：\n{exc}"
        ) from exc
    except NotCanonical as exc:
        raise UserError(f"评估标准 {path} 未通过检查：{exc}") from exc
    click.echo(f"评估标准 {path} 检查通过。")
    click.echo(render_summary(loaded))


@command.command("show")
@click.argument("path", type=FILE)
@click.option("--json", "as_json", is_flag=True, help="输出机器可读的 JSON")
def show(path: Path, as_json: bool) -> None:
    """显示评估标准的结构：维度、项目、指标及其分值。"""
    loaded = load_any(path)
    if as_json:
        click.echo(json.dumps(summary_json(loaded), ensure_ascii=False, indent=2))
    else:
        click.echo(render_tree(loaded))


@command.command("to-xlsx")
@click.argument("rubric_path", metavar="RUBRIC", type=FILE)
@click.option("-o", "--out", required=True, type=FILE, help="要写出的 Excel 表格（.xlsx）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
def to_xlsx(rubric_path: Path, out: Path, force: bool) -> None:
    """把评估标准文件转换为 Excel 表格，供按标准文本或属地细则修改。"""
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件 {out} 应以 .xlsx 结尾")
    _refuse_existing(out, force)
    loaded = load_any(rubric_path)
    rubric_to_xlsx(loaded, out)
    click.echo(f"已写入 {out}（{len(loaded.indicators)} 项指标）")
    click.echo(
        f"填写说明见表格中的「说明」工作表；改好后运行：assessor rubric from-xlsx {out} -o 评估标准.json"
    )


@command.command("from-xlsx")
@click.argument("table", metavar="TABLE.xlsx", type=FILE)
@click.option("-o", "--out", required=True, type=FILE, help="要写出的评估标准文件（.json）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
def from_xlsx(table: Path, out: Path, force: bool) -> None:
    """把填写好的 Excel 表格转换为评估标准文件（JSON）；表格有问题时不写出任何文件。"""
    _refuse_existing(out, force)
    try:
        loaded = rubric_from_xlsx(table)
    except ProblemsError as exc:
        raise UserError(
            f"表格 {table} 有 {len(exc.problems)} 个问题，未写入 {out}：\n{exc}"
        ) from exc
    text = json.dumps(loaded.rubric.model_dump(mode="json"), ensure_ascii=False, indent=2)
    try:
        atomic_write_bytes(out, (text + "\n").encode("utf-8"))
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}") from exc
    click.echo(f"已写入 {out}（{len(loaded.indicators)} 项指标）")
    click.echo(f"SHA-256：{loaded.sha256}")


def _refuse_existing(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise UserError(f"{out} 已存在，未作改动；如要覆盖请加 --force")


def summary_json(loaded: LoadedRubric) -> dict[str, Any]:
    rubric = loaded.rubric
    return {
        "code": rubric.code,
        "title": rubric.title,
        "version": rubric.version,
        "sha256": loaded.sha256,
        "total": rubric.total,
        "grade_rule": rubric.grade_rule.model_dump(mode="json"),
        "dimensions": [{"id": d.id, "name": d.name, "max": d.max} for d in rubric.dimensions],
        "basic_count": rubric.basic_count,
        "indicators": [
            {
                "id": ind.id,
                "dimension": dim.id,
                "max": ind.max,
                "levels": [lv.points for lv in ind.levels],
                "basic": ind.basic is not None,
                "na_allowed": ind.na_allowed,
                "grounding": grounding(rubric, ind).value,
                "basis": None if ind.basis is None else ind.basis.model_dump(mode="json"),
                "basis_text": describe_basis(rubric, ind.basis),
            }
            for dim, _, ind in loaded.walk()
        ],
        "documents": [doc.model_dump(mode="json") for doc in rubric.documents],
        "grounding_counts": {g.value: n for g, n in grounding_counts(loaded).items()},
    }


def unverified_notices(loaded: LoadedRubric) -> list[str]:
    """What in the rubric is still a default or a draft, so nobody mistakes it for the standard."""
    rubric = loaded.rubric
    notices: list[str] = []
    if not rubric.grade_rule.verified:
        notices.append(f"等级规则未核实：{rubric.grade_rule.notice}")
    basic = loaded.basic_indicators
    unverified = [ind.id for ind in basic if ind.basic is not None and not ind.basic.verified]
    if unverified:
        notices.append(f"基础指标名单未核实：{len(basic)} 项中有 {len(unverified)} 项未核实")
    params = rubric.check_parameters
    groups = [
        ("卫生保健人员配备", params.health_verified),
        ("户外面积", params.area_verified),
        ("家庭托育点规模", params.home_care_verified),
    ]
    if params.room_verified is not None:
        groups.append(("班级活动用房面积", params.room_verified))
    for limit in params.class_limits.values():
        groups.append((f"{limit.label}班额", limit.verified))
        if limit.children_per_carer is not None:
            groups.append((f"{limit.label}配比", limit.ratio_is_verified()))
    missing = [name for name, verified in groups if not verified]
    if missing:
        notices.append(f"核查参数未核实：{'、'.join(missing)}")
    drafted = sum(1 for ind in loaded.indicators if ind.source is Source.drafted)
    secondary = sum(1 for ind in loaded.indicators if ind.source is Source.secondary)
    if drafted or secondary:
        notices.append(
            f"指标文字：{drafted} 项为拟定，{secondary} 项来自公开资料，均待以标准原文替换"
        )
    return notices


def render_summary(loaded: LoadedRubric) -> str:
    rubric = loaded.rubric
    lines = [
        f"标准编号：{rubric.code}",
        f"标准名称：{rubric.title}",
        f"数据版本：{rubric.version}",
        f"SHA-256：{loaded.sha256}",
        f"总分：{rubric.total:g}",
        "评估维度：",
        *(f"  {d.id} {d.name}：{d.max:g} 分" for d in rubric.dimensions),
        f"评估指标：{len(loaded.indicators)} 项，其中基础指标 {rubric.basic_count} 项",
    ]
    grounded = grounding_note(loaded)
    if grounded:
        lines.append(f"依据：{grounded}")
    notices = unverified_notices(loaded)
    if notices:
        lines.append("未核实事项：")
        lines.extend(f"  · {notice}" for notice in notices)
    else:
        lines.append("未核实事项：无")
    return "\n".join(lines)


def render_tree(loaded: LoadedRubric) -> str:
    rubric = loaded.rubric
    lines = [
        f"{rubric.code}《{rubric.title}》 数据版本 {rubric.version}",
        f"SHA-256：{loaded.sha256}",
        f"总分 {rubric.total:g}，指标 {len(loaded.indicators)} 项，"
        f"基础指标 {rubric.basic_count} 项",
        f"等级规则：{rubric.grade_rule.text}",
        "",
    ]
    for dim in rubric.dimensions:
        lines.append(f"{dim.id} {dim.name}（{dim.max:g} 分）")
        for item in dim.items:
            lines.append(f"  {item.id} {item.name}（{item.max:g} 分）")
            for ind in item.indicators:
                levels = "/".join(f"{lv.points:g}" for lv in ind.levels)
                marks = ("［基础指标］" if ind.basic else "") + (
                    "［可不适用］" if ind.na_allowed else ""
                )
                if ind.basic is not None and ind.basic.veto_below is not None:
                    marks += f"［低于 {ind.basic.veto_below:g} 分否决］"
                lines.append(f"    {ind.id} {ind.short}（{ind.max:g} 分；档次 {levels}）{marks}")
    return "\n".join(lines)
