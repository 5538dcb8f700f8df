"""The cycle's pages of the leadership PDF: plan completion, overdue visits, rectification."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from reportlab.platypus import Flowable

from assessor.core.cycle.cycle_stats import completion, overdue_items, overdue_visits
from assessor.core.cycle.rectification import KIND_LABELS, rates
from assessor.core.report.paragraph import Para
from assessor.core.report.styles import FRAME_WIDTH, grid_table, heading, styles
from assessor.core.report.text import markup

LIST_LIMIT = 60


def _table(titles: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]):
    st = styles()
    cells = [[Para(t, st.head) for t in titles]] + [
        [Para(markup(str(v)), st.cell) for v in row] for row in rows
    ]
    total = sum(widths)
    return grid_table(cells, [w * FRAME_WIDTH / total for w in widths])


def _or_none(rows: Sequence[Sequence[object]], flowable: Flowable) -> list[Flowable]:
    return [flowable] if rows else [Para("无。", styles().body)]


def _limited(count: int) -> list[Flowable]:
    if count <= LIST_LIMIT:
        return []
    return [
        Para(f"共 {count} 项，此处列出前 {LIST_LIMIT} 项；完整清单见命令行导出。", styles().caption)
    ]


def cycle_pages(conn: sqlite3.Connection, today: dt.date) -> list[Flowable]:
    """Four sections; each says 无 when the register has no plan or no item yet."""
    st = styles()
    story: list[Flowable] = []
    titles = ("计划", "{}", "计划访视", "已完成", "待访视", "逾期", "完成率")
    for by, label in (("district", "区县"), ("team", "评估组")):
        rows = [
            (c.plan_id, c.group, c.planned, c.done, c.pending, c.overdue,
             f"{100 * c.done / c.planned:.1f}%")
            for c in completion(conn, today, by)
        ]  # fmt: skip
        story += [
            *heading(f"评估计划完成情况（按{label}）", st.h1),
            *_or_none(rows, _table([t.format(label) for t in titles], rows, [3, 3, 2, 2, 2, 2, 2])),
        ]
    late = overdue_visits(conn, today)
    rows = [(p, s.name, s.uscc, s.district, s.team_id) for p, s in late[:LIST_LIMIT]]
    story += [
        *heading("逾期未完成的计划访视", st.h1),
        *_or_none(
            rows,
            _table(
                ("计划", "机构名称", "统一社会信用代码", "区县", "评估组"), rows, [2, 5, 4, 2, 2]
            ),
        ),
        *_limited(len(late)),
    ]
    story += heading("整改情况", st.h1)
    for by, label in (("district", "区县"), ("kind", "事项类别")):
        rows = [
            (KIND_LABELS.get(r.group, r.group) if by == "kind" else r.group, r.items, r.closed,
             f"{r.percent}%", r.overdue)
            for r in rates(conn, today, by)
        ]  # fmt: skip
        story += [
            Para(f"按{label}", st.h2),
            *_or_none(
                rows,
                _table(
                    (label, "整改事项", "已整改", "整改率", "逾期未整改"), rows, [4, 2, 2, 2, 2]
                ),
            ),
        ]
    late_items = overdue_items(conn, today)
    rows = [
        (i.centre_name, i.uscc, i.indicator_id, KIND_LABELS[i.kind], i.due_on.isoformat())
        for i in late_items[:LIST_LIMIT]
    ]
    story += [
        Para("逾期未整改的事项", st.h2),
        *_or_none(
            rows,
            _table(
                ("机构名称", "统一社会信用代码", "条款", "类别", "整改期限"), rows, [5, 4, 2, 3, 3]
            ),
        ),
        *_limited(len(late_items)),
    ]
    return story
