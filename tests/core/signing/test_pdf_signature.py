"""The visible PAdES signature on the report, checked by our verifier and independent tools."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from pyhanko.pdf_utils.reader import PdfFileReader

from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.pdf_signature import FIELD_NAME, sign_pdf, verify_pdf
from assessor.core.signing.training import training_ca
from assessor.core.signing.verification import TRAINING_REFUSED, UNKNOWN_SIGNER
from tests.core.signing.pki import SIGNATURE_BOX, Pki

ASSESSMENT_ID = "0123456789abcdef0123456789abcdef"
PYHANKO = Path(sys.executable).with_name("pyhanko")


def _png() -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 160), (200, 40), (400, 140), (580, 60)], fill="navy", width=9)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _sign(pdf: bytes, key: SigningKey, **kwargs) -> bytes:
    options = {
        "field_box": SIGNATURE_BOX,
        "page": 1,
        "assessment_id": ASSESSMENT_ID,
        "version": 2,
        "signed_at": now_utc(),
    } | kwargs
    return sign_pdf(pdf, key, **options)


@pytest.fixture(scope="module")
def signed_pdf(report_pdf: bytes, signer: SigningKey) -> bytes:
    return _sign(report_pdf, signer, signature_image=_png())


def _widget(raw: bytes):
    reader = PdfFileReader(io.BytesIO(raw))
    (signature,) = reader.embedded_regular_signatures
    return reader, signature.sig_field


def test_sign_and_verify(signed_pdf: bytes, report_pdf: bytes, pki: Pki) -> None:
    assert signed_pdf.startswith(report_pdf)  # an incremental update: the report is untouched
    result = verify_pdf(signed_pdf, [pki.ca_cert], False)
    assert result.ok, result.problems
    assert result.trusted and not result.training
    assert (result.signer, result.assessor_id) == ("张三", "T-001")
    assert (result.assessment_id, result.version) == (ASSESSMENT_ID, 2)
    assert result.signed_at is not None


def test_signature_field_is_visible_on_the_requested_page(signed_pdf: bytes) -> None:
    reader, field = _widget(signed_pdf)
    assert field["/T"] == FIELD_NAME
    assert [float(x) for x in field["/Rect"]] == list(SIGNATURE_BOX)
    assert field.raw_get("/P").idnum == reader.root["/Pages"]["/Kids"].raw_get(1).idnum
    appearance = field["/AP"]["/N"]
    assert [float(x) for x in appearance["/BBox"]] == [0, 100, 240, 0]
    assert appearance.data  # drawn, not empty
    assert "/XObject" in appearance["/Resources"]  # the hand-drawn signature image


def _stamp_font(raw: bytes):
    _, field = _widget(raw)
    fonts = field["/AP"]["/N"]["/Resources"]["/Font"]
    return next(iter(fonts.values())).get_object()


def test_stamp_font_is_embedded_with_sane_glyph_widths(signed_pdf: bytes) -> None:
    font = _stamp_font(signed_pdf)
    descendant = font["/DescendantFonts"][0]
    assert "/FontFile2" in descendant["/FontDescriptor"]
    widths = [w for entry in descendant["/W"] if isinstance(entry, list) for w in entry]
    # PDF glyph widths are thousandths of an em; full-width CJK glyphs are 1000.
    assert widths and max(widths) <= 1000 and min(widths) > 100
    to_unicode = font["/ToUnicode"].data.decode("ascii").lower()
    for char in "张三评估员编号签名时间北京":
        assert f"<{ord(char):04x}>" in to_unicode, char


def test_training_signature(report_pdf: bytes, trainer: SigningKey, pki: Pki) -> None:
    raw = _sign(report_pdf, trainer)
    roots = [pki.ca_cert, training_ca()]
    refused = verify_pdf(raw, roots, False)
    assert refused.problems == (TRAINING_REFUSED,)
    assert refused.training and refused.trusted
    allowed = verify_pdf(raw, roots, True)
    assert allowed.ok and allowed.training and allowed.signer == "培训评估员"
    to_unicode = _stamp_font(raw)["/ToUnicode"].data.decode("ascii").lower()
    assert f"<{ord('培'):04x}>" in to_unicode  # 培训/样例 on the stamp


def test_training_report_signed_with_a_real_key(
    report_pdf: bytes, signer: SigningKey, pki: Pki
) -> None:
    raw = _sign(report_pdf, signer, training=True)
    result = verify_pdf(raw, [pki.ca_cert], False)
    assert result.training and len(result.problems) == 1 and "培训/样例" in result.problems[0]
    assert verify_pdf(raw, [pki.ca_cert], True).ok


def test_wrong_trust_root(signed_pdf: bytes, pki: Pki) -> None:
    result = verify_pdf(signed_pdf, [pki.other_ca_cert], False)
    assert result.problems == (UNKNOWN_SIGNER,)
    assert result.signer == "张三"


def test_pyhanko_cli_validates_it(signed_pdf: bytes, pki: Pki, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(signed_pdf)
    args = [str(PYHANKO), "sign", "validate", "--trust", str(pki.ca_cert_path), "--trust-replace"]
    done = subprocess.run([*args, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(rf"{FIELD_NAME}:[0-9a-f]{{64}}:INTACT:TRUSTED,UNTOUCHED\n", done.stdout), (
        done.stdout
    )

    flipped = bytearray(signed_pdf)
    flipped[len(flipped) // 4] ^= 0x01
    path.write_bytes(bytes(flipped))
    done = subprocess.run([*args, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "INTACT:TRUSTED" not in done.stdout


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_poppler_pdfsig_validates_it(signed_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(signed_pdf)
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid." in done.stdout
    assert "Total document signed" in done.stdout
    assert "ETSI.CAdES.detached" in done.stdout


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_flipping_bytes_fails_verification(
    data: st.DataObject, signed_pdf: bytes, pki: Pki
) -> None:
    position = data.draw(st.integers(0, len(signed_pdf) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="xor")
    flipped = bytearray(signed_pdf)
    flipped[position] ^= mask
    result = verify_pdf(bytes(flipped), [pki.ca_cert], False)
    assert not result.ok
    assert all(isinstance(p, str) and p for p in result.problems)


def _contents_span(raw: bytes) -> tuple[int, int]:
    match = re.search(rb"/Contents <([0-9A-F]+)>", raw)
    assert match is not None
    return match.start(1), match.end(1)


@pytest.mark.parametrize(
    "where",
    ["hex letter case", "zero padding", "embedded CA certificate"],
)
def test_unsigned_parts_of_the_signature_cannot_change(
    signed_pdf: bytes, pki: Pki, where: str
) -> None:
    """The byte range leaves out /Contents; every byte of it is still pinned."""
    start, end = _contents_span(signed_pdf)
    hex_digits = signed_pdf[start:end]
    der_end = start + len(hex_digits.rstrip(b"0"))
    flipped = bytearray(signed_pdf)
    if where == "hex letter case":
        position = start + hex_digits.index(b"A")
        flipped[position] ^= 0x20  # 'A' -> 'a': the same byte value
    elif where == "zero padding":
        flipped[der_end + 10] = ord("1")
    else:
        ca_hex = pki.ca_cert.public_bytes(Encoding.DER).hex().upper().encode()
        position = start + hex_digits.index(ca_hex) + len(ca_hex) // 2
        # Another hex digit, so the PDF still parses and only the embedded copy differs
        # (an XOR could turn "A" into "@", which breaks the file before the signature check).
        flipped[position] = ord("0") if flipped[position] != ord("0") else ord("1")
    result = verify_pdf(bytes(flipped), [pki.ca_cert], False)
    assert not result.ok
    assert "签名数据已损坏或被改动" in result.problems


def test_changes_appended_after_signing_are_detected(signed_pdf: bytes, pki: Pki) -> None:
    result = verify_pdf(signed_pdf + b"\n% appended after signing\n", [pki.ca_cert], False)
    assert "签名之后文件又被改动（签名没有覆盖整个文件）" in result.problems


def test_unsigned_and_broken_files(report_pdf: bytes, pki: Pki) -> None:
    assert verify_pdf(report_pdf, [pki.ca_cert], False).problems == ("PDF 没有签名",)
    assert verify_pdf(b"not a pdf", [pki.ca_cert], False).problems == (
        "不是有效的 PDF 文件，或文件已损坏",
    )


def test_signing_twice_is_refused(signed_pdf: bytes, signer: SigningKey) -> None:
    with pytest.raises(UserError, match="已经签过名"):
        _sign(signed_pdf, signer)


def test_no_invisible_signature(report_pdf: bytes, signer: SigningKey) -> None:
    with pytest.raises(ValueError, match="positive size"):
        _sign(report_pdf, signer, field_box=(300.0, 100.0, 300.0, 100.0))
    with pytest.raises(ValueError, match="outside"):
        _sign(report_pdf, signer, page=5)


def test_bad_inputs(report_pdf: bytes, signer: SigningKey) -> None:
    with pytest.raises(UserError, match="手写签名图片无法读取"):
        _sign(report_pdf, signer, signature_image=b"not an image")
    with pytest.raises(UserError, match="不是有效的 PDF"):
        _sign(b"%PDF-1.4 nonsense", signer)


@pytest.mark.parametrize(
    ("intact", "damaged"),
    [
        # "/2.0" flipped to ".2.0": pyHanko reads "." as a number and raises
        # decimal.InvalidOperation, an ArithmeticError rather than a ValueError.
        (b"/Version /2.0", b"/Version .2.0"),
        # "<<" flipped to "8<": the catalog is no dictionary, which pyHanko asserts.
        (b"5 0 obj\n<<\n/PageMode", b"5 0 obj\n8<\n/PageMode"),
    ],
)
def test_one_flipped_bit_in_the_signed_revision_is_a_finding_not_a_traceback(
    signed_pdf: bytes, pki: Pki, intact: bytes, damaged: bytes
) -> None:
    last = signed_pdf.rindex(intact)
    flipped = signed_pdf[:last] + damaged + signed_pdf[last + len(intact) :]
    result = verify_pdf(flipped, [pki.ca_cert], False)
    assert not result.ok
    assert all(isinstance(p, str) and p for p in result.problems)
