"""The 整改通知书: one signed PDF per centre listing its open items with their deadlines.

Built with the report's page template, fonts and tables, and signed like a report (PAdES, the
commission's key) so that the centre can check who issued it.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from decimal import Decimal

from reportlab.platypus import Flowable, Spacer

from assessor.core.clock import in_beijing
from assessor.core.cycle.rectification import KIND_LABELS, Item, items
from assessor.core.problems import UserError
from assessor.core.report.pages import PageDecor, build_pdf
from assessor.core.report.paragraph import Para
from assessor.core.report.signature import SignatureArea
from assessor.core.report.styles import FRAME_WIDTH, grid_table, styles
from assessor.core.report.text import date_text, markup
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.pdf_signature import COMMISSION_LABELS, sign_pdf

TITLE = "整改通知书"
# The commission signs with a key of its CA, not as an assessor: its number is the certificate's.
COMMISSION_ID_LABEL = COMMISSION_LABELS[1]


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _table(found: list[Item]) -> Flowable:
    s = styles()
    rows: list[list[Para]] = [
        [Para(t, s.head) for t in ("条款", "类别", "得分", "评估发现", "整改期限")]
    ]
    for item in found:
        finding = item.finding or "（评估员未填写说明）"
        if item.evidence:
            finding += "\n证据：" + "、".join(item.evidence)
        rows.append(
            [
                Para(item.indicator_id, s.cell),
                Para(KIND_LABELS[item.kind], s.cell),
                Para(f"{_points(item.score)} / {_points(item.max)}", s.cell_center),
                Para(markup(finding), s.cell),
                Para(date_text(item.due_on), s.cell),
            ]
        )
    widths = [0.1, 0.17, 0.11, 0.42, 0.2]
    return grid_table(rows, [w * FRAME_WIDTH for w in widths])


def notice_pdf(
    conn: sqlite3.Connection, uscc: str, signer: SigningKey, commission: str, at: datetime
) -> bytes:
    """The signed notice for the centre's open items; UserError when it has none."""
    found = items(conn, uscc=uscc, open_only=True)
    if not found:
        raise UserError(f"机构 {uscc} 没有待整改事项，不需要整改通知书")
    s = styles()
    name = found[0].centre_name
    assessment_id = found[0].assessment_id
    version = conn.execute(
        "SELECT version FROM current_documents WHERE assessment_id = ?", (assessment_id,)
    ).fetchone()[0]
    area = SignatureArea(commission, signer.info.assessor_id, None, id_label=COMMISSION_ID_LABEL)
    basics = sum(i.kind == "basic" for i in found)
    story: list[Flowable] = [
        Para(TITLE, s.title),
        Para(commission, s.subtitle),
        Spacer(1, 12),
        Para(f"{markup(name)}（统一社会信用代码 {uscc}）：", s.body),
        Para(
            f"根据《托育机构质量评估标准》评估（评估编号 {assessment_id}，第 {version} 版），"
            f"你单位有 {len(found)} 项需要整改，其中基础指标未达标 {basics} 项。请在各项期限前"
            "完成整改并保留整改记录，届时将进行复查。",
            s.body,
        ),
        Spacer(1, 8),
        _table(found),
        Spacer(1, 16),
        Para(f"签发日期：{date_text(in_beijing(at).date())}", s.body),
        Spacer(1, 8),
        area,
    ]
    decor = PageDecor(
        header=f"{TITLE} · {name}",
        footer_left=f"评估编号 {assessment_id[:8]} · 版本 v{version}",
        notices=(),
        training=signer.info.training,
    )
    pdf = build_pdf(story, decor, title=f"{TITLE} — {name}", author=commission, subject=TITLE)
    if area.box is None or area.page_index is None:
        raise RuntimeError("signature area was not drawn")
    return sign_pdf(
        pdf,
        signer,
        field_box=area.box,
        page=area.page_index,
        assessment_id=assessment_id,
        version=version,
        signed_at=at,
        stamp_labels=COMMISSION_LABELS,
    )
