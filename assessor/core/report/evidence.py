"""The report's evidence appendix: a thumbnail of every photo with its caption, and the rest.

Photos are decoded, turned upright (EXIF orientation) and re-encoded small for the report; the
originals travel unchanged in the evidence package. Where a photo carries EXIF capture time
or GPS position they are shown under it, as the camera recorded them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer
from reportlab.platypus import Image as PdfImage

from assessor.core.assessment.model import Assessment, Evidence
from assessor.core.clock import beijing_text
from assessor.core.report.paragraph import Para
from assessor.core.report.styles import FRAME_WIDTH, RULE, plain_table, styles
from assessor.core.report.text import markup

EvidenceFiles = Callable[[Evidence], Path]  # where an attached file lives on this computer

COLUMNS = 2
THUMB_WIDTH = (FRAME_WIDTH - 8 * mm) / COLUMNS
THUMB_HEIGHT = 62 * mm
# Pixels of the re-encoded photo's longer side: sharp at the printed size, small in the file.
REPORT_PIXELS = 720
JPEG_QUALITY = 72
_EXIF_IFD, _GPS_IFD, _DATETIME_ORIGINAL, _DATETIME = 0x8769, 0x8825, 36867, 306


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    width: int
    height: int
    taken: str | None  # EXIF capture time, as the camera's clock showed it
    place: str | None  # EXIF GPS position, in degrees


def _degrees(values: tuple, ref: str, positive: str, negative: str) -> str:
    d, m, s = (float(v) for v in values)
    value = d + m / 60 + s / 3600
    hemisphere = negative if ref in ("S", "W") else positive
    return f"{hemisphere} {value:.5f}°"


def _exif(image: Image.Image) -> tuple[str | None, str | None]:
    exif = image.getexif()
    raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    taken = None
    if isinstance(raw, str) and len(raw) >= 19:
        taken = f"{raw[:10].replace(':', '-')} {raw[11:19]}"
    gps = exif.get_ifd(_GPS_IFD)
    place = None
    try:
        if 2 in gps and 4 in gps:
            place = (
                f"{_degrees(gps[2], gps.get(1, 'N'), '北纬', '南纬')}，"
                f"{_degrees(gps[4], gps.get(3, 'E'), '东经', '西经')}"
            )
    except (TypeError, ValueError, ZeroDivisionError):
        place = None
    return taken, place


def load_photo(path: Path) -> Photo | None:
    """The photo made small for the report, or None when the file is not a readable image."""
    try:
        with Image.open(path) as image:
            taken, place = _exif(image)
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((REPORT_PIXELS, REPORT_PIXELS))
            rgb = upright.convert("RGB")
            out = io.BytesIO()
            rgb.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            return Photo(out.getvalue(), rgb.width, rgb.height, taken, place)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None


def _name(evidence: Evidence) -> str:
    return PurePosixPath(evidence.file.replace("\\", "/")).name


def _caption(indicator: str, evidence: Evidence, photo: Photo | None) -> list[Para]:
    st = styles()
    title = f"<b>{markup(indicator)}</b>　{markup(evidence.caption.strip() or '（无说明）')}"
    lines = [Para(title, st.cell)]
    facts = [f"文件：{markup(_name(evidence))}"]
    if photo is not None and photo.taken:
        facts.append(f"拍摄时间（相机时钟）：{photo.taken}")
    if photo is not None and photo.place:
        facts.append(f"拍摄位置：{photo.place}")
    facts.append(f"添加时间：{beijing_text(evidence.added_at, '%Y-%m-%d %H:%M')}")
    facts.append(f"SHA-256：{evidence.sha256[:16]}…")
    lines += [Para(f, st.cell_muted) for f in facts]
    return lines


def _cell(indicator: str, evidence: Evidence, files: EvidenceFiles) -> list[Flowable]:
    photo = load_photo(files(evidence))
    if photo is None:
        note = Para("（非图片文件，原件见证据包）", styles().cell_muted)
        return [note, *_caption(indicator, evidence, None)]
    scale = min(THUMB_WIDTH / photo.width, THUMB_HEIGHT / photo.height)
    image = PdfImage(io.BytesIO(photo.jpeg), photo.width * scale, photo.height * scale)
    image.hAlign = "LEFT"
    return [image, Spacer(1, 2 * mm), *_caption(indicator, evidence, photo)]


def evidence_section(assessment: Assessment, files: EvidenceFiles | None) -> list[Flowable]:
    """The appendix; empty when nothing is attached or the files are not at hand."""
    listed = [(s.indicator, e) for s in assessment.scores for e in s.evidence]
    if not listed or files is None:
        return []
    st = styles()
    out: list[Flowable] = [
        PageBreak(),
        Para("附录　证据照片与文件", st.h1),
        Para(
            f"共 {len(listed)} 项证据。照片为缩小后的副本；原件随报告附带的证据包"
            "（“-证据包.zip”）提供，其 SHA-256 由签名的 JSON 文件记录，可用 "
            "assessor verify 核对。",
            st.body,
        ),
        Spacer(1, 3 * mm),
    ]
    cells = [_cell(indicator, evidence, files) for indicator, evidence in listed]
    for start in range(0, len(cells), COLUMNS):
        row = cells[start : start + COLUMNS]
        row += [[]] * (COLUMNS - len(row))
        table = plain_table(
            [row],
            [FRAME_WIDTH / COLUMNS] * COLUMNS,
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ],
            hAlign="LEFT",
        )
        out.append(KeepTogether([table]))
    return out
