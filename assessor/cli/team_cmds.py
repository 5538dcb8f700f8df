"""`assessor team export|import|status`: a team visit split across laptops by files."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FILE, data_dir_option, open_store, read_passphrase
from assessor.core.problems import UserError


@click.group("team")
def command() -> None:
    """评估组：组长导出任务包，成员导入任务包、评分并导出自己的部分，组长导入各部分合并。"""


def _trust_option(function):
    return click.option(
        "--trust",
        "trust_paths",
        multiple=True,
        type=FILE,
        help="信任的 CA 证书，用于验证成员部分的签名；不指定则信任本机已导入密钥的 CA 与培训 CA",
    )(function)


def _scene(store, key: str):
    from assessor.core.rubric.registry import rubric_for

    assessment = store.load(key)
    return assessment, rubric_for(assessment.rubric)


def _member(text: str, leader: bool):
    from assessor.core.assessment.team import TeamMember

    name, _, rest = text.partition("/")
    body, _, assessor_id = rest.partition("/")
    try:
        return TeamMember(name=name.strip(), body=body.strip(), assessor_id=assessor_id.strip())
    except ValueError:
        role = "--leader" if leader else "--member"
        raise UserError(
            f"{role} 的格式应为 姓名/所属单位/评估员编号（后两项可空）：{text}"
        ) from None


@command.command("set")
@click.argument("key")
@click.option(
    "--leader",
    required=True,
    help="组长：姓名/所属单位/评估员编号（评估员编号取自其证书，无密钥时留空）",
)
@click.option(
    "--member", "members", multiple=True, help="成员：姓名/所属单位/评估员编号；可多次指定"
)
@click.option(
    "--assign",
    "assign",
    multiple=True,
    help="分工：维度号或指标条款号=成员姓名；未分配的由组长负责",
)
@data_dir_option
def set_command(
    key: str,
    leader: str,
    members: tuple[str, ...],
    assign: tuple[str, ...],
    data_dir: Path | None,
) -> None:
    """组长电脑：设置评估组（组长、成员、所属单位、评估员编号）与分工。"""
    from pydantic import ValidationError

    from assessor.core.assessment.team import Team
    from assessor.core.problems import ProblemsError, problems_from_validation
    from assessor.core.session import EditingSession
    from assessor.core.team.package import laptop_member

    store = open_store(data_dir)
    assessment, rubric = _scene(store, key)
    # Members named as before keep their ids, so parts of an earlier package still match.
    known = {m.name: m.id for m in assessment.team.members} if assessment.team else {}
    everyone = [_member(leader, True), *(_member(m, False) for m in members)]
    everyone = [m.model_copy(update={"id": known.get(m.name, m.id)}) for m in everyone]
    chief = everyone[0]
    by_name = {m.name: m.id for m in everyone}
    assignment = {}
    for item in assign:
        target, sep, name = item.partition("=")
        target, name = target.strip(), name.strip()
        if not sep or name not in by_name:
            raise UserError(f"--assign 的格式应为 维度号或指标条款号=成员姓名：{item}")
        if target not in rubric.by_id and target not in {d.id for d in rubric.rubric.dimensions}:
            raise UserError(f"--assign {item}：评估标准中没有维度或指标 {target}")
        assignment[target] = by_name[name]
    try:
        team = Team(leader=chief.id, members=everyone, assignment=assignment)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation("评估组", exc)) from None
    session = EditingSession.open(store, key, [rubric])
    if laptop_member(session.audit_trail) is not None:
        raise UserError("这是评估组成员电脑上的记录，评估组由组长设置")
    session.member = chief.id
    session.set_team(team)
    click.echo(f"已设置评估组：{len(everyone)} 人，组长 {chief.name}")


@command.command("export")
@click.argument("key")
@click.option("-o", "--out", "out_path", type=FILE, required=True, help="输出文件")
@click.option("--key", "key_path", type=FILE, help="成员的密钥（.p12），用于签署部分文件")
@click.option("--passphrase-file", type=FILE, help="密钥口令文件（只含一行口令）")
@data_dir_option
def export_command(
    key: str,
    out_path: Path,
    key_path: Path | None,
    passphrase_file: Path | None,
    data_dir: Path | None,
) -> None:
    """组长电脑：导出评估组任务包（.assessor-team）；成员电脑：导出自己的部分（.assessor-part）。"""
    from assessor.core.team.package import laptop_member

    store = open_store(data_dir)
    _, chain = store.load_with_audit(key)
    if laptop_member(chain) is None:
        from assessor.core.team.package import export_package

        if key_path is not None:
            raise UserError("任务包不需要签名；--key 只用于成员导出自己的部分")
        export_package(store, key, out_path)
        click.echo(f"已导出评估组任务包：{out_path}")
        return
    from assessor.core.signing.keys import load_signer
    from assessor.core.team.part import export_part

    signer = None
    if key_path is not None:
        signer = load_signer(key_path, read_passphrase(passphrase_file, "密钥口令", new=False))
    _, rubric = _scene(store, key)
    part = export_part(store, key, rubric, out_path, signer)
    signed = "（已签名）" if part.signature else "（未签名：成员没有密钥）"
    click.echo(f"已导出评估组成员部分{signed}：{out_path}，{len(part.scores)} 项指标")


def _parse_decisions(decide: tuple[str, ...]) -> dict[str, str]:
    decisions: dict[str, str] = {}
    for item in decide:
        indicator, sep, choice = item.partition("=")
        if not sep or not indicator.strip() or not choice.strip():
            raise UserError(f"--decide 的格式应为 指标=成员姓名（或 保留）：{item}")
        decisions[indicator.strip()] = choice.strip()
    return decisions


def _resolve(decisions: dict[str, str], team) -> dict[str, str]:
    from assessor.core.team.merge import KEEP

    resolved = {}
    for indicator, choice in decisions.items():
        if choice in ("保留", KEEP):
            resolved[indicator] = KEEP
            continue
        member = next((m for m in team.members if choice in (m.id, m.name)), None)
        if member is None:
            raise UserError(f"--decide {indicator}={choice}：评估组中没有这名成员")
        resolved[indicator] = member.id
    return resolved


@command.command("import")
@click.argument("files", type=FILE, nargs=-1, required=True)
@click.option("--member", help="打开任务包时：本电脑的使用者（成员姓名）")
@click.option(
    "--decide",
    multiple=True,
    help="组长裁定分歧：指标=成员姓名，或 指标=保留（保留现有记录）；可多次指定",
)
@_trust_option
@data_dir_option
def import_command(
    files: tuple[Path, ...],
    member: str | None,
    decide: tuple[str, ...],
    trust_paths: tuple[Path, ...],
    data_dir: Path | None,
) -> None:
    """成员电脑：打开任务包（.assessor-team，需 --member）；组长电脑：导入成员的部分（.assessor-part）。

    各部分可按任意顺序、任意次数导入；所有成员的部分到齐、分歧均已裁定后一次合并。
    """
    from assessor.core.team.package import PACKAGE_SUFFIX, open_package
    from assessor.core.team.part import PART_SUFFIX

    store = open_store(data_dir)
    packages = [f for f in files if f.suffix == PACKAGE_SUFFIX]
    parts = [f for f in files if f.suffix == PART_SUFFIX]
    if len(packages) + len(parts) != len(files):
        raise UserError("只能导入评估组任务包（.assessor-team）或成员部分（.assessor-part）")
    if packages:
        if parts or len(packages) > 1:
            raise UserError("一次只能打开一个评估组任务包")
        if not member:
            raise UserError("打开任务包时请用 --member 指明本电脑的使用者（成员姓名）")
        key = open_package(store, packages[0], member)
        click.echo(f"已打开评估组任务包：{key}（本电脑使用者：{member}）")
        return
    _import_parts(store, parts, _parse_decisions(decide), trust_paths)


def _part_key(path: Path) -> str:
    """The record a part belongs to, from its own id (checked again when it is read)."""
    import io
    import zipfile

    from assessor.core.safe_input import InputRejected, parse_json_object, read_regular_file
    from assessor.core.team.part import MAX_PART_BYTES, MAX_PART_JSON
    from assessor.core.zip_members import ZIP_MEMBER_ERRORS

    raw = read_regular_file(path, MAX_PART_BYTES)  # never a FIFO or a folder
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if archive.getinfo("part.json").file_size > MAX_PART_JSON:
                raise UserError(f"{path}：部分文件过大")
            data = parse_json_object(archive.read("part.json"), str(path))
    except (*ZIP_MEMBER_ERRORS, KeyError, InputRejected):
        raise UserError(f"{path}：不是评估组成员部分文件，或文件已损坏") from None
    ident, version = data.get("assessment_id"), data.get("version")
    if not isinstance(ident, str) or type(version) is not int:
        raise UserError(f"{path}：不是评估组成员部分文件")
    return f"{ident}-v{version}"


def _import_parts(store, parts: list[Path], decide: dict[str, str], trust_paths) -> None:
    from assessor.core.team.workflow import (
        merge_received,
        receive_part,
        team_status,
        trust_roots_from,
    )

    roots = trust_roots_from(trust_paths, store.root / "keys")
    keys = {_part_key(p) for p in parts}
    if len(keys) != 1:
        raise UserError("一次导入的部分必须属于同一份评估")
    key = keys.pop()
    if not store.exists(key):
        raise UserError(f"本电脑上没有该部分所属的评估（{key}），请在组长的电脑上导入")
    assessment, rubric = _scene(store, key)
    for path in parts:
        received = receive_part(store, key, rubric, path, roots)
        who = assessment.team.member(received.part.member).name
        click.echo(f"已收到{who}的部分：{path.name}")
    status = team_status(store, key, rubric, roots)
    _show(status, assessment, rubric)
    decisions = _resolve(decide, assessment.team)
    ready = not status.missing and all(c.indicator in decisions for c in status.conflicts)
    if not ready or not status.plan.parts:
        return
    written = merge_received(store, key, rubric, roots, decisions, by=assessment.team.leader)
    click.echo(f"已合并评估组成员的部分：写入 {written} 条审计记录")


def _score_text(score) -> str:
    value = "不适用" if score.na else ("未评分" if score.score is None else f"{score.score:g} 分")
    parts = [value]
    if score.note:
        parts.append(f"备注：{score.note}")
    if score.evidence:
        parts.append(f"证据 {len(score.evidence)} 项")
    return "；".join(parts)


def _show(status, assessment, rubric) -> None:
    from assessor.core.clock import beijing_text

    team = assessment.team
    for m in status.members:
        if m.member == team.leader:
            continue
        state = f"已收到 {m.received} 份" if m.received else "尚未收到"
        click.echo(f"  {m.name}：负责 {m.indicators} 项指标，部分{state}")
    if status.missing:
        click.echo(f"尚缺：{'、'.join(m.name for m in status.missing)}（到齐后合并）")
    for conflict in status.conflicts:
        short = rubric.by_id[conflict.indicator].short
        click.echo(f"分歧 {conflict.indicator} {short}：")
        who = team.member(conflict.current_by).name if conflict.current_by else "—"
        when = beijing_text(conflict.current_at) if conflict.current_at else "—"
        click.echo(f"  现有记录（{who}，{when}）：{_score_text(conflict.current)}")
        for c in conflict.candidates:
            click.echo(
                f"  {team.member(c.member).name}的部分（{beijing_text(c.at)}）：{_score_text(c.score)}"
            )
    if status.conflicts:
        click.echo("请用 --decide 指标=成员姓名 或 指标=保留 裁定全部分歧后再导入。")


@command.command("status")
@click.argument("key")
@_trust_option
@data_dir_option
def status_command(key: str, trust_paths: tuple[Path, ...], data_dir: Path | None) -> None:
    """组长电脑：各成员的部分是否到齐、尚待裁定的分歧。"""
    from assessor.core.team.workflow import team_status, trust_roots_from

    store = open_store(data_dir, read_only=True)
    assessment, rubric = _scene(store, key)
    roots = trust_roots_from(trust_paths, store.root / "keys")
    status = team_status(store, key, rubric, roots)
    click.echo(f"评估组：{len(assessment.team.members)} 人；已合并 {status.merged} 份部分")
    _show(status, assessment, rubric)
    if not status.missing and not status.conflicts and not status.plan.parts:
        click.echo("所有部分均已合并。")
