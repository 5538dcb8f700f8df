"""Loading a rubric file: parse, check the whole structure, report every problem at once."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from assessor.core.canonical import canonical_sha256
from assessor.core.problems import Problem, ProblemsError, problems_from_validation
from assessor.core.rubric.ladder import ladder_problems
from assessor.core.rubric.model import (
    RUBRIC_FORMAT_V1,
    Basis,
    CheckParameters,
    Dimension,
    Indicator,
    Item,
    Rubric,
)
from assessor.core.safe_input import parse_json_strict, read_regular_file

_EPSILON = 1e-9
# The national rubric is ~150 KB; a province's with long texts stays far below this.
MAX_RUBRIC_BYTES = 8 * 1024 * 1024


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=_EPSILON)


def _fmt(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class LoadedRubric:
    """A validated rubric with its content hash and lookups by indicator id."""

    rubric: Rubric
    source: str = ""
    _parents: dict[str, tuple[Dimension, Item]] = field(default_factory=dict, repr=False)
    # The JSON the rubric was parsed from, kept for `sha256`.
    _data: object = field(default=None, repr=False)

    @classmethod
    def of(cls, rubric: Rubric, source: str = "", data: object = None) -> LoadedRubric:
        """`data` is the JSON the rubric was parsed from (see `sha256`)."""
        parents = {
            ind.id: (dim, item)
            for dim in rubric.dimensions
            for item in dim.items
            for ind in item.indicators
        }
        return cls(rubric, source, parents, data)

    @cached_property
    def sha256(self) -> str:
        """The content hash, taken over the JSON the rubric was parsed from rather than over
        the model, so that a later release which adds optional fields to the model still finds
        the rubric an old assessment names by the same hash.

        Computed at first need, from the data this object was loaded from (so never stale):
        RFC 8785 of the national rubric takes ~25 ms, which a start that shows only the home
        list should not pay."""
        return canonical_sha256(self.rubric if self._data is None else self._data)

    @cached_property
    def indicators(self) -> list[Indicator]:
        """Every indicator in rubric order."""
        return [ind for _, _, ind in self.walk()]

    @cached_property
    def by_id(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    def walk(self) -> Iterator[tuple[Dimension, Item, Indicator]]:
        for dim in self.rubric.dimensions:
            for item in dim.items:
                for ind in item.indicators:
                    yield dim, item, ind

    def dimension_of(self, indicator_id: str) -> Dimension:
        return self._parents[indicator_id][0]

    def item_of(self, indicator_id: str) -> Item:
        return self._parents[indicator_id][1]

    @cached_property
    def basic_indicators(self) -> list[Indicator]:
        return [ind for ind in self.indicators if ind.basic is not None]


def parse_rubric(text: str | bytes, where: str) -> LoadedRubric:
    """Parse and validate rubric JSON; raise ProblemsError listing every problem."""
    data = parse_json_strict(text, where)
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(where, exc)) from exc
    problems = structural_problems(rubric, where)
    if problems:
        raise ProblemsError(problems)
    return LoadedRubric.of(rubric, where, data)


def load_rubric(path: str | Path) -> LoadedRubric:
    return parse_rubric(read_regular_file(Path(path), MAX_RUBRIC_BYTES), str(path))


def structural_problems(rubric: Rubric, where: str) -> list[Problem]:
    """Rules that need the whole tree: ids, sums, levels, basic count, grade rule."""
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(Problem(where, path, message))

    _check_unique_ids(rubric, add)
    dim_sum = 0.0
    for d, dim in enumerate(rubric.dimensions):
        dpath = f"dimensions[{d}]"
        item_sum = 0.0
        for i, item in enumerate(dim.items):
            ipath = f"{dpath}.items[{i}]"
            if not item.id.startswith(dim.id + "."):
                add(f"{ipath}.id", f"项目编号 {item.id} 不属于维度 {dim.id}")
            ind_sum = 0.0
            for k, ind in enumerate(item.indicators):
                kpath = f"{ipath}.indicators[{k}]"
                if not ind.id.startswith(item.id + "."):
                    add(f"{kpath}.id", f"指标编号 {ind.id} 不属于项目 {item.id}")
                _check_indicator(ind, kpath, add)
                ladder_problems(ind, kpath, add)
                _check_basic_na(ind, kpath, strict=rubric.format != RUBRIC_FORMAT_V1, add=add)
                ind_sum += ind.max
            if not _same(ind_sum, item.max):
                add(
                    f"{ipath}.max",
                    f"项目 {item.id} 满分为 {_fmt(item.max)}，但其指标满分之和为 {_fmt(ind_sum)}",
                )
            item_sum += item.max
        if not _same(item_sum, dim.max):
            add(
                f"{dpath}.max",
                f"维度 {dim.id} 满分为 {_fmt(dim.max)}，但其项目满分之和为 {_fmt(item_sum)}",
            )
        dim_sum += dim.max
    if not _same(dim_sum, rubric.total):
        add("total", f"总分为 {_fmt(rubric.total)}，但各维度满分之和为 {_fmt(dim_sum)}")

    basic = sum(1 for d in rubric.dimensions for it in d.items for i in it.indicators if i.basic)
    if basic != rubric.basic_count:
        add("basic_count", f"声明基础指标 {rubric.basic_count} 项，实际标记了 {basic} 项")
    _check_grade_rule(rubric, add)
    if rubric.format == RUBRIC_FORMAT_V1:
        _check_format1_parameters(rubric.check_parameters, add)
    else:
        _check_format2(rubric, add)
    _check_bases(rubric, add)
    return problems


def _check_unique_ids(rubric: Rubric, add) -> None:
    ids: Counter[str] = Counter()
    paths: dict[str, str] = {}
    for d, dim in enumerate(rubric.dimensions):
        ids[dim.id] += 1
        paths.setdefault(dim.id, f"dimensions[{d}].id")
        for i, item in enumerate(dim.items):
            ids[item.id] += 1
            paths.setdefault(item.id, f"dimensions[{d}].items[{i}].id")
            for k, ind in enumerate(item.indicators):
                ids[ind.id] += 1
                paths.setdefault(ind.id, f"dimensions[{d}].items[{i}].indicators[{k}].id")
    for ident, count in ids.items():
        if count > 1:
            add(paths[ident], f"编号 {ident} 重复出现 {count} 次")


def _check_indicator(ind: Indicator, path: str, add) -> None:
    points = [lv.points for lv in ind.levels]
    for n, p in enumerate(points):
        if p > ind.max + _EPSILON:
            add(f"{path}.levels[{n}].points", f"分值 {_fmt(p)} 超过指标满分 {_fmt(ind.max)}")
    if len(set(points)) != len(points):
        add(f"{path}.levels", "评分档次的分值重复")
    if not any(_same(p, ind.max) for p in points):
        add(f"{path}.levels", f"没有满分档（{_fmt(ind.max)} 分）")
    if ind.basic is not None and all(_same(p, ind.max) for p in points):
        add(f"{path}.levels", "基础指标必须有低于满分的“未达标”档")
    if ind.na_allowed and not ind.na_condition.strip():
        add(f"{path}.na_condition", "允许“不适用”的指标必须写明适用条件")


def _check_basic_na(ind: Indicator, path: str, strict: bool, add) -> None:
    """Whether a basic indicator may be N/A is its own explicit choice (format 2); a veto
    threshold must leave a level that vetoes (any format)."""
    basic = ind.basic
    if basic is None:
        return
    if basic.veto_below is not None:
        if basic.veto_below > ind.max + _EPSILON:
            add(f"{path}.basic.veto_below", f"否决线 {_fmt(basic.veto_below)} 超过指标满分")
        elif not any(lv.points < basic.veto_below - _EPSILON for lv in ind.levels):
            add(f"{path}.basic.veto_below", "没有低于否决线的评分档次，否决永远不会发生")
    if not strict:
        return
    if ind.na_allowed and not basic.na_allowed:
        add(
            f"{path}.na_allowed",
            "基础指标不得判定为不适用，除非在 basic.na_allowed 中明确允许并写明不适用条件",
        )
    if basic.na_allowed and not (ind.na_allowed and ind.na_condition.strip()):
        add(f"{path}.basic.na_allowed", "允许不适用的基础指标须同时设 na_allowed 并写明不适用条件")


def _check_format1_parameters(params: CheckParameters, add) -> None:
    for name in ("health_fulltime_from_children", "indoor_m2_per_child", "outdoor_m2_per_child"):
        if getattr(params, name) is None:
            add(f"check_parameters.{name}", "格式 1 的评估标准文件必须填写此参数")


_FORMAT2_PARAMETERS = (
    "health_children_per_fulltime",
    "health_basis",
    "outdoor_m2_per_place",
    "outdoor_m2_per_place_constrained",
    "room_verified",
    "area_basis",
    "home_care_basis",
)
_FORMAT1_ONLY = ("health_fulltime_from_children", "indoor_m2_per_child", "outdoor_m2_per_child")


def _check_format2(rubric: Rubric, add) -> None:
    """Format 2 names what everything rests on: documents, bases and a change log."""
    if not rubric.documents:
        add("documents", "格式 2 的评估标准文件必须列出依据文件")
    seen: set[str] = set()
    for n, doc in enumerate(rubric.documents):
        if doc.id in seen:
            add(f"documents[{n}].id", f"依据文件编号 {doc.id} 重复")
        seen.add(doc.id)
    for d, dim in enumerate(rubric.dimensions):
        for i, item in enumerate(dim.items):
            for k, ind in enumerate(item.indicators):
                if ind.basis is None:
                    add(
                        f"dimensions[{d}].items[{i}].indicators[{k}].basis",
                        f"指标 {ind.id} 缺少依据（basis）",
                    )
    params = rubric.check_parameters
    for name in _FORMAT2_PARAMETERS:
        if getattr(params, name) is None:
            add(f"check_parameters.{name}", "格式 2 的评估标准文件必须填写此参数")
    for name in _FORMAT1_ONLY:
        if getattr(params, name) is not None:
            add(f"check_parameters.{name}", "这是格式 1 的参数，格式 2 中应删除")
    if not params.home_care_scope.strip():
        add("check_parameters.home_care_scope", "必须说明家庭托育点是否适用本标准")
    for kind, limit in params.class_limits.items():
        where = f"check_parameters.class_limits.{kind}"
        if limit.basis is None:
            add(f"{where}.basis", f"{limit.label}的参数缺少依据（basis）")
        if limit.min_room_m2 is None:
            add(f"{where}.min_room_m2", f"缺少{limit.label}活动用房面积下限")
    targets = _change_targets(rubric)
    for c, change in enumerate(rubric.changes):
        for e, entry in enumerate(change.entries):
            if entry.target not in targets:
                add(f"changes[{c}].entries[{e}].target", f"修订对象 {entry.target} 不存在")


def _change_targets(rubric: Rubric) -> set[str]:
    ids = {dim.id for dim in rubric.dimensions}
    ids |= {item.id for dim in rubric.dimensions for item in dim.items}
    ids |= {ind.id for dim in rubric.dimensions for item in dim.items for ind in item.indicators}
    params = rubric.check_parameters
    ids |= {f"check_parameters.{name}" for name in type(params).model_fields}
    ids |= {f"check_parameters.class_limits.{kind}" for kind in params.class_limits}
    return ids | {"rubric", "grade_rule", "na_rule", "basic_count"}


def _bases(rubric: Rubric) -> list[tuple[str, Basis]]:
    """Every basis in the rubric with its path."""
    found: list[tuple[str, Basis]] = []
    for d, dim in enumerate(rubric.dimensions):
        for i, item in enumerate(dim.items):
            for k, ind in enumerate(item.indicators):
                if ind.basis is not None:
                    found.append((f"dimensions[{d}].items[{i}].indicators[{k}].basis", ind.basis))
    params = rubric.check_parameters
    for name in ("health_basis", "area_basis", "home_care_basis"):
        basis = getattr(params, name)
        if basis is not None:
            found.append((f"check_parameters.{name}", basis))
    for kind, limit in params.class_limits.items():
        if limit.basis is not None:
            found.append((f"check_parameters.class_limits.{kind}.basis", limit.basis))
    for c, change in enumerate(rubric.changes):
        for e, entry in enumerate(change.entries):
            found.append((f"changes[{c}].entries[{e}].basis", entry.basis))
    return found


def _check_bases(rubric: Rubric, add) -> None:
    known = {doc.id for doc in rubric.documents}
    for path, basis in _bases(rubric):
        if not basis.refs and not basis.project:
            add(path, "依据为空：应引用依据文件，或标明本项目拟定（project）")
        for n, ref in enumerate(basis.refs):
            if ref.document not in known:
                add(f"{path}.refs[{n}].document", f"依据文件 {ref.document} 不在 documents 列表中")


def _check_grade_rule(rubric: Rubric, add) -> None:
    rule = rubric.grade_rule
    mins = [b.min_total for b in rule.bands]
    if any(a <= b for a, b in itertools.pairwise(mins)):
        add("grade_rule.bands", "等级分档必须按最低分从高到低排列且互不相同")
    for n, band in enumerate(rule.bands):
        if band.min_total > rubric.total:
            add(f"grade_rule.bands[{n}].min_total", f"分档最低分超过总分 {_fmt(rubric.total)}")
    grades = [b.grade for b in [*rule.bands, rule.fallback]]
    if len(set(grades)) != len(grades):
        add("grade_rule.bands", "等级名称重复")
    if rule.veto_grade not in grades:
        add("grade_rule.veto_grade", f"否决后的等级 {rule.veto_grade} 不在等级列表 {grades} 中")
