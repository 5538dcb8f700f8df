"""Time the signed export of a completely scored assessment on the real WS/T 821 rubric.

Run: .venv/bin/python bench/bench_export.py [--runs N]

Measures what the assessor waits for after finalising: the signed JSON alone (document,
RFC 8785 bytes, detached CMS) and the full pair (JSON, then PDF render and PAdES signature).
Targets from the issue: signed JSON under 100 ms, full export under 2 s median, PDF under 1.5 MB.
Floor, measured alternately in the same run: reportlab rendering as many pages of plain Chinese
paragraphs in the same embedded font, plus one pyHanko signature (no visible stamp) of them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from assessor.core.export.signed_export import sign_files, sign_json
from assessor.core.report.fonts import register_fonts
from assessor.core.rubric.registry import default_rubric
from assessor.core.signing.keys import SigningKey, training_signer
from assessor.devtools.demo import simulated_visit
from assessor.devtools.samples import sample_assessment

JSON_TARGET_MS = 100.0
EXPORT_TARGET_S = 2.0
PDF_LIMIT_MB = 1.5


PLAIN_TEXT = (
    "查阅保育人员花名册及健康证，现场观察午睡室通风与照护人员配比，访谈负责人了解应急预案演练情况。"
)


def page_count(pdf: bytes) -> int:
    return int(PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Count"])


def floor_export(pages: int, signer: SigningKey) -> bytes:
    """The least a signed report of `pages` pages costs: plain paragraphs, one signature."""
    style = ParagraphStyle(
        "plain", fontName=register_fonts(), fontSize=10, leading=15, wordWrap="CJK"
    )
    story = []
    for page in range(pages):
        story.extend(Paragraph(f"{page + 1}.{line} {PLAIN_TEXT}", style) for line in range(16))
        story.append(PageBreak())
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story[:-1])
    writer = IncrementalPdfFileWriter(BytesIO(buffer.getvalue()), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    return signers.sign_pdf(writer, metadata, signer=signer.signer).getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    rubric = default_rubric()
    signer = training_signer()
    draft = sample_assessment(rubric, 1, training=True)
    final, chain = simulated_visit(draft, draft.created_at)
    sign_files(rubric, final, chain, signer)  # warm-up: font loading, imports

    json_ms = []
    for _ in range(runs * 5):
        start = time.perf_counter()
        sign_json(rubric, final, chain, signer)
        json_ms.append((time.perf_counter() - start) * 1000)

    pages = page_count(sign_files(rubric, final, chain, signer).pdf_bytes)
    if page_count(floor_export(pages, signer)) != pages:
        raise SystemExit("the floor document does not have the report's page count")
    full_s, floor_s, sizes = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        files = sign_files(rubric, final, chain, signer)
        full_s.append(time.perf_counter() - start)
        sizes.append(len(files.pdf_bytes) / 1024 / 1024)
        start = time.perf_counter()
        floor_export(pages, signer)
        floor_s.append(time.perf_counter() - start)

    print(f"indicators: {len(rubric.indicators)}, audit entries: {len(chain)}")
    print(
        f"signed JSON: median {statistics.median(json_ms):.1f} ms, "
        f"max {max(json_ms):.1f} ms (target < {JSON_TARGET_MS:.0f} ms)"
    )
    print(
        f"full signed export (JSON + PDF): median {statistics.median(full_s):.2f} s, "
        f"max {max(full_s):.2f} s (target < {EXPORT_TARGET_S:.0f} s)"
    )
    print(f"PDF size: {max(sizes):.2f} MB (target < {PDF_LIMIT_MB} MB), {pages} pages")
    full, floor = statistics.median(full_s), statistics.median(floor_s)
    print(
        f"floor (reportlab, {pages} plain pages in the same font + one pyHanko signature):"
        f" median {floor:.2f} s; full export / floor = {full / floor:.2f}"
    )


if __name__ == "__main__":
    main()
