"""The stamp's subset font is cached across exports, and a new signer's name still renders.

The expectations are read from the signed PDFs themselves (the embedded font program, its cmap
and the glyph ids the stamp draws), never computed by the code under test.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.reader import PdfFileReader

from assessor.core.clock import now_utc
from assessor.core.paths import font_path
from assessor.core.signing import pdf_signature
from assessor.core.signing.keys import SigningKey, issue_assessor, load_ca, load_signer
from assessor.core.signing.pdf_signature import sign_pdf, verify_pdf
from tests.core.signing.pki import CA_PASSPHRASE, KEY_PASSPHRASE, SIGNATURE_BOX, Pki

# Characters in neither the first signer's stamp (张三, T-001, the labels) nor the template.
OTHER_NAME = "欧阳鑫淼"
ASSESSMENT_ID = "fedcba9876543210fedcba9876543210"


@pytest.fixture(scope="module")
def other_signer(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    path: Path = tmp_path_factory.mktemp("other-signer") / "ouyang.p12"
    ca = load_ca(pki.ca_dir, CA_PASSPHRASE)
    issue_assessor(ca, path, name=OTHER_NAME, assessor_id="T-777", passphrase=KEY_PASSPHRASE)
    return load_signer(path, KEY_PASSPHRASE)


def _sign(pdf: bytes, key: SigningKey, minutes: int = 0) -> bytes:
    return sign_pdf(
        pdf,
        key,
        field_box=SIGNATURE_BOX,
        page=1,
        assessment_id=ASSESSMENT_ID,
        version=1,
        signed_at=now_utc() + timedelta(minutes=minutes),
    )


def _stamp(raw: bytes) -> tuple[TTFont, bytes]:
    """The stamp's embedded font program and its appearance content stream."""
    reader = PdfFileReader(io.BytesIO(raw))
    (signature,) = reader.embedded_regular_signatures
    appearance = signature.sig_field["/AP"]["/N"]
    (font,) = (f.get_object() for f in appearance["/Resources"]["/Font"].values())
    program = font["/DescendantFonts"][0]["/FontDescriptor"]["/FontFile2"].data
    return TTFont(io.BytesIO(program)), appearance.data


def _drawn_glyph_ids(content: bytes) -> set[int]:
    """Glyph ids in the stamp's show-text strings (Identity-H: two bytes per glyph)."""
    ids: set[int] = set()
    for hexes in re.findall(rb"\[((?:<[0-9a-fA-F]*>[^\]]*?)*)\]\s*TJ", content):
        for run in re.findall(rb"<([0-9a-fA-F]*)>", hexes):
            ids.update(int(run[i : i + 4], 16) for i in range(0, len(run), 4))
    return ids


def test_second_export_with_the_same_stamp_characters_hits_the_cache(
    report_pdf: bytes, signer: SigningKey
) -> None:
    pdf_signature._subset_program.cache_clear()
    first = _sign(report_pdf, signer)
    # A later signing time: other digits on the stamp, still one cached program.
    second = _sign(report_pdf, signer, minutes=13)
    info = pdf_signature._subset_program.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    for raw in (first, second):
        font, content = _stamp(raw)
        cmap, drawn = font.getBestCmap(), _drawn_glyph_ids(content)
        assert all(font.getGlyphID(cmap[ord(char)]) in drawn for char in "张三T-001签名时间")


def test_other_signer_characters_are_rendered(
    report_pdf: bytes, signer: SigningKey, other_signer: SigningKey, pki: Pki
) -> None:
    bundled = TTFont(font_path(), lazy=True).getBestCmap()
    assert all(ord(char) in bundled for char in OTHER_NAME)  # the test means something
    _sign(report_pdf, signer)  # the cache now holds the first signer's characters
    raw = _sign(report_pdf, other_signer)
    assert verify_pdf(raw, [pki.ca_cert], False).ok

    font, content = _stamp(raw)
    cmap = font.getBestCmap()
    drawn = _drawn_glyph_ids(content)
    glyphs = font.getGlyphSet()
    for char in OTHER_NAME:
        assert ord(char) in cmap, char
        glyph_name = cmap[ord(char)]
        pen = BoundsPen(glyphs)
        glyphs[glyph_name].draw(pen)  # simple or composite: what a viewer would draw
        assert pen.bounds is not None, char  # ink, not an empty box
        assert font.getGlyphID(glyph_name) in drawn, char  # and the stamp draws it
