"""The rendered report, checked by reading the real PDF with poppler's command-line tools."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from PIL import Image, ImageDraw

from assessor.core.assessment.model import IndicatorScore, Supersedes
from assessor.core.problems import UserError
from assessor.core.report.pages import TRAINING_BANNER
from assessor.core.report.render import (
    DRAFTED_TEXT_NOTICE,
    PROVISIONAL_RULE_NOTICE,
    render_report,
)
from assessor.core.scoring.engine import compute_result
from tests.core.report.helpers import (
    AUDIT_HEAD,
    CENTRE_NAME,
    Rendered,
    Scored,
    render,
    scored_assessment,
    synthetic_rubric,
)

A4 = (595.276, 841.89)
CANNOT_START = "，。、；：！？）》」』】〕"


def pages_of(rendered: Rendered) -> list[str]:
    # pdftotext ends every page with a form feed.
    return rendered.text().split("\f")[:-1]


def page_count(rendered: Rendered) -> int:
    match = re.search(r"^Pages:\s+(\d+)$", rendered.tool("pdfinfo"), re.MULTILINE)
    assert match
    return int(match.group(1))


def test_text_names_centre_grade_and_every_clause(rendered: Rendered) -> None:
    text = rendered.text()
    result = compute_result(rendered.scored.rubric, rendered.scored.assessment)
    assert CENTRE_NAME in text
    assert result.explanation.label in text
    assert re.search(rf"^{re.escape(result.grade)}$", text, re.MULTILINE)
    missing = [
        ind.id
        for ind in rendered.scored.rubric.indicators
        if not re.search(rf"(?<![\d.]){re.escape(ind.id)}(?![\d.])", text)
    ]
    assert missing == []


def test_every_page_says_page_x_of_y(rendered: Rendered) -> None:
    pages = pages_of(rendered)
    total = page_count(rendered)
    assert len(pages) == total
    assert "第 1 页 / 共" in pages[0]
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 / 共 {total} 页" in page


def test_every_font_is_embedded(rendered: Rendered) -> None:
    rows = rendered.tool("pdffonts").splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", row
        assert "WenQuanYi" in name, row


def test_a4_pages_and_more_than_three(rendered: Rendered) -> None:
    total = page_count(rendered)
    assert total > 3
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(total), str(rendered.path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE)
    assert len(sizes) == total
    for w, h in sizes:
        assert (float(w), float(h)) == pytest.approx(A4, abs=0.5)


def test_no_line_starts_with_closing_punctuation(rendered: Rendered) -> None:
    bad = [line for line in rendered.text().splitlines() if line and line[0] in CANNOT_START]
    assert bad == []


def test_user_text_is_shown_literally(rendered: Rendered) -> None:
    text = rendered.text()
    assert "<A区> & <B区>" in text
    assert "消防通道 <东侧>" in text


def test_training_banner_on_every_page_only_when_training(
    rendered: Rendered, rendered_training: Rendered
) -> None:
    assert all(TRAINING_BANNER in page for page in pages_of(rendered_training))
    assert "培训/样例" not in rendered.text()


def test_provisional_rule_and_drafted_text_notices_in_footer(rendered: Rendered) -> None:
    rubric = rendered.scored.rubric
    assert not rubric.rubric.grade_rule.verified
    for page in pages_of(rendered):
        assert PROVISIONAL_RULE_NOTICE in page
        assert DRAFTED_TEXT_NOTICE in page


def test_no_notices_when_rule_verified_and_texts_official(tmp_path) -> None:
    rubric = synthetic_rubric(verified_rule=True, drafted=False)
    out = render(scored_assessment(rubric), tmp_path / "verified.pdf")
    text = out.text()
    assert PROVISIONAL_RULE_NOTICE not in text
    assert DRAFTED_TEXT_NOTICE not in text
    assert "依据公开资料起草" not in text


def test_signature_box_is_an_empty_area_on_the_signature_page(rendered: Rendered) -> None:
    report = rendered.report
    pages = pages_of(rendered)
    assert 0 <= report.signature_page < len(pages)
    assert "电子签名" in pages[report.signature_page]
    assert "评估人员签署" in pages[report.signature_page]
    x1, y1, x2, y2 = report.signature_box
    assert 0 <= x1 < x2 <= A4[0]
    assert 0 <= y1 < y2 <= A4[1]
    assert x2 - x1 >= 150 and y2 - y1 >= 60

    # At 72 dpi one pixel is one point; nothing may be drawn inside the box.
    number = str(report.signature_page + 1)
    png = subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "-f", number, "-l", number, str(rendered.path)],
        check=True,
        capture_output=True,
    ).stdout
    page = Image.open(io.BytesIO(png)).convert("L")
    height = page.height
    inside = page.crop(
        (round(x1) + 2, round(height - y2) + 2, round(x2) - 2, round(height - y1) - 2)
    )
    assert inside.getextrema() == (255, 255)


def test_a_full_report_stays_small_enough_to_email(rendered: Rendered) -> None:
    assert len(rendered.report.pdf) < 1.5 * 1024 * 1024


def _signature_png() -> bytes:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 100), (80, 20), (150, 90), (290, 40)], fill="navy", width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def amended(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Version 2 with a reason, one indicator left unscored, a hand-drawn signature, a note
    longer than a page and no computed-check findings."""
    base = scored_assessment(synthetic_rubric())
    scores = list(base.assessment.scores)
    scores[3] = scores[3].model_copy(
        update={"note": "超长记录。" + "现场查看发现问题，已当场指出。" * 150}
    )
    scores[4] = IndicatorScore(indicator=scores[4].indicator)
    assessment = base.assessment.model_copy(
        update={
            "scores": scores,
            "version": 2,
            "supersedes": Supersedes(version=1, sha256="ab" * 32),
            "amendment_reason": "更正 <4.1.2> 的评分 & 补充证据",
        }
    )
    scored = Scored(base.rubric, assessment, base.unmet_basic, base.na)
    report = render_report(
        scored.rubric,
        assessment,
        compute_result(scored.rubric, assessment),
        [],
        signer_name="李娜",
        signer_id="HZ-2024-021",
        signature_image=_signature_png(),
        training=False,
        audit_head=AUDIT_HEAD,
    )
    path = tmp_path_factory.mktemp("amended") / "amended.pdf"
    path.write_bytes(report.pdf)
    return Rendered(scored, report, path, 0.0)


