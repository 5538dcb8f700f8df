"""`assessor verify FILE`: check a signed assessment file (.json) or report (.pdf)."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FILE, data_dir_option, laptop_rubrics
from assessor.core.document.model import MAX_DOCUMENT_BYTES
from assessor.core.problems import UserError
from assessor.core.safe_input import read_regular_file

# A report with evidence photos stays well below this; the size is checked before reading.
MAX_REPORT_BYTES = 200 * 1024 * 1024

DEFAULT_TRUST_WARNING = (
    "注意：未指定 --trust，只信任内置培训 CA，只有培训签名（同时加 --allow-training）"
    "能通过验证。正式文件请用 --trust 指定卫生健康委的 CA 证书。"
)


@click.command("verify")
@click.argument("file", type=FILE)
@click.option(
    "--trust",
    "trust_paths",
    multiple=True,
    type=FILE,
    help="信任的 CA 证书（PEM 或 DER），可多次指定；不指定则只信任内置培训 CA",
)
@click.option("--allow-training", is_flag=True, help="接受内置培训密钥的签名（培训/样例）")
@click.option(
    "--rubric",
    "rubric_paths",
    multiple=True,
    type=FILE,
    help="评估标准文件（仅 JSON；默认按评估文件记录的哈希在内置评估标准中查找）",
)
@click.option(
    "--evidence",
    "evidence_path",
    type=FILE,
    default=None,
    help="证据包（.zip）：核对其中每个文件的 SHA-256 与签名 JSON 的记录一致；"
    "不指定时自动核对 JSON 旁同名的“-证据包.zip”",
)
@click.option(
    "--partial",
    is_flag=True,
    help="评估组成员签名尚未齐全时也视为通过（其余检查照常）",
)
@data_dir_option
@click.pass_context
def command(
    ctx: click.Context,
    file: Path,
    trust_paths: tuple[Path, ...],
    allow_training: bool,
    rubric_paths: tuple[Path, ...],
    evidence_path: Path | None,
    partial: bool,
    data_dir: Path | None,
) -> None:
    """验证已签名的评估文件（.json）或评估报告（.pdf）：内容是否被改动、签名者是否可信。

    验证 JSON 时一并核对证据包（见 --evidence）。通过时退出码为 0，并显示签名人、签名时间、
    评估编号和版本；未通过时退出码为 1，并列出原因。
    """
    from assessor.core.clock import beijing_text
    from assessor.core.signing.training import training_ca
    from assessor.core.signing.verification import load_trust_roots

    kind = file.suffix.lower()
    if kind not in (".json", ".pdf"):
        raise UserError(f"只能验证 .json 或 .pdf 文件：{file}")
    if evidence_path is not None and kind != ".json":
        raise UserError("--evidence 只能与签名的 .json 文件一同使用")
    raw = read_regular_file(file, MAX_DOCUMENT_BYTES if kind == ".json" else MAX_REPORT_BYTES)
    if trust_paths:
        roots = load_trust_roots(trust_paths)
        if allow_training:
            roots.append(training_ca())
    else:
        click.echo(DEFAULT_TRUST_WARNING, err=True)
        roots = [training_ca()]

    if kind == ".json":
        from assessor.core.document.verify import verify_json

        rubrics = [*rubric_paths, *laptop_rubrics(data_dir)]
        result = verify_json(raw, roots, allow_training, rubrics=rubrics)
        evidence_problems = _check_evidence(file, raw, evidence_path)
    else:
        evidence_problems = []
        from assessor.core.signing.pdf_signature import verify_pdf

        result = verify_pdf(raw, roots, allow_training)

    # With --partial a missing team signature is reported but does not fail the file.
    tolerated = {"signatures_incomplete"} if partial else set()
    failing = [r.message for r in result.reasons if r.code not in tolerated]
    ok = not failing and not evidence_problems
    click.echo(f"{'验证通过' if ok else '验证未通过'}：{file}")
    for problem in [*result.problems, *evidence_problems]:
        click.echo(f"  · {problem}")
    if len(result.signers) > 1 or result.signatures_expected > 1:
        click.echo(
            f"评估组共同签名：{len(result.signers)} 人签名（应有 {result.signatures_expected} 人）"
        )
        for n, s in enumerate(result.signers, start=1):
            when = beijing_text(s.signed_at) if s.signed_at else "未知"
            mark = "" if s.ok else "（未通过）"
            click.echo(f"  {n}. {s.name}（评估员编号 {s.assessor_id}），{when}{mark}")
    elif result.signer:
        click.echo(f"签名人：{result.signer}（评估员编号 {result.assessor_id}）")
    if result.signed_at:
        click.echo(f"签名时间：{beijing_text(result.signed_at)}")
    if result.assessment_id:
        click.echo(f"评估编号：{result.assessment_id}，第 {result.version} 版")
    if result.fingerprint:
        click.echo(f"证书指纹（SHA-256）：{result.fingerprint}")
    if result.training:
        click.echo("注意：培训/样例签名，不作为正式评估结果")
    if kind == ".json":
        _show_acknowledgement(raw, file)
    if not ok:
        ctx.exit(1)


def _show_acknowledgement(raw: bytes, file: Path) -> None:
    """The centre's acknowledgement the signatures cover: who signed, refusal, objections."""
    from assessor.core.clock import beijing_text
    from assessor.core.document.model import parse_assessment

    try:
        ack = parse_assessment(raw, str(file)).acknowledgement
    except UserError:
        return
    if ack is None:
        return
    state = "拒签" if ack.refused else "已签字确认"
    click.echo(f"现场反馈确认：{ack.director}（{ack.role}），{state}，{beijing_text(ack.at)}")
    if ack.refused:
        click.echo(f"  组长说明：{ack.leader_note}")
    for objection in ack.objections:
        click.echo(f"  异议 {objection.indicator}：{objection.text}")


def _check_evidence(file: Path, raw: bytes, given: Path | None) -> list[str]:
    """Problems with the evidence package: the one given, else the one beside the JSON."""
    from assessor.core.document.model import parse_assessment
    from assessor.core.export.evidence_package import check_evidence_package, package_path

    package = given or package_path(file)
    if given is None and not package.is_file():
        return []
    try:
        document = parse_assessment(raw, str(file))
    except UserError:
        return []  # the signature check already says why the file is unusable
    problems = check_evidence_package(document, raw, package)
    if not problems:
        listed = sum(len(s.evidence) for s in document.scores)
        click.echo(f"证据包核对通过：{package.name}（{listed} 项证据，SHA-256 均与签名记录一致）")
    return problems
