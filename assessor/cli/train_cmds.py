"""`assessor train …`: sample centres for trainers: check them, convert them to and from Excel."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import data_dir_option, read_passphrase
from assessor.core.problems import ProblemsError, UserError
from assessor.core.rubric.registry import rubric_for
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.trainer_key import (
    TrainerKey,
    load_trainer_key,
    load_trainer_signer,
    read_trainer_certificate,
)
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.storage.store import default_root
from assessor.core.training.sample import sample_json
from assessor.core.training.sealed import (
    SealedSample,
    load_any_sample,
    seal_sample,
    sealed_json,
    unseal,
)
from assessor.core.training.validate import CheckedSample, check_sample
from assessor.core.training.validate_sealed import check_sealed_sample
from assessor.core.training.xlsx import sample_from_xlsx, sample_to_xlsx

_FILE = click.Path(dir_okay=False, path_type=Path)

_MODE_LABELS = {"practice": "练习（提交后显示参考评分与理由）", "test": "测验（只显示一致性结果）"}
_DIFFICULTY_LABELS = {"easy": "容易", "medium": "中等", "hard": "较难"}


@click.group("train")
def command() -> None:
    """培训：样例机构的检查，以及与 Excel 表格互相转换。"""


def _rubric_option(function):
    return click.option(
        "--rubric",
        "rubric_path",
        type=_FILE,
        help="评估标准文件（默认按样例记录的哈希在内置评估标准中查找）",
    )(function)


def trainer_key_options(function):
    """`--trainer-key FILE.p12` and `--trainer-passphrase-file`, for what only trainers open."""
    function = click.option(
        "--trainer-passphrase-file",
        type=_FILE,
        help="培训师密钥口令所在文件（第一行）；不给则提示输入",
    )(function)
    return click.option(
        "--trainer-key",
        "trainer_key_path",
        type=_FILE,
        help="培训师密钥（.p12，keys issue --role trainer 签发），打开密封的测试样例参考评分",
    )(function)


def open_trainer_key(path: Path | None, passphrase_file: Path | None) -> TrainerKey | None:
    if path is None:
        return None
    return load_trainer_key(path, read_passphrase(passphrase_file, "培训师密钥口令", new=False))


def sealing_signer(path: Path | None, passphrase_file: Path | None) -> SigningKey:
    """The sealing trainer's key: what is sealed is signed, so nobody else can seal a reference."""
    if path is None:
        raise UserError("密封测试样例需要你的培训师密钥签名：请用 --trainer-key 指定")
    return load_trainer_signer(path, read_passphrase(passphrase_file, "培训师密钥口令", new=False))


@command.command("check")
@click.argument("file", type=_FILE)
@_rubric_option
@trainer_key_options
def check(
    file: Path,
    rubric_path: Path | None,
    trainer_key_path: Path | None,
    trainer_passphrase_file: Path | None,
) -> None:
    """检查样例机构文件：指标齐全、参考评分合规、等级与总分同评分引擎一致、档案不照抄评分标准。
    密封的测试样例只查结构与指标覆盖；给出培训师密钥则打开后全部检查。"""
    extra = [rubric_path] if rubric_path else []
    try:
        sample = load_any_sample(file)
        rubric = rubric_for(sample.rubric, extra)
        if isinstance(sample, SealedSample):
            key = open_trainer_key(trainer_key_path, trainer_passphrase_file)
            if key is None:
                check_sealed_sample(sample, rubric, str(file))
                click.echo(f"样例 {file} 的公开部分检查通过（结构与指标覆盖）。")
                click.echo(render_sealed(sample, rubric))
                return
            checked = check_sample(unseal(sample, key), rubric, str(file))
        else:
            checked = check_sample(sample, rubric, str(file))
    except ProblemsError as exc:
        raise UserError(f"样例 {file} 未通过检查，共 {len(exc.problems)} 个问题：\n{exc}") from exc
    click.echo(f"样例 {file} 检查通过。")
    click.echo(render_checked(checked))