def test_amendment_reason_and_superseded_version_on_cover(amended: Rendered) -> None:
    cover = pages_of(amended)[0]
    assert "第 2 版" in cover
    assert "替代版本" in cover
    assert "更正 <4.1.2> 的评分 & 补充证据" in cover


def test_unscored_indicator_and_predicted_grade_are_marked(amended: Rendered) -> None:
    text = amended.text()
    assert "未评分" in text
    assert "（预测）" in pages_of(amended)[0]
    assert "无计算核对结果" in text


def test_note_longer_than_a_page_is_split_across_pages(amended: Rendered) -> None:
    pages = [n for n, page in enumerate(pages_of(amended)) if "现场查看发现问题" in page]
    assert len(pages) >= 2


def test_hand_drawn_signature_is_drawn_on_the_signature_page(amended: Rendered) -> None:
    number = str(amended.report.signature_page + 1)
    listing = subprocess.run(
        ["pdfimages", "-list", "-f", number, "-l", number, str(amended.path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    assert listing, "no image on the signature page"
    signature_page = pages_of(amended)[amended.report.signature_page]
    assert "手写签名" in signature_page
    assert "李娜（评估员编号 HZ-2024-021）" in signature_page


def test_unreadable_signature_image_is_refused() -> None:
    scored = scored_assessment(synthetic_rubric())
    with pytest.raises(UserError, match="手写签名图片"):
        render_report(
            scored.rubric,
            scored.assessment,
            compute_result(scored.rubric, scored.assessment),
            [],
            signer_name="王晓明",
            signer_id="HZ-2024-017",
            signature_image=b"not an image",
            training=False,
            audit_head=AUDIT_HEAD,
        )
