"""A visible PAdES signature on the PDF report, and verifying it.

Signing appends an incremental update (pyHanko): a new signature field with a visible box on the
page the report reserved, a stamp with the signer's name, assessor id and time in Chinese (and
培训/样例 for training), the hand-drawn signature image as the stamp's background when given,
and a PAdES (ETSI.CAdES.detached) signature. The signature dictionary's /Reason names the
assessment and version so that verification can report them.

Verification requires exactly one signature, intact and valid, made with a certificate that
chains to a trust root at the signing time, and covering the whole file (nothing appended after
signing). Standard tools validate the same file, e.g.
`pyhanko sign validate --trust ca.pem --trust-replace report.pdf`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache
from io import BytesIO
from typing import TYPE_CHECKING

from assessor.core.clock import beijing_text
from assessor.core.paths import font_path
from assessor.core.problems import UserError
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.training import fingerprint, is_training_certificate
from assessor.core.signing.verification import (
    BROKEN_SIGNATURE,
    TRAINING_DOCUMENT,
    TRAINING_REFUSED,
    Reason,
    SignedBy,
    Verification,
    assemble_cms,
    from_asn1,
    identity,
    ordered_chain,
    outside_path,
    trust_reason,
    validation_context,
)

if TYPE_CHECKING:
    from datetime import datetime

    from cryptography import x509
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import BasePdfFileWriter
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

FIELD_NAME = "AssessorSignature"
FONT_SIZE = 9
MAX_IMAGE_PIXELS = 800
PADES_SUBFILTER = "/ETSI.CAdES.detached"
TRAINING_MARK = "培训/样例"
# Who signed, as the visible stamp names them (signer, their number in the certificate).
ASSESSOR_LABELS = ("评估员", "评估员编号")
COMMISSION_LABELS = ("签发单位", "签发证书编号")
_REASON = re.compile(r"^托育机构质量评估报告；评估编号 ([0-9a-f]{32})；第 (\d+) 版(；培训/样例)?$")


def cosign_field_name(assessor_id: str) -> str:
    """The PDF field of a co-signer: PDF field names may not hold periods, assessor ids may."""
    return f"{FIELD_NAME}-{assessor_id.encode('utf-8').hex()}"


def reason_text(assessment_id: str, version: int, training: bool) -> str:
    reason = f"托育机构质量评估报告；评估编号 {assessment_id}；第 {version} 版"
    return f"{reason}；{TRAINING_MARK}" if training else reason


# The stamp's text changes with every export only in the digits of its signing time; a subset
# that always holds all ten digits therefore serves every export of the same signer.
_STAMP_ALWAYS = "0123456789"
# A few signers per machine (the assessor, the training key, a colleague); each program is a
# few kB, so this bounds memory while keeping every realistic signer cached.
_CACHED_PROGRAMS = 8


def _font_program(text: str) -> bytes:
    """The bundled font cut down to the glyphs of `text` (and all digits), at 1000 units per em.

    Subsetting a 4.6 MB CJK font costs ~0.4-0.8 s and is pure: the same font file and the same
    characters give the same bytes, so the result is cached per (font file, character set).
    Nothing about a signature (time, signer, document) is in the cache, only the font glyphs.
    """
    path = font_path()
    stat = path.stat()
    characters = "".join(sorted(set(text) | set(_STAMP_ALWAYS)))
    # Size and mtime in the key: a font file replaced in place is subset anew, not served stale.
    return _subset_program(str(path), stat.st_size, stat.st_mtime_ns, characters)


@lru_cache(maxsize=_CACHED_PROGRAMS)
def _subset_program(path: str, size: int, mtime_ns: int, characters: str) -> bytes:
    """`path` cut down to the glyphs of `characters`, at 1000 units per em.

    pyHanko 0.38 writes the /W glyph widths in font units, but PDF reads them as thousandths of
    an em: with this font's 2048 units per em every glyph would advance twice its width. A font
    at 1000 units per em makes both agree. Subsetting first keeps this fast (the full font is
    4.6 MB, ~0.4 s) and the embedded font small (a few kB; pyHanko subsets it again to the
    glyphs the stamp draws). `size` and `mtime_ns` only key the cache.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(path, lazy=True)
    options = subset.Options()
    options.hinting = False  # hinting instructions would be wrong after rescaling
    # Neither pyHanko (it drops them too) nor a short Chinese stamp needs layout tables or
    # glyph names, and not decoding them makes this several times faster.
    options.layout_features = []
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "FFTM"]
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    scale_upem(font, 1000)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _StampFont:
    """pyHanko font engine factory for the stamp text (duck-typed FontEngineFactory)."""

    text: str

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: object = None
    ) -> GlyphAccumulator:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(_font_program(self.text)),
            font_size=FONT_SIZE,
            obj_stream=obj_stream,
        )