def render_sealed(sample: SealedSample, rubric: LoadedRubric) -> str:
    names = "、".join(r.name for r in sample.seal.recipients)
    return "\n".join(
        [
            f"编号：{sample.id}",
            f"名称：{sample.title}",
            f"用途：{_MODE_LABELS[sample.mode]}；难度：{_DIFFICULTY_LABELS[sample.difficulty]}",
            f"评估标准：{rubric.rubric.code} {rubric.rubric.version}（{rubric.sha256[:16]}…）",
            f"档案：{len(sample.dossier)} 项指标",
            f"参考评分：已密封给培训师 {names}；用 --trainer-key 打开后检查参考评分",
        ]
    )


def render_checked(checked: CheckedSample) -> str:
    sample, result = checked.sample, checked.result
    rubric = checked.rubric.rubric
    na = sum(1 for entry in sample.dossier if entry.reference.na)
    unmet = [v.indicator for v in result.vetoes if v.status == "unmet"]
    return "\n".join(
        [
            f"编号：{sample.id}",
            f"名称：{sample.title}",
            f"用途：{_MODE_LABELS[sample.mode]}；难度：{_DIFFICULTY_LABELS[sample.difficulty]}",
            f"评估标准：{rubric.code} {rubric.version}（{checked.rubric.sha256[:16]}…）",
            f"档案：{len(sample.dossier)} 项指标，其中不适用 {na} 项",
            f"参考结果：总分 {result.total:g}，等级 {result.grade}"
            + (f"（基础指标未达标：{'、'.join(unmet)}）" if unmet else ""),
        ]
    )


