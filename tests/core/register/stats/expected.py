"""Statistics computed in the tests straight from the signed files (plain JSON) and the rubric
file, the slow obvious way, without the register or any statistics code of the app."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

Doc = dict[str, Any]


def exact(value: Any) -> Fraction:
    return Fraction(Decimal(str(value)))


def two_places(value: Fraction) -> Decimal:
    quotient = Decimal(value.numerator) / Decimal(value.denominator)
    return quotient.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade_counts(docs: Iterable[Doc]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for doc in docs:
        counts[doc["result"]["grade"]] += 1
    return dict(counts)


def mean_total(docs: list[Doc]) -> Decimal:
    return two_places(sum(exact(d["result"]["total"]) for d in docs) / len(docs))


def dimension_figures(docs: list[Doc]) -> dict[str, tuple[int, Decimal, Decimal, Decimal]]:
    """Dimension id → (count, mean %, median %, minimum %)."""
    shares: dict[str, list[Fraction]] = defaultdict(list)
    for doc in docs:
        for dim in doc["result"]["dimensions"]:
            shares[dim["id"]].append(exact(dim["score"]) / exact(dim["max"]))
    return {
        dim: (
            len(values),
            two_places(sum(values) / len(values) * 100),
            two_places(Fraction(statistics.median(values)) * 100),
            two_places(min(values) * 100),
        )
        for dim, values in shares.items()
    }


def indicator_means(docs: list[Doc], maxima: dict[str, tuple[str, str]]) -> list[tuple]:
    """(mean share, indicator id, count) for every indicator, lowest first."""
    shares: dict[str, list[Fraction]] = defaultdict(list)
    for doc in docs:
        for entry in doc["scores"]:
            if entry["na"] or entry["score"] is None:
                continue
            shares[entry["indicator"]].append(
                exact(entry["score"]) / exact(maxima[entry["indicator"]][0])
            )
    return sorted((sum(v) / len(v), ind, len(v)) for ind, v in shares.items())


def fired(doc: Doc) -> list[str]:
    return [v["indicator"] for v in doc["result"]["vetoes"] if v["status"] == "unmet"]


def reassessments(docs: list[Doc]) -> dict[str, tuple[int, Decimal, Decimal]]:
    """USCC → (assessments, first total, latest total) for centres assessed more than once."""
    by_centre: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        by_centre[doc["centre"]["uscc"]].append(doc)
    out = {}
    for uscc, group in by_centre.items():
        if len(group) < 2:
            continue
        group.sort(key=lambda d: (d["visit"]["date"], d["signature"]["signed_at"]))
        first, latest = group[0]["result"]["total"], group[-1]["result"]["total"]
        out[uscc] = (len(group), Decimal(str(first)), Decimal(str(latest)))
    return out


def answered_for(doc: Doc, dimension: str) -> set[str]:
    """Assessor ids answering for a dimension: a team's responsible members (assignment of an
    indicator, else of its dimension, else the leader), else every named assessor."""
    team = doc.get("team")
    if not team:
        return {a["assessor_id"] for a in doc["visit"]["assessors"]}
    keys = {m["id"]: m["assessor_id"] for m in team["members"]}
    assignment = team["assignment"]
    indicators = [
        s["indicator"] for s in doc["scores"] if s["indicator"].split(".")[0] == dimension
    ]
    chosen = {assignment.get(i) or assignment.get(dimension, team["leader"]) for i in indicators}
    return {keys[m] for m in chosen if keys[m]}


def calibration(docs: list[Doc]) -> dict[str, tuple[int, int, Decimal | None]]:
    """Assessor id → (assessments, compared, mean signed difference from comparable others).

    For each of the assessor's assessments: over the dimensions they answered for, the
    dimension's score minus its mean score in the assessments of the same district and centre
    kind where the assessor did not answer for that dimension; summed per assessment.
    """
    out = {}
    ids = {a for d in docs for m in d["result"]["dimensions"] for a in answered_for(d, m["id"])}
    for assessor in ids:
        own = [
            d
            for d in docs
            if any(assessor in answered_for(d, m["id"]) for m in d["result"]["dimensions"])
        ]
        differences = []
        for doc in own:
            cell = (doc["centre"]["division_code"], doc["centre"]["kind"])
            parts = []
            for dim in doc["result"]["dimensions"]:
                if assessor not in answered_for(doc, dim["id"]):
                    continue
                others = [
                    exact(m["score"])
                    for d in docs
                    if (d["centre"]["division_code"], d["centre"]["kind"]) == cell
                    for m in d["result"]["dimensions"]
                    if m["id"] == dim["id"] and assessor not in answered_for(d, m["id"])
                ]
                if others:
                    parts.append(exact(dim["score"]) - sum(others) / len(others))
            if parts:
                differences.append(sum(parts))
        mean = two_places(sum(differences) / len(differences)) if differences else None
        out[assessor] = (len(own), len(differences), mean)
    return out


def held_by_same_centre(docs: list[Doc]) -> set[str]:
    """Ids of current assessments that share their centre and calendar year with another:
    the register flags them, and a bulk confirm leaves them alone."""
    per_cycle: dict[tuple[str, str], list[str]] = defaultdict(list)
    for doc in docs:
        per_cycle[(doc["centre"]["uscc"], doc["visit"]["date"][:4])].append(doc["id"])
    return {i for ids in per_cycle.values() if len(ids) > 1 for i in ids}