def _signature_image(data: bytes) -> PdfImage:
    from PIL import Image, UnidentifiedImageError
    from pyhanko.pdf_utils.images import PdfImage

    try:
        image = Image.open(BytesIO(data))
        image.load()
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        raise UserError("手写签名图片无法读取，请使用 PNG 图片") from None
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    image.thumbnail((MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS))
    return PdfImage(image)


def _at_time(signed_at: datetime) -> type:
    from pyhanko.sign import signers

    class AtTime(signers.PdfSigner):
        """pyHanko reads the signing time from the clock when the session starts; the export
        has already chosen it (one time for the JSON, the PDF and the stamp)."""

        def init_signing_session(self, *args: object, **kwargs: object):  # type: ignore[override]
            session = super().init_signing_session(*args, **kwargs)
            session.system_time = signed_at
            return session

    return AtTime


def sign_pdf(
    pdf_bytes: bytes,
    signer: SigningKey,
    *,
    field_box: tuple[float, float, float, float],
    page: int,
    assessment_id: str,
    version: int,
    signed_at: datetime,
    signature_image: bytes | None = None,
    training: bool = False,
    cosign_boxes: Sequence[tuple[str, int, tuple[float, float, float, float]]] = (),
    stamp_labels: tuple[str, str] = ASSESSOR_LABELS,
) -> bytes:
    """The PDF with a visible PAdES signature appended as an incremental update.

    `stamp_labels` name the signer and their number on the stamp: an assessor's on a report,
    `COMMISSION_LABELS` on a document the commission issues with a key of its CA.

    `cosign_boxes` (assessor id, page, box) reserve one empty signature field per co-signer
    (`cosign_field_name`), created in the same update so that this signature covers them;
    `cosign_pdf` fills them later, one incremental signature each.

    `field_box` is (x1, y1, x2, y2) in PDF points on page `page` (0-based). Name and assessor id
    on the stamp come from the certificate. The stamp says 培训/样例 when `training` is set (a
    training assessment) or the key is the training key, whatever `training` says. `signed_at`
    is the one signing time of the export: the signature's signingTime, its /M entry and the
    stamp all show it.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields

    x1, y1, x2, y2 = field_box
    if x2 - x1 < 1 or y2 - y1 < 1:
        raise ValueError(f"signature box must have a positive size: {field_box}")
    problem = signer.info.problem_at(signed_at)
    if problem:
        raise UserError(problem)
    training = training or signer.info.training
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
        pages = int(writer.root["/Pages"]["/Count"])
        signed_before = bool(writer.prev.embedded_signatures)
    except _damaged():
        raise UserError("不是有效的 PDF 文件") from None
    if signed_before:
        raise UserError("该 PDF 已经签过名，不能再次签名")
    if not -pages <= page < pages:
        raise ValueError(f"page {page} is outside a PDF of {pages} pages")
    try:
        fields.append_signature_field(
            writer, fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=page, box=field_box)
        )
        for assessor_id, on_page, box in cosign_boxes:
            spec = fields.SigFieldSpec(cosign_field_name(assessor_id), on_page=on_page, box=box)
            fields.append_signature_field(writer, spec)
    except PdfError:
        raise UserError(f"该 PDF 已有名为 {FIELD_NAME} 的签名栏，不能再次签名") from None

    reason = reason_text(assessment_id, version, training)
    return _sign_field(
        writer,
        signer,
        FIELD_NAME,
        field_box,
        signed_at,
        reason,
        signature_image,
        training,
        stamp_labels,
    )


def _sign_field(
    writer: IncrementalPdfFileWriter,
    signer: SigningKey,
    field_name: str,
    field_box: tuple[float, float, float, float],
    signed_at: datetime,
    reason: str,
    signature_image: bytes | None,
    training: bool,
    stamp_labels: tuple[str, str] = ASSESSOR_LABELS,
) -> bytes:
    """Sign the existing empty field `field_name` with the visible stamp, incrementally."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    x1, _, x2, _ = field_box
    params = {
        "name": signer.info.name,
        "assessor_id": signer.info.assessor_id,
        "time": beijing_text(signed_at, "%Y-%m-%d %H:%M"),
    }
    who, number = stamp_labels
    template = f"{who}：%(name)s\n{number}：%(assessor_id)s\n签名时间：%(time)s"
    if training:
        template += f"\n{TRAINING_MARK}，不作为正式评估结果"
    # The text sits at the bottom of the box and the hand-drawn signature above it, so the
    # strokes never cross the words.
    text_height = (template.count("\n") + 1) * (FONT_SIZE + 4) + 8
    style = TextStampStyle(
        stamp_text=template,
        text_box_style=TextBoxStyle(
            font=_StampFont(template % params), font_size=FONT_SIZE, leading=FONT_SIZE + 4
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins.uniform(8),
        ),
        border_width=1,
        background=_signature_image(signature_image) if signature_image else None,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(left=(x2 - x1) * 0.3, right=6, top=4, bottom=text_height),
        ),
        background_opacity=0.8,
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
    )
    pdf_signer = _at_time(signed_at)(metadata, signer.signer, stamp_style=style)
    # existing_fields_only: the field made above must be the one signed, never a new invisible one.
    output = pdf_signer.sign_pdf(writer, existing_fields_only=True, appearance_text_params=params)
    return output.getvalue()


