"""`assessor schema`: JSON Schemas generated from the pydantic models, never hand-written."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FILE
from assessor.core.schemas import SCHEMAS, schema_json


@click.command("schema")
@click.argument("name", type=click.Choice(sorted(SCHEMAS)))
@click.option("-o", "--out", type=FILE, help="写入文件而不是输出到屏幕")
def command(name: str, out: Path | None) -> None:
    """输出评估文件（assessment）、评估标准文件（rubric）、培训样例（sample）或培训可靠性规则（training-rule）的 JSON Schema。"""
    text = schema_json(name)
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"已写入 {out}")
    else:
        click.echo(text, nl=False)
