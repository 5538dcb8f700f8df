"""`assessor cosign FILE.json --key K.p12`: add one team member's signature to a signed file.

The JSON gets one more SignerInfo in its CMS; the PDF of the same name beside it (when there
is one) gets one more incremental signature. Both are rewritten atomically, together: when
either cannot be signed, neither changes.
"""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FILE, key_options, signing_key
from assessor.core.document.model import MAX_DOCUMENT_BYTES
from assessor.core.problems import UserError
from assessor.core.safe_input import read_regular_file

MAX_REPORT_BYTES = 200 * 1024 * 1024


@click.command("cosign")
@click.argument("file", type=FILE)
@key_options
def command(file: Path, key_path: Path | None, passphrase_file: Path | None) -> None:
    """评估组成员共同签名：为已签名的评估文件（.json）再加一名成员的签名。

    同名的 PDF 报告（如有）同时加一个增量签名，覆盖其前的全部签名。
    """
    from assessor.core.clock import now_utc
    from assessor.core.document.cosign import missing_signatures
    from assessor.core.document.model import AssessmentDocument, parse_assessment
    from assessor.core.export.signed_export import SignedFiles, cosign_files
    from assessor.core.storage.atomic import atomic_write_bytes

    if file.suffix.lower() != ".json":
        raise UserError(f"请指定签名的评估文件（.json）：{file}")
    raw = read_regular_file(file, MAX_DOCUMENT_BYTES)
    document = parse_assessment(raw, str(file))
    if not isinstance(document, AssessmentDocument) or document.signature is None:
        raise UserError(f"{file} 不是已签名的评估文件，不能共同签名")
    pdf = file.with_suffix(".pdf")
    pdf_bytes = read_regular_file(pdf, MAX_REPORT_BYTES) if pdf.is_file() else b""
    signer = signing_key(key_path, passphrase_file)
    added = cosign_files(SignedFiles(document, raw, pdf_bytes), signer, now_utc())
    if pdf_bytes:
        atomic_write_bytes(pdf, added.pdf_bytes)
    atomic_write_bytes(file, added.json_bytes)
    click.echo(f"已由{signer.info.name}（评估员编号 {signer.info.assessor_id}）共同签名：{file}")
    if pdf_bytes:
        click.echo(f"  报告同时加签：{pdf}")
    missing = missing_signatures(added.document)
    click.echo(f"尚缺 {missing} 名评估组成员签名" if missing else "评估组成员签名已齐全")