@command.command("to-xlsx")
@click.argument("sample_path", metavar="SAMPLE", type=_FILE)
@click.option("-o", "--out", required=True, type=_FILE, help="要写出的 Excel 表格（.xlsx）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
@_rubric_option
def to_xlsx(sample_path: Path, out: Path, force: bool, rubric_path: Path | None) -> None:
    """把样例机构文件转换为 Excel 表格，供培训者修改或照着编写新样例。"""
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件 {out} 应以 .xlsx 结尾")
    _refuse_existing(out, force)
    sample = load_any_sample(sample_path)
    if isinstance(sample, SealedSample):
        raise UserError(
            f"{sample_path} 是密封的测试样例，不能转换为表格；请用培训师保管的明文原件转换"
        )
    try:
        rubric = rubric_for(sample.rubric, [rubric_path] if rubric_path else [])
    except UserError:
        rubric = None  # the table is still written, only without indicator names
        click.echo("未找到样例所用的评估标准：表格中不列指标名称和可选分值。", err=True)
    sample_to_xlsx(sample, out, rubric)
    click.echo(f"已写入 {out}（{len(sample.dossier)} 项指标的档案）")
    click.echo(f"改好后运行：assessor train from-xlsx {out} -o 样例.json")


@command.command("from-xlsx")
@click.argument("table", metavar="TABLE.xlsx", type=_FILE)
@click.option("-o", "--out", required=True, type=_FILE, help="要写出的样例机构文件（.json）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
@click.option(
    "--seal-to",
    "seal_to",
    type=_FILE,
    multiple=True,
    help="把测试样例的参考评分密封给这个培训师证书（可多次给出）；明文不写到磁盘",
)
@_rubric_option
@trainer_key_options
def from_xlsx(
    table: Path,
    out: Path,
    force: bool,
    seal_to: tuple[Path, ...],
    rubric_path: Path | None,
    trainer_key_path: Path | None,
    trainer_passphrase_file: Path | None,
) -> None:
    """把填写好的 Excel 表格转换为样例机构文件（JSON），并做与 train check 相同的检查；
    有问题时不写出任何文件。--seal-to 时用 --trainer-key 签名并密封。"""
    _refuse_existing(out, force)
    certificates = [read_trainer_certificate(path) for path in seal_to]
    signer = sealing_signer(trainer_key_path, trainer_passphrase_file) if seal_to else None
    try:
        workbook = sample_from_xlsx(table)
        rubric = rubric_for(workbook.sample.rubric, [rubric_path] if rubric_path else [])
        checked = workbook.check(rubric)
    except ProblemsError as exc:
        raise UserError(
            f"表格 {table} 有 {len(exc.problems)} 个问题，未写入 {out}：\n{exc}"
        ) from exc
    if signer is not None:
        data = sealed_json(seal_sample(checked.sample, certificates, signer))
    else:
        data = sample_json(checked.sample)
    _write(out, data)
    click.echo(f"已写入 {out}" + ("（参考评分已密封）" if certificates else ""))
    click.echo(render_checked(checked))


@command.command("seal")
@click.argument("sample_path", metavar="SAMPLE", type=_FILE)
@click.option(
    "--to",
    "to",
    type=_FILE,
    multiple=True,
    required=True,
    help="培训师证书（PEM 或 DER，keys issue --role trainer 写出的 -cert.pem）；可多次给出",
)
@click.option("-o", "--out", required=True, type=_FILE, help="要写出的密封样例文件（.json）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
@_rubric_option
@trainer_key_options
def seal(
    sample_path: Path,
    to: tuple[Path, ...],
    out: Path,
    force: bool,
    rubric_path: Path | None,
    trainer_key_path: Path | None,
    trainer_passphrase_file: Path | None,
) -> None:
    """把测试样例的参考评分与理由加密给培训师（CMS EnvelopedData），并用你的培训师密钥签名：
    学员只看到机构信息与档案。密封前做与 train check 相同的全部检查。"""
    _refuse_existing(out, force)
    certificates = [read_trainer_certificate(path) for path in to]
    signer = sealing_signer(trainer_key_path, trainer_passphrase_file)
    sample = load_any_sample(sample_path)
    if isinstance(sample, SealedSample):
        raise UserError(f"{sample_path} 已经是密封的测试样例")
    try:
        rubric = rubric_for(sample.rubric, [rubric_path] if rubric_path else [])
        check_sample(sample, rubric, str(sample_path))
    except ProblemsError as exc:
        raise UserError(
            f"样例 {sample_path} 未通过检查，共 {len(exc.problems)} 个问题，未密封：\n{exc}"
        ) from exc
    sealed = seal_sample(sample, certificates, signer)
    _write(out, sealed_json(sealed))
    click.echo(f"已写入密封的测试样例 {out}")
    click.echo(render_sealed(sealed, rubric))
    click.echo(f"明文原件 {sample_path} 只由培训师保管，不要发给学员。")


@command.command("retake")
@click.option("--trainee", "trainee_id", required=True, help="学员编号")
@click.option("--sample", "sample_id", required=True, help="测试样例编号")
@click.option("--reason", required=True, help="批准重考的原因（记入成绩文件与日志）")
@trainer_key_options
@data_dir_option
def retake(
    trainee_id: str,
    sample_id: str,
    reason: str,
    trainer_key_path: Path | None,
    trainer_passphrase_file: Path | None,
    data_dir: Path | None,
) -> None:
    """培训师批准学员重考一个测试样例（需要培训师密钥；批准记入成绩文件与日志）。"""
    from assessor.core.training.attempts import grant_retake

    key = open_trainer_key(trainer_key_path, trainer_passphrase_file)
    if key is None:
        raise UserError("批准重考需要培训师密钥：请用 --trainer-key 指定")
    grant = grant_retake(data_dir or default_root(), key, trainee_id, sample_id, reason)
    click.echo(
        f"培训师 {grant.trainer} 已批准学员 {grant.trainee_id} 重考测试样例 {grant.sample_id}"
        f"（原因：{grant.reason}）；下一次提交将计入成绩。"
    )


def _write(out: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(out, data)
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}") from exc


def _refuse_existing(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise UserError(f"{out} 已存在，未作改动；如要覆盖请加 --force")
