"""The `assessor` command group; each command family lives in its own module."""

from __future__ import annotations

import importlib
import logging

import click

from assessor import __version__
from assessor.core.logs import start_logging
from assessor.core.problems import UserError

log = logging.getLogger(__name__)

# Each module defines a click command or group named `command`, or a tuple `commands`.
_COMMAND_MODULES = (
    "assessor.cli.score_cmd",
    "assessor.cli.schema_cmd",
    "assessor.cli.rubric_cmds",
    "assessor.cli.records_cmds",
    "assessor.cli.demo_cmd",
    "assessor.cli.selftest_cmd",
    "assessor.cli.keys_cmds",
    "assessor.cli.verify_cmd",
    "assessor.cli.cosign_cmd",
    "assessor.cli.team_cmds",
    "assessor.cli.backup_cmds",
    "assessor.cli.register_import_cmd",
    "assessor.cli.register_review_cmds",
    "assessor.cli.register_settings_cmd",
    "assessor.cli.register_stats_cmds",
    "assessor.cli.register_roster_cmds",
    "assessor.cli.register_plan_cmds",
    "assessor.cli.register_rectify_cmds",
    "assessor.cli.plan_cmds",
    "assessor.cli.followup_cmds",
    "assessor.cli.train_cmds",
    # Adds list/report/trainees to the `train` group above.
    "assessor.cli.train_report_cmds",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="assessor")
def cli() -> None:
    """托育机构质量评估（WS/T 821—2023）命令行工具。不带参数运行 assessor 打开桌面程序。"""


for _name in _COMMAND_MODULES:
    _module = importlib.import_module(_name)
    for _command in getattr(_module, "commands", None) or (_module.command,):
        cli.add_command(_command)


def run_cli(args: list[str]) -> int:
    """Run the CLI; every failure is a plain message on stderr and exit code 1."""
    log_file = start_logging("命令行")
    try:
        result = cli.main(args=args, prog_name="assessor", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return 1
    except UserError as exc:
        log.info("assessor %s：%s", " ".join(args[:2]), exc)
        click.echo(f"错误：{exc}", err=True)
        return 1
    except Exception:
        # A bug of ours: the person gets a sentence and the log the traceback.
        log.exception("assessor %s 内部错误", " ".join(args))
        where = f"详细信息已写入日志文件 {log_file}。" if log_file else ""
        click.echo(f"错误：程序内部错误，命令没有完成。{where}", err=True)
        return 1
    return result if isinstance(result, int) else 0
