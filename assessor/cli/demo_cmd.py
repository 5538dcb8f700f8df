"""`assessor demo`: signed sample assessments for newcomers, trainers and import tests."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assessor.cli.common import FOLDER, key_options, signing_key
from assessor.core.rubric.registry import default_rubric


@click.command("demo")
@click.option("-o", "--out", "out_dir", type=FOLDER, required=True, help="输出文件夹")
@click.option(
    "--count",
    type=click.IntRange(1, 100_000),
    default=1,
    show_default=True,
    help="生成的评估份数（约十分之一附带修订版本）",
)
@click.option(
    "--pdf/--no-pdf",
    "with_pdf",
    default=None,
    help="同时生成签名 PDF 报告（默认：只生成 1 份时生成）",
)
@click.option(
    "--seed", type=int, default=2024, show_default=True, help="随机种子，相同种子生成相同内容"
)
@key_options
def command(
    out_dir: Path,
    count: int,
    with_pdf: bool | None,
    seed: int,
    key_path: Path | None,
    passphrase_file: Path | None,
) -> None:
    """生成已签名的示例评估（PDF 与 JSON），用于演示、培训或批量导入测试。"""
    from assessor.core.export.signed_export import write_signed
    from assessor.devtools.demo import demo_files

    signer = signing_key(key_path, passphrase_file)
    pdf = count == 1 if with_pdf is None else with_pdf
    rubric = default_rubric()
    with click.progressbar(length=count, label="生成示例评估", file=sys.stderr) as bar:
        for files in demo_files(rubric, signer, count=count, seed=seed, with_pdf=pdf):
            written = write_signed(files, out_dir)
            bar.update(1)
    if count == 1:
        paths = [p for p in (written.pdf_path, written.json_path) if p]
        click.echo("已生成示例评估：\n" + "\n".join(f"  {p}" for p in paths))
    else:
        click.echo(f"已在 {out_dir} 生成 {count} 份示例评估。")
