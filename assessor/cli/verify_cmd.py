"""`assessor verify FILE`: check a signed assessment file (.json) or report (.pdf)."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FILE
from assessor.core.problems import UserError

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
@click.pass_context
def command(
    ctx: click.Context,
    file: Path,
    trust_paths: tuple[Path, ...],
    allow_training: bool,
    rubric_paths: tuple[Path, ...],
) -> None:
    """验证已签名的评估文件（.json）或评估报告（.pdf）：内容是否被改动、签名者是否可信。

    通过时退出码为 0，并显示签名人、签名时间、评估编号和版本；未通过时退出码为 1，并列出原因。
    """
    from assessor.core.clock import beijing_text
    from assessor.core.signing.training import training_ca
    from assessor.core.signing.verification import load_trust_roots

    kind = file.suffix.lower()
    if kind not in (".json", ".pdf"):
        raise UserError(f"只能验证 .json 或 .pdf 文件：{file}")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取文件 {file}：{exc.strerror}") from None
    if trust_paths:
        roots = load_trust_roots(trust_paths)
        if allow_training:
            roots.append(training_ca())
    else:
        click.echo(DEFAULT_TRUST_WARNING, err=True)
        roots = [training_ca()]

    if kind == ".json":
        from assessor.core.document.verify import verify_json

        result = verify_json(raw, roots, allow_training, rubrics=rubric_paths)
    else:
        from assessor.core.signing.pdf_signature import verify_pdf

        result = verify_pdf(raw, roots, allow_training)

    click.echo(f"{'验证通过' if result.ok else '验证未通过'}：{file}")
    for problem in result.problems:
        click.echo(f"  · {problem}")
    if result.signer:
        click.echo(f"签名人：{result.signer}（评估员编号 {result.assessor_id}）")
    if result.signed_at:
        click.echo(f"签名时间：{beijing_text(result.signed_at)}")
    if result.assessment_id:
        click.echo(f"评估编号：{result.assessment_id}，第 {result.version} 版")
    if result.fingerprint:
        click.echo(f"证书指纹（SHA-256）：{result.fingerprint}")
    if result.training:
        click.echo("注意：培训/样例签名，不作为正式评估结果")
    if not result.ok:
        ctx.exit(1)