def cosign_pdf(pdf_bytes: bytes, signer: SigningKey, signed_at: datetime) -> bytes:
    """The signed report with one more team member's signature in the co-signer field reserved
    for them, appended as an incremental update that covers every signature before it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    if problem := signer.info.problem_at(signed_at):
        raise UserError(problem)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
        signatures = writer.prev.embedded_regular_signatures
        empty = {
            name: ref
            for name, _, ref in fields.enumerate_sig_fields(writer.prev, filled_status=False)
            if name.startswith(FIELD_NAME)
        }
        reason = str(signatures[0].sig_object["/Reason"]) if signatures else ""
    except _damaged():
        raise UserError("不是有效的 PDF 文件") from None
    if not signatures:
        raise UserError("该 PDF 尚未由组长签名，不能共同签署")
    signed_ids = {identity(from_asn1(s.signer_cert))[1] for s in signatures}
    if signer.info.assessor_id in signed_ids:
        raise UserError(f"{signer.info.name}已经签署过这份报告")
    name = cosign_field_name(signer.info.assessor_id)
    ref = empty.get(name)
    if ref is None:
        raise UserError(f"报告中没有为{signer.info.name}（{signer.info.assessor_id}）预留的签名栏")
    field = ref.get_object()
    widget = field["/Kids"][0].get_object() if "/Kids" in field else field
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    match = _REASON.match(reason)
    training = signer.info.training or bool(match and match.group(3))
    return _sign_field(writer, signer, name, (x1, y1, x2, y2), signed_at, reason, None, training)


def _failed(code: str, message: str) -> Verification:
    return Verification("pdf", (Reason(code, message),))


def _contents_as_written(raw: bytes, signature: EmbeddedPdfSignature) -> bool:
    """The part of the file the byte range leaves out is exactly the CMS as pyHanko writes it:
    `<` upper-case hex `>`, zero padding after the DER, and our CMS layout. None of it is
    covered by the signature, so without this check it could vary without failing validation
    (e.g. hex case, padding, or an embedded CA certificate the validator does not use)."""
    from asn1crypto import cms

    contents = bytes(signature.sig_object["/Contents"])
    start, length, end, _ = (int(n) for n in signature.byte_range)
    gap = raw[start + length : end]
    if gap != b"<" + contents.hex().upper().encode("ascii") + b">":
        return False
    content_info = cms.ContentInfo.load(contents)
    der = content_info.dump()
    if contents[len(der) :].strip(b"\0"):
        return False
    signed_data = content_info["content"]
    certificates = [from_asn1(c.chosen) for c in signed_data["certificates"]]
    return assemble_cms(certificates, signed_data["signer_infos"][0]) == der


def verify_pdf(
    raw: bytes, trust_roots: list[x509.Certificate], allow_training: bool
) -> Verification:
    """Verify a signed PDF report; never raises for bad input, every finding is a problem.

    A co-signed report has one signature per team member, each an incremental update over the
    ones before: every signature gets the single-signature checks, the last must cover the whole
    file, each earlier one its whole revision with nothing changed after it but the signing of
    the co-signer fields it already covered. A co-signer field still empty is a missing
    signature."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    try:
        reader = PdfFileReader(BytesIO(raw), strict=False)
        signatures = reader.embedded_regular_signatures
        empty = [
            name
            for name, _, _ in fields.enumerate_sig_fields(reader, filled_status=False)
            if name.startswith(FIELD_NAME)
        ]
    except _damaged():
        return _failed("not_pdf", "不是有效的 PDF 文件，或文件已损坏")
    if not signatures:
        return _failed("unsigned", "PDF 没有签名")
    checks = [
        _verify_signature(raw, s, trust_roots, allow_training, last=n == len(signatures) - 1)
        for n, s in enumerate(signatures)
    ]
    first = checks[0]
    reasons = [*first.reasons]
    for check in checks[1:]:
        reasons.extend(Reason(r.code, f"{check.signer}的签名：{r.message}") for r in check.reasons)
        if (check.assessment_id, check.version) != (first.assessment_id, first.version):
            reasons.append(Reason("signature_broken", "各签名所签的评估编号或版本不一致"))
    ids = [c.assessor_id for c in checks]
    if len(set(ids)) != len(ids):
        reasons.append(Reason("signature_broken", "同一评估员在报告上签名了不止一次"))
    if empty:
        reasons.append(Reason("signatures_incomplete", f"尚缺 {len(empty)} 名评估组成员签名"))
    if len(checks) > 1 and signatures[0].field_name != FIELD_NAME:
        reasons.append(Reason("signature_broken", "第一个签名不在评估报告的签名栏中"))
    if len(checks) > 1:
        try:
            reserved = _reserved_fields(reader, signatures[0])
        except _damaged():
            reserved = set()
        for signature, check in zip(signatures[1:], checks[1:], strict=True):
            name = cosign_field_name(check.assessor_id)
            if signature.field_name != name or name not in reserved:
                reasons.append(
                    Reason(
                        "signature_broken",
                        f"{check.signer}的签名不在第一个签名预留给其的评估组成员签名栏中",
                    )
                )
    return Verification(
        "pdf",
        tuple(dict.fromkeys(reasons)),
        signer=first.signer,
        assessor_id=first.assessor_id,
        signed_at=first.signed_at,
        fingerprint=first.fingerprint,
        assessment_id=first.assessment_id,
        version=first.version,
        training=any(c.training for c in checks),
        trusted=all(c.trusted for c in checks),
        signers=tuple(
            SignedBy(c.signer, c.assessor_id, c.fingerprint, c.signed_at, c.ok) for c in checks
        ),
        signatures_expected=len(checks) + len(empty),
    )


