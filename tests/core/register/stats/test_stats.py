"""Register statistics against figures computed independently from the signed files."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest

from assessor.core.register.db import connect, transaction
from assessor.core.register.review import Selection, set_state
from assessor.core.register.rows import ReviewState
from assessor.core.register.stats import compute_statistics
from assessor.core.register.stats_model import GroupBy, Statistics, StatsFilter
from assessor.core.register.stats_summary import catch_up, drop_summary
from tests.core.register.stats import expected
from tests.core.register.stats.corpus import (
    AMENDED,
    COUNT,
    REASSESSED,
    Corpus,
    current_documents,
    indicator_maxima,
)

TODAY = dt.date(2026, 11, 30)


def _stats(register: Path, chosen: StatsFilter | None = None) -> Statistics:
    conn = connect(register)
    try:
        return compute_statistics(conn, chosen or StatsFilter(), today=TODAY)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def whole(corpus: Corpus) -> Statistics:
    return _stats(corpus.register)


def test_the_corpus_has_what_the_statistics_need(corpus: Corpus) -> None:
    docs = current_documents(corpus.files)
    assert len(docs) == COUNT  # amendments replaced their first versions
    assert sum(d["version"] == 2 for d in docs) == len(AMENDED)
    assert len(expected.reassessments(docs)) == len(REASSESSED)
    assert {d["result"]["grade"] for d in docs} >= {"A", "B"}
    assert any(d["result"]["grade"] == "A" and not expected.fired(d) for d in docs)
    assert any(expected.fired(d) or d["result"]["grade"] == "D" for d in docs)
    assert all(compared > 0 for _, compared, _ in expected.calibration(docs).values())


def test_grade_distribution_and_mean_total(corpus: Corpus, whole: Statistics) -> None:
    docs = current_documents(corpus.files)
    assert whole.count == whole.grades.count == len(docs)
    counts = expected.grade_counts(docs)
    assert [g.grade for g in whole.grades.grades] == ["A", "B", "C", "D"]
    for g in whole.grades.grades:
        assert g.count == counts.get(g.grade, 0)
        assert g.percent == expected.two_places(expected.Fraction(g.count * 100, len(docs)))
    assert whole.mean_total == expected.mean_total(docs)
    assert whole.training == 0


def test_dimension_mean_median_minimum(corpus: Corpus, whole: Statistics) -> None:
    figures = expected.dimension_figures(current_documents(corpus.files))
    assert [d.dimension for d in whole.dimensions] == ["4", "5", "6", "7", "8", "9", "10"]
    for d in whole.dimensions:
        assert (d.count, d.mean_percent, d.median_percent, d.min_percent) == figures[d.dimension]


def test_twenty_weakest_indicators(corpus: Corpus, whole: Statistics) -> None:
    means = expected.indicator_means(
        current_documents(corpus.files), indicator_maxima(corpus.rubric_file)
    )
    assert len(whole.weakest) == 20
    assert [(w.indicator, w.count) for w in whole.weakest] == [(i, n) for _, i, n in means[:20]]
    assert [w.mean_percent for w in whole.weakest] == [
        expected.two_places(m * 100) for m, _, _ in means[:20]
    ]
    assert all(w.short and w.dimension == w.indicator.split(".")[0] for w in whole.weakest)


def test_vetoes_by_frequency(corpus: Corpus, whole: Statistics) -> None:
    docs = current_documents(corpus.files)
    rubric = json.loads(corpus.rubric_file.read_text(encoding="utf-8"))
    basic = {
        ind["id"]
        for dim in rubric["dimensions"]
        for item in dim["items"]
        for ind in item["indicators"]
        if ind.get("basic")
    }
    fired: dict[str, int] = defaultdict(int)
    for doc in docs:
        for ind in expected.fired(doc):
            fired[ind] += 1
    assert {v.indicator for v in whole.vetoes} == basic
    assert {v.indicator: v.fired for v in whole.vetoes} == {i: fired.get(i, 0) for i in basic}
    assert all(v.count == len(docs) for v in whole.vetoes)
    assert [v.fired for v in whole.vetoes] == sorted((v.fired for v in whole.vetoes), reverse=True)


def _candidates(docs: list[dict]) -> set[str]:
    return {
        d["id"]
        for d in docs
        if d["result"]["grade"] == "A"
        and not expected.fired(d)
        and d["visit"]["date"][:4] == "2026"
    }


def test_candidates_and_red_list(corpus: Corpus, whole: Statistics) -> None:
    docs = current_documents(corpus.files)
    candidates = _candidates(docs)
    held = expected.held_by_same_centre(docs)
    red = {d["id"] for d in docs if d["result"]["grade"] == "D" or expected.fired(d)}
    assert whole.cycle == "2026"
    # Nothing confirmed yet: no centre is named as 示范, and the statistics say why.
    assert (whole.candidates, whole.candidates_count) == ([], 0)
    assert whole.candidates_held.flagged == len(candidates & held)
    assert whole.candidates_held.unconfirmed == len(candidates - held)
    assert {e.assessment_id for e in whole.red_list} == red
    assert whole.red_list_count == len(red)


def test_candidates_are_the_confirmed_with_no_open_flag(
    corpus: Corpus, register_copy: Path
) -> None:
    docs = current_documents(corpus.files)
    conn = connect(register_copy)
    result = set_state(conn, Selection(), ReviewState.confirmed, who="审核员")
    conn.close()
    held = expected.held_by_same_centre(docs)
    assert result.skipped_total == len(held)
    stats = _stats(register_copy)
    listed = _candidates(docs) - held
    assert {e.assessment_id for e in stats.candidates} == listed
    assert stats.candidates_count == len(listed)
    assert stats.candidates_held.model_dump() == {
        "flagged": len(_candidates(docs) & held), "unconfirmed": 0,
        "total": len(_candidates(docs) & held),
    }  # fmt: skip
    totals = [e.total for e in stats.candidates]
    assert totals == sorted(totals, reverse=True)
    assert stats.open_flags.assessments == len(held)


def test_lists_can_be_cut_short_and_keep_their_counts(corpus: Corpus, whole: Statistics) -> None:
    conn = connect(corpus.register)
    try:
        short = compute_statistics(conn, StatsFilter(), today=TODAY, list_limit=2)
    finally:
        conn.close()
    assert short.candidates == whole.candidates[:2] and short.red_list == whole.red_list[:2]
    assert (short.candidates_count, short.red_list_count) == (
        whole.candidates_count,
        whole.red_list_count,
    )


def test_reassessment_deltas(corpus: Corpus, whole: Statistics) -> None:
    wanted = expected.reassessments(current_documents(corpus.files))
    got = {r.uscc: (r.assessments, r.first_total, r.latest_total) for r in whole.reassessments}
    assert got == wanted
    assert all(r.delta == r.latest_total - r.first_total for r in whole.reassessments)


def test_assessor_calibration(corpus: Corpus, whole: Statistics) -> None:
    wanted = expected.calibration(current_documents(corpus.files))
    got = {c.assessor_id: (c.assessments, c.count, c.mean_difference) for c in whole.calibration}
    assert got == wanted
    assert {c.name for c in whole.calibration} == {"王芳", "李强", "陈静", "刘伟"}


def test_year_filter(corpus: Corpus) -> None:
    docs = [d for d in current_documents(corpus.files) if d["visit"]["date"].startswith("2025")]
    stats = _stats(corpus.register, StatsFilter(year=2025))
    assert stats.count == len(docs) > 0
    assert {g.grade: g.count for g in stats.grades.grades if g.count} == expected.grade_counts(docs)
    figures = expected.dimension_figures(docs)
    assert {
        d.dimension: (d.count, d.mean_percent, d.median_percent, d.min_percent)
        for d in stats.dimensions
    } == figures
    assert stats.cycle == "2025"


@pytest.mark.parametrize("by", list(GroupBy))
def test_groups(corpus: Corpus, by: GroupBy) -> None:
    docs = current_documents(corpus.files)
    keys = {
        GroupBy.district: lambda d: [d["centre"]["division_code"]],
        GroupBy.operator: lambda d: [d["centre"]["operator"] or ""],
        GroupBy.care_type: lambda d: d["centre"]["care_types"],
        GroupBy.assessor: lambda d: [a["assessor_id"] for a in d["visit"]["assessors"]],
    }[by]
    members: dict[str, list] = defaultdict(list)
    for doc in docs:
        for key in set(keys(doc)):
            members[key].append(doc)
    stats = _stats(corpus.register, StatsFilter(by=by))
    assert {g.key for g in stats.groups} == set(members)
    for group in stats.groups:
        mine = members[group.key]
        assert group.count == len(mine)
        assert group.insufficient == (len(mine) < 5)
        assert group.mean_total == expected.mean_total(mine)
        counts = {g.grade: g.count for g in group.grades.grades if g.count}
        assert counts == expected.grade_counts(mine)
        figures = expected.dimension_figures(mine)
        assert {
            d.dimension: (d.count, d.mean_percent, d.median_percent, d.min_percent)
            for d in group.dimensions
        } == figures
    assert any(g.insufficient for g in stats.groups) or by is not GroupBy.district


def test_confirmed_only_follows_review_changes(corpus: Corpus, register_copy: Path) -> None:
    docs = sorted(current_documents(corpus.files), key=lambda d: d["id"])
    assert _stats(register_copy, StatsFilter(confirmed_only=True)).count == 0
    confirmed = docs[:12]
    conn = connect(register_copy)
    set_state(
        conn, Selection(assessment_ids=[d["id"] for d in confirmed]), ReviewState.confirmed,
        who="审核员",
    )  # fmt: skip
    set_state(conn, Selection(assessment_ids=[docs[0]["id"]]), ReviewState.query, who="审核员")
    conn.close()
    held = expected.held_by_same_centre(docs)
    kept = [d for d in confirmed[1:] if d["id"] not in held]
    stats = _stats(register_copy, StatsFilter(confirmed_only=True))
    assert stats.count == len(kept)
    assert {g.grade: g.count for g in stats.grades.grades if g.count} == expected.grade_counts(kept)
    figures = expected.dimension_figures(kept)
    assert {
        d.dimension: (d.count, d.mean_percent, d.median_percent, d.min_percent)
        for d in stats.dimensions
    } == figures
    means = expected.indicator_means(kept, indicator_maxima(corpus.rubric_file))
    assert [(w.indicator, w.count) for w in stats.weakest] == [(i, n) for _, i, n in means[:20]]


def test_summary_rebuilt_from_scratch_gives_the_same_figures(register_copy: Path) -> None:
    before = _stats(register_copy).model_dump(exclude={"generated_at"})
    conn = connect(register_copy)
    drop_summary(conn)
    conn.close()
    assert _stats(register_copy).model_dump(exclude={"generated_at"}) == before


def test_an_empty_register_has_no_figures(tmp_path: Path) -> None:
    connect(tmp_path, create=True).close()
    stats = _stats(tmp_path)
    assert stats.count == 0 and stats.insufficient
    assert stats.mean_total is None
    assert stats.dimensions == [] and stats.weakest == [] and stats.candidates == []


def test_a_document_removed_by_a_repair_leaves_the_figures(
    corpus: Corpus, register_copy: Path
) -> None:
    """The summary cannot take back a removed document's scores; it notices and rebuilds."""
    docs = current_documents(corpus.files)
    _stats(register_copy)  # the summary now counts every document
    gone = next(d for d in docs if d["version"] == 1)
    conn = connect(register_copy)
    sha = conn.execute(
        "SELECT sha256 FROM documents WHERE assessment_id = ?", (gone["id"],)
    ).fetchone()[0]
    with transaction(conn):
        for table, column in (("scores", "document_sha256"), ("dimensions", "document_sha256"),
                              ("flags", "document_sha256"), ("signers", "document_sha256"),
                              ("documents", "sha256")):  # fmt: skip
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (sha,))
    conn.close()
    kept = [d for d in docs if d is not gone]
    stats = _stats(register_copy)
    assert stats.count == len(kept)
    figures = expected.dimension_figures(kept)
    assert {
        d.dimension: (d.count, d.mean_percent, d.median_percent, d.min_percent)
        for d in stats.dimensions
    } == figures
    means = expected.indicator_means(kept, indicator_maxima(corpus.rubric_file))
    assert [(w.indicator, w.count) for w in stats.weakest] == [(i, n) for _, i, n in means[:20]]


def test_an_unchanged_register_is_not_folded_again(corpus: Corpus, register_copy: Path) -> None:
    single = next(d for d in current_documents(corpus.files) if d["version"] == 1)
    conn = connect(register_copy)
    try:
        catch_up(conn)
        assert catch_up(conn) == 0  # nothing changed: the fingerprint matches
        set_state(
            conn, Selection(assessment_ids=[single["id"]]), ReviewState.confirmed, who="审核员"
        )
        assert catch_up(conn) == 1  # its one version moved to the confirmed bucket
        assert catch_up(conn) == 0
    finally:
        conn.close()


def test_a_summary_from_another_release_is_rebuilt(corpus: Corpus, register_copy: Path) -> None:
    before = _stats(register_copy).model_dump(exclude={"generated_at"})
    conn = connect(register_copy)
    with transaction(conn):  # as an older release would have left it: other version, no sums
        conn.execute("UPDATE stats_state SET fingerprint = '1|' || fingerprint")
        conn.execute("DELETE FROM stats_sums")
    conn.close()
    assert _stats(register_copy).model_dump(exclude={"generated_at"}) == before
