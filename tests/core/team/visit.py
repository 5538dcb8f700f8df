"""A team visit on several "laptops" (one data folder each), through the real code path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assessor.core.assessment.model import Centre
from assessor.core.assessment.team import Team, TeamMember
from assessor.core.assessment.uscc import check_character
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.signing.keys import SigningKey
from assessor.core.storage.store import Store
from assessor.core.team.package import export_package, laptop_member, open_package
from assessor.core.team.part import export_part

USCC = "91110105MA01ABCD2" + check_character("91110105MA01ABCD2")


@dataclass
class Visit:
    root: Path
    rubric: LoadedRubric
    leader: Store
    key: str
    team: Team
    package: Path

    def laptop(self, name: str) -> Store:
        return Store(self.root / f"laptop-{name}")

    def member(self, name: str) -> TeamMember:
        return next(m for m in self.team.members if m.name == name)

    def open_as(self, name: str) -> EditingSession:
        """The member's laptop: the package opened (once) and the record to score."""
        store = self.laptop(name)
        key = open_package(store, self.package, name)
        session = EditingSession.open(store, key, [self.rubric])
        session.member = laptop_member(store.audit(key))
        return session

    def export_part(self, name: str, signer: SigningKey | None = None, n: int = 1) -> Path:
        store = self.laptop(name)
        path = self.root / "usb" / f"{name}-{n}.assessor-part"
        path.parent.mkdir(exist_ok=True)
        export_part(store, self.key, self.rubric, path, signer)
        return path


def start_visit(
    root: Path,
    rubric: LoadedRubric,
    ids: dict[str, str] | None = None,
    centre: Centre | None = None,
) -> Visit:
    """Leader 王芳 with 李明 (the first dimension) and 赵丽 (the second, but for its last
    indicator, which the leader keeps); the leader also has every other dimension. On the
    small test rubric (`tests.factories.small_rubric`): 4 → 李明, 5 → 赵丽, 5.2.1 → 王芳."""
    ids = ids or {}
    first, second = rubric.rubric.dimensions[:2]
    members = [
        TeamMember(name=n, assessor_id=ids.get(n, ""), body=b)
        for n, b in (("王芳", "市卫生健康委"), ("李明", "区教育局"), ("赵丽", "市妇幼保健院"))
    ]
    team = Team(
        leader=members[0].id,
        members=members,
        assignment={
            first.id: members[1].id,
            second.id: members[2].id,
            second.items[-1].indicators[-1].id: members[0].id,
        },
    )
    leader = Store(root / "leader")
    session = EditingSession.create(leader, rubric)
    session.member = team.leader
    if centre is not None:
        session.set_centre(centre)
    else:
        session.update_centre(
            name="阳光托育中心",
            uscc=USCC,
            address="北京市朝阳区幸福路 1 号",
            division_code="110105",
            care_types=["full_day"],
            classes=[{"name": "小一班", "kind": "toddler_small", "children": 12, "carers": 3}],
        )
    session.update_visit(
        date="2024-05-06",
        assessors=[
            {"name": m.name, "assessor_id": m.assessor_id or f"X-{n}"}
            for n, m in enumerate(members)
        ],
    )
    session.set_team(team)
    package = root / "usb" / "visit.assessor-team"
    package.parent.mkdir(parents=True, exist_ok=True)
    export_package(leader, session.key, package)
    return Visit(root, rubric, leader, session.key, team, package)
