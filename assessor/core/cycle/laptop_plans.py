"""Plan packages on an assessor's laptop: checked, installed, listed, and visits started.

The data folder keeps what a package brought (and its roots and CRL, see `laptop_trust`):

    <data>/plans/<plan>--<team>.assessor-plan   the package as received (verified on every read)
    <data>/rubrics/<sha256>.json                the rubric in force (canonical JSON)
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from assessor.core.assessment.model import ASSESSMENT_FORMAT, Assessment, Centre, PlanRef
from assessor.core.canonical import canonical_bytes, sha256_hex
from assessor.core.cycle.followup_model import FollowUpTask
from assessor.core.cycle.laptop_followups import keep_task
from assessor.core.cycle.laptop_trust import install_trust, installed_roots, verified, write_file
from assessor.core.cycle.package_model import PACKAGE_SUFFIX, PlanPackage
from assessor.core.cycle.signed_json import read_signed
from assessor.core.document.new import new_assessment
from assessor.core.problems import UserError
from assessor.core.rubric.registry import INSTALLED_RUBRICS_DIR
from assessor.core.rubric.validate import LoadedRubric, parse_rubric
from assessor.core.safe_input import read_regular_file

PLANS_DIR = "plans"
# The national rubric is 0.5 MB; a package of a few hundred visits with it stays far below.
MAX_PACKAGE_BYTES = 30 * 1024 * 1024


@dataclass(frozen=True)
class InstalledPlan:
    package: PlanPackage
    path: Path


def package_file(data_dir: Path, package: PlanPackage) -> Path:
    team = hashlib.sha256(package.team.team_id.encode("utf-8")).hexdigest()[:8]
    return data_dir / PLANS_DIR / f"{package.plan_id}--{team}{PACKAGE_SUFFIX}"


def install_package(
    data_dir: Path, path: Path, *, accepted_roots: Collection[str] = ()
) -> InstalledPlan:
    """Verify the package and install its plan, rubric, roots and CRL into the data folder.

    UnconfirmedRoots when it is signed under roots the laptop does not hold and that are not
    among `accepted_roots` (fingerprints the person confirmed). Nothing is written unless the
    whole package verifies.
    """
    where = f"评估任务包 {path.name} "
    raw = read_regular_file(path, MAX_PACKAGE_BYTES, where.strip())
    package = verified(raw, PlanPackage, where, data_dir, accepted_roots)
    rubric_bytes = canonical_bytes(package.rubric)
    parse_rubric(rubric_bytes, f"{where}中的评估标准")
    # Each follow-up task is signed on its own too (it is what the follow-up record cites).
    tasks = [
        (
            verified(
                text.encode("utf-8"), FollowUpTask, f"{where}中的复查任务", data_dir, accepted_roots
            ),
            text,
        )
        for text in package.followups
    ]
    write_file(data_dir / INSTALLED_RUBRICS_DIR / f"{sha256_hex(rubric_bytes)}.json", rubric_bytes)
    install_trust(data_dir, package, where)
    for task, text in tasks:
        keep_task(data_dir, task, text.encode("utf-8"))
    target = package_file(data_dir, package)
    write_file(target, raw)
    return InstalledPlan(package, target)


def planned_followups(package: PlanPackage) -> list[FollowUpTask]:
    """The follow-up tasks the package carries (its signature, checked on every read of an
    installed package, covers them)."""
    return [FollowUpTask.model_validate_json(text) for text in package.followups]


def planned_followup(data_dir: Path, package: PlanPackage, uscc: str) -> FollowUpTask:
    """Start the package's follow-up visit to `uscc`: its task, installed again from the
    package when the laptop lost it, keeping any outcomes already recorded."""
    for text, task in zip(package.followups, planned_followups(package), strict=True):
        if task.centre.uscc == uscc:
            keep_task(data_dir, task, text.encode("utf-8"))
            return task
    raise UserError(f"评估计划 {package.plan_id} 中没有对机构 {uscc} 的复查")


def installed_plans(data_dir: Path) -> list[InstalledPlan]:
    """The installed packages, each verified again against the laptop's roots; newest first."""
    folder = data_dir / PLANS_DIR
    found = []
    for path in sorted(folder.glob(f"*{PACKAGE_SUFFIX}")) if folder.is_dir() else []:
        raw = read_regular_file(path, MAX_PACKAGE_BYTES, path.name)
        package = read_signed(raw, PlanPackage, installed_roots(data_dir), what=f"{path.name} ")
        found.append(InstalledPlan(package, path))
    return sorted(found, key=lambda p: p.package.created_at, reverse=True)


def package_rubric(package: PlanPackage) -> LoadedRubric:
    return parse_rubric(canonical_bytes(package.rubric), f"评估计划 {package.plan_id} 的评估标准")


def planned_assessment(package: PlanPackage, uscc: str) -> Assessment:
    """A new draft for the planned visit to `uscc`, its profile filled in from the roster."""
    visit = package.visit(uscc)
    draft = new_assessment(package_rubric(package))
    roster = visit.centre
    centre = Centre(
        name=roster.name,
        uscc=roster.uscc,
        address=roster.address,
        division_code=roster.division_code,
        operator=roster.operator,
        places=roster.places or 0,
    )
    planned = draft.model_copy(
        update={
            "format": ASSESSMENT_FORMAT,
            "plan": PlanRef(plan_id=package.plan_id, team_id=package.team.team_id),
            "centre": centre,
        }
    )
    return Assessment.model_validate(planned.model_dump(mode="json"))