def _reserved_fields(reader: PdfFileReader, first: EmbeddedPdfSignature) -> set[str]:
    """The co-signer fields the first signature covers: a later signature elsewhere (a field
    added after it) is not one the report was made to carry."""
    from pyhanko.sign import fields

    resolver = reader.get_historical_resolver(first.signed_revision)
    return {name for name, _, _ in fields.enumerate_sig_fields(resolver)}


# A damaged file surfaces as pyHanko's PdfError, or as the ValueError/KeyError/TypeError/
# IndexError family from the PDF and ASN.1 parsers; anything else is a bug and propagates.
def _damaged() -> tuple[type[BaseException], ...]:
    from pyhanko.pdf_utils.misc import PdfError

    # A damaged number surfaces as decimal.InvalidOperation (an ArithmeticError, like
    # OverflowError), and a damaged structure as pyHanko's own `assert`s (AssertionError).
    return (PdfError, ValueError, KeyError, TypeError, IndexError, ArithmeticError, AssertionError)


def _verify_signature(
    raw: bytes,
    signature: EmbeddedPdfSignature,
    trust_roots: list[x509.Certificate],
    allow_training: bool,
    *,
    last: bool,
) -> Verification:
    """One signature of the report; `last` says whether it must cover the whole file."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        embedded = [from_asn1(c) for c in signature.other_embedded_certs]
        chain = ordered_chain(from_asn1(signature.signer_cert), embedded)
        signed_at = signature.self_reported_timestamp
        if signed_at is None:
            return _failed("signature_broken", "签名中没有签名时间")
        signed_at = signed_at.astimezone(UTC)
        status = validate_pdf_signature(signature, validation_context(trust_roots, signed_at))
        reason = str(signature.sig_object.get("/Reason", ""))
        subfilter = str(signature.sig_object.get("/SubFilter", ""))
        as_written = _contents_as_written(raw, signature)
    except _damaged():
        return _failed("signature_broken", BROKEN_SIGNATURE)

    name, assessor_id = identity(chain[0])
    training = is_training_certificate(chain[0])
    match = _REASON.match(reason)
    reasons: list[Reason] = []
    if not (status.intact and status.valid):
        reasons.append(Reason("tampered", "文件内容被改动：签名与内容不符"))
    elif not as_written:
        reasons.append(Reason("signature_broken", BROKEN_SIGNATURE))
    elif untrusted := trust_reason(status, chain, signed_at):
        reasons.append(untrusted)
    elif outside_path(status, [chain[0], *embedded]):
        reasons.append(Reason("signature_broken", BROKEN_SIGNATURE))
    if last and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        reasons.append(Reason("tampered", "签名之后文件又被改动（签名没有覆盖整个文件）"))
    if not last:
        level = getattr(status.diff_result, "modification_level", ModificationLevel.OTHER)
        if (
            status.coverage != SignatureCoverageLevel.ENTIRE_REVISION
            or level > ModificationLevel.FORM_FILLING
            or not status.docmdp_ok
        ):
            reasons.append(
                Reason("tampered", "签名之后文件又被改动（其后只允许评估组成员共同签名）")
            )
    if subfilter != PADES_SUBFILTER:
        reasons.append(Reason("signature_broken", "签名格式不是 PAdES"))
    if match is None:
        reasons.append(Reason("unknown_format", "签名中没有评估编号：不是本程序签署的评估报告"))
    marked = bool(match and match.group(3))
    if not allow_training and (training or marked):
        reasons.append(Reason("training", TRAINING_REFUSED if training else TRAINING_DOCUMENT))
    return Verification(
        "pdf",
        tuple(reasons),
        signer=name,
        assessor_id=assessor_id,
        signed_at=signed_at,
        fingerprint=fingerprint(chain[0]),
        assessment_id=match.group(1) if match else "",
        version=int(match.group(2)) if match else None,
        training=training or marked,
        trusted=status.trusted,
    )
