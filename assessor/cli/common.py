"""Options and helpers shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from assessor.core.problems import UserError
from assessor.core.safe_input import read_regular_file
from assessor.core.storage.store import Store, default_root

if TYPE_CHECKING:
    from assessor.core.signing.keys import SigningKey

# No checks by click: its messages are English. Readers check inputs themselves (safe_input)
# with one Chinese wording; writers report their own errors.
FILE = click.Path(path_type=Path)
FOLDER = click.Path(path_type=Path)
# A passphrase file holds one line.
MAX_PASSPHRASE_FILE_BYTES = 64 * 1024
PASSPHRASE_HELP = "{}：从该文件的第一行读取（不指定则交互输入，输入内容不显示）"

data_dir_option = click.option(
    "--data-dir",
    type=FOLDER,
    help="评估数据文件夹（默认：环境变量 ASSESSOR_DATA_DIR 或用户数据文件夹）",
)


def read_passphrase(path: Path | None, label: str, *, new: bool) -> str:
    if path is not None:
        raw = read_regular_file(path, MAX_PASSPHRASE_FILE_BYTES, f"口令文件 {path}")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(f"口令文件 {path} 不是 UTF-8 文本") from None
        lines = text.splitlines()
        return lines[0] if lines else ""
    passphrase = click.prompt(label, hide_input=True, prompt_suffix="：")
    if new and click.prompt("再次输入以确认", hide_input=True, prompt_suffix="：") != passphrase:
        raise UserError("两次输入的口令不一致")
    return passphrase


def laptop_rubrics(data_dir: Path | None) -> list[Path]:
    """The rubrics plan packages installed in this laptop's data folder, which `export`,
    `verify` and `score` look in after the given and the bundled ones (as the GUI does)."""
    from assessor.core.rubric.registry import installed_rubric_paths

    return installed_rubric_paths(data_dir or default_root())


def open_store(data_dir: Path | None, *, read_only: bool = False) -> Store:
    """The data folder's store; a writing one holds the folder for the command's life."""
    return Store(data_dir or default_root(), read_only=read_only)


def signing_key(key: Path | None, passphrase_file: Path | None) -> SigningKey:
    """The assessor's key, or the built-in training key when none is given."""
    # Imported here: pyHanko takes about a second to import and most commands never sign.
    from assessor.core.signing.keys import load_signer, training_signer

    if key is None:
        click.echo("未指定 --key：使用内置培训密钥，签名结果标记为“培训/样例”。", err=True)
        return training_signer()
    return load_signer(key, read_passphrase(passphrase_file, "评估员密钥口令", new=False))


def key_options(function):
    function = click.option(
        "--passphrase-file", type=FILE, help=PASSPHRASE_HELP.format("评估员密钥口令")
    )(function)
    return click.option(
        "--key", "key_path", type=FILE, help="评估员密钥文件（.p12）；不指定则使用内置培训密钥"
    )(function)
