"""What statistics need from the rubrics the selected assessments were scored against.

Grades are ordered best first as the rubric's grade rule lists them; indicator short names and
the list of basic (veto) indicators come from the rubric too. A rubric that is not at hand
(neither bundled nor given) still gets its figures, labelled by clause number alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from assessor.core.rubric.registry import known_rubrics
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.grade import ranked_bands


@dataclass
class RubricFacts:
    grades: list[str] = field(default_factory=list)  # best first
    top_grades: set[str] = field(default_factory=set)
    bottom_grades: set[str] = field(default_factory=set)
    shorts: dict[str, str] = field(default_factory=dict)
    basic: dict[str, list[str]] = field(default_factory=dict)  # rubric sha256 → basic ids
    dimension_order: dict[str, int] = field(default_factory=dict)
    dimension_names: dict[str, str] = field(default_factory=dict)
    indicators_by_dimension: dict[str, list[str]] = field(default_factory=dict)

    def grade_rank(self, grade: str) -> tuple[int, str]:
        return (
            (self.grades.index(grade), grade) if grade in self.grades else (len(self.grades), grade)
        )

    def short(self, indicator: str) -> str:
        return self.shorts.get(indicator, indicator)

    def dimension_rank(self, dimension: str) -> tuple[int, int, str]:
        if dimension in self.dimension_order:
            return (0, self.dimension_order[dimension], dimension)
        return (1, int(dimension) if dimension.isdigit() else 0, dimension)


def rubric_facts(hashes: Iterable[str], extra: Iterable[LoadedRubric] = ()) -> RubricFacts:
    wanted = set(hashes)
    facts = RubricFacts()
    for rubric in known_rubrics(extra):
        if rubric.sha256 not in wanted or rubric.sha256 in facts.basic:
            continue
        bands = [b.grade for b in ranked_bands(rubric.rubric.grade_rule)]
        facts.grades += [g for g in bands if g not in facts.grades]
        facts.top_grades.add(bands[0])
        facts.bottom_grades.add(bands[-1])
        facts.basic[rubric.sha256] = [ind.id for ind in rubric.indicators if ind.basic is not None]
        for ind in rubric.indicators:
            facts.shorts.setdefault(ind.id, ind.short)
        for n, dim in enumerate(rubric.rubric.dimensions):
            facts.dimension_order.setdefault(dim.id, n)
            facts.dimension_names.setdefault(dim.id, dim.name)
            listed = facts.indicators_by_dimension.setdefault(dim.id, [])
            listed += [
                ind.id for item in dim.items for ind in item.indicators if ind.id not in listed
            ]
    return facts
