"""Plan packages: written per team by the commission, verified and installed on a laptop."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
from cryptography import x509

from assessor.core.assessment.model import AssessorRef, Status, Visit
from assessor.core.canonical import canonical_bytes
from assessor.core.clock import now_utc
from assessor.core.cycle.laptop_plans import (
    install_package,
    installed_plans,
    planned_assessment,
)
from assessor.core.cycle.laptop_trust import UnconfirmedRoots, installed_roots
from assessor.core.cycle.package_build import build_package
from assessor.core.cycle.plan_build import PlanRequest, Sampling
from assessor.core.cycle.plan_issue import issue_plan
from assessor.core.cycle.plan_store import DONE, visit_states
from assessor.core.cycle.teams import read_teams
from assessor.core.document.model import parse_assessment
from assessor.core.document.signed import document_bytes
from assessor.core.export.signed_export import sign_json
from assessor.core.problems import UserError
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.registry import installed_rubric_paths
from assessor.core.rubric.validate import load_rubric
from assessor.core.schemas import schema_json
from assessor.core.signing.keys import SigningKey, load_ca, load_signer
from assessor.core.signing.revocation import (
    RevocationReason,
    crl_pem,
    read_revocations,
    revoke,
)
from assessor.core.signing.training import fingerprint
from assessor.core.signing.verification import load_trust_roots
from assessor.core.storage.store import Store
from tests.core.cycle.plan_fixtures import register_with_roster, write_teams
from tests.core.register.builders import (
    CA_PASSPHRASE,
    KEY_PASSPHRASE,
    Commission,
    make_commission,
    uscc,
)


def _root(commission: Commission) -> x509.Certificate:
    return load_trust_roots([commission.ca_cert])[0]


@pytest.fixture(scope="module")
def planned(
    tmp_path_factory: pytest.TempPathFactory, plan_key: SigningKey
) -> tuple[Path, sqlite3.Connection]:
    folder = tmp_path_factory.mktemp("package")
    rows = [
        [f"第{n}托育中心", uscc(n, division), division, f"路 {n} 号", "民办营利", 40 + n, None]
        for n in range(1, 21)
        for division in ("350102", "350103")
    ]
    conn = register_with_roster(folder, rows)
    teams = write_teams(
        folder / "teams.csv",
        [["甲组", "甲", "T-001", "350102", "卫健委", ""], ["乙组", "乙", "", "350103", "疾控", ""]],
    )
    request = PlanRequest(
        cycle="2026",
        due_on=dt.date(2026, 12, 31),
        teams=read_teams(teams),
        created_at=now_utc(),
        sampling=Sampling(Fraction(1, 4), seed=9),
        plan_id="2026-P",
    )
    issue_plan(conn, request, plan_key)
    return folder, conn


def _package(
    planned: tuple[Path, sqlite3.Connection],
    commission: Commission,
    rubric_path: Path,
    plan_key: SigningKey,
    out: Path,
    team: str = "甲组",
    crl: Path | None = None,
) -> Path:
    _, conn = planned
    out.write_bytes(
        build_package(
            conn,
            "2026-P",
            team,
            rubric=rubric_path,
            trust_roots=load_trust_roots([commission.ca_cert]),
            crl=crl,
            signer=plan_key,
            at=now_utc(),
        )
    )
    return out


def test_a_package_installs_after_the_roots_are_confirmed(
    planned: tuple[Path, sqlite3.Connection],
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    plan_key: SigningKey,
) -> None:
    package_path = _package(
        planned, commission, rubric_path, plan_key, tmp_path / "甲.assessor-plan"
    )
    laptop = tmp_path / "laptop"
    root_print = fingerprint(_root(commission))

    with pytest.raises(UnconfirmedRoots) as caught:
        install_package(laptop, package_path)
    assert caught.value.fingerprints == [root_print]
    assert not laptop.exists()

    installed = install_package(laptop, package_path, accepted_roots=[root_print])

    package = installed.package
    jsonschema.validate(
        json.loads(package_path.read_bytes()), json.loads(schema_json("plan-package"))
    )
    assert package.team.team_id == "甲组"
    assert {v.team_id for v in package.visits} == {"甲组"}
    assert all(v.centre.district == "350103" for v in package.visits)  # cross-inspection
    assert [fingerprint(c) for c in installed_roots(laptop)] == [root_print]
    [rubric_file] = installed_rubric_paths(laptop)
    assert load_rubric(rubric_file).sha256 == load_rubric(rubric_path).sha256
    # A second package of the same commission needs no confirmation.
    again = _package(
        planned, commission, rubric_path, plan_key, tmp_path / "乙.assessor-plan", "乙组"
    )
    install_package(laptop, again)
    assert {p.package.team.team_id for p in installed_plans(laptop)} == {"甲组", "乙组"}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda raw: raw.replace('"team_id":"甲组"'.encode(), '"team_id":"乙组"'.encode(), 1),
        lambda raw: raw.replace(b'"places":', b'"places": ', 1),
        lambda raw: raw[:-2] + b"}",
    ],
    ids=["changed-centre", "not-canonical", "truncated"],
)
def test_a_tampered_package_is_refused_and_installs_nothing(
    planned: tuple[Path, sqlite3.Connection],
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    plan_key: SigningKey,
    tamper,
) -> None:
    good = _package(planned, commission, rubric_path, plan_key, tmp_path / "good.assessor-plan")
    laptop = tmp_path / "laptop"
    root_print = fingerprint(_root(commission))
    install_package(laptop, good, accepted_roots=[root_print])
    before = sorted(p.relative_to(laptop) for p in laptop.rglob("*"))
    bad = tmp_path / "bad.assessor-plan"
    bad.write_bytes(tamper(good.read_bytes()))
    with pytest.raises(UserError, match=r"评估任务包 bad\.assessor-plan"):
        install_package(laptop, bad)
    assert sorted(p.relative_to(laptop) for p in laptop.rglob("*")) == before


def test_a_package_under_other_roots_needs_confirmation_even_on_a_set_up_laptop(
    planned: tuple[Path, sqlite3.Connection],
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    plan_key: SigningKey,
    stranger: SigningKey,
    other_commission: Commission,
) -> None:
    laptop = tmp_path / "laptop"
    good = _package(planned, commission, rubric_path, plan_key, tmp_path / "good.assessor-plan")
    install_package(laptop, good, accepted_roots=[fingerprint(_root(commission))])
    _, conn = planned
    forged = tmp_path / "forged.assessor-plan"
    forged.write_bytes(
        build_package(
            conn,
            "2026-P",
            "甲组",
            rubric=rubric_path,
            trust_roots=load_trust_roots([other_commission.ca_cert]),
            crl=None,
            signer=stranger,
            at=now_utc(),
        )
    )
    with pytest.raises(UnconfirmedRoots):
        install_package(laptop, forged)


def test_a_package_signed_with_a_revoked_key_is_refused(
    planned: tuple[Path, sqlite3.Connection], tmp_path: Path, rubric_path: Path
) -> None:
    own = make_commission(tmp_path / "commission", "另一个卫生健康委员会")
    key = load_signer(own.issue("旧计划科", "WJW-OLD", "old-plan.p12"), KEY_PASSPHRASE)
    revoke(own.ca_dir, key.chain[0].serial_number, RevocationReason.key_compromise)
    crl = tmp_path / "crl.pem"
    crl.write_bytes(crl_pem(load_ca(own.ca_dir, CA_PASSPHRASE), read_revocations(own.ca_dir)))
    path = _package(planned, own, rubric_path, key, tmp_path / "p.assessor-plan", crl=crl)
    laptop = tmp_path / "laptop"
    with pytest.raises(UserError, match="签名密钥已被吊销，任务包不能使用"):
        install_package(laptop, path, accepted_roots=[fingerprint(_root(own))])
    assert not laptop.exists()


def test_a_visit_started_from_the_plan_is_prefilled_carries_the_plan_and_registers_done(
    planned: tuple[Path, sqlite3.Connection],
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    plan_key: SigningKey,
    signer: SigningKey,
    options: ImportOptions,
) -> None:
    folder, conn = planned
    laptop = tmp_path / "laptop"
    path = _package(planned, commission, rubric_path, plan_key, tmp_path / "甲.assessor-plan")
    package = install_package(laptop, path, accepted_roots=[fingerprint(_root(commission))]).package
    visit = package.visits[0]

    draft = planned_assessment(package, visit.centre.uscc)

    assert draft.format == "assessor.assessment/2"
    assert (draft.plan.plan_id, draft.plan.team_id) == ("2026-P", "甲组")
    assert (draft.centre.name, draft.centre.uscc, draft.centre.places) == (
        visit.centre.name,
        visit.centre.uscc,
        visit.centre.places,
    )
    assert draft.centre.operator.value == "private_forprofit"
    store = Store(laptop)
    store.create(draft)
    rubric = load_rubric(rubric_path)
    final = draft.model_copy(
        update={
            "scores": [
                s.model_copy(update={"score": ind.levels[0].points})
                for s, ind in zip(draft.scores, rubric.indicators, strict=True)
            ],
            "status": Status.final,
            "finalised_at": now_utc(),
            "visit": Visit(
                date=dt.date(2026, 6, 1), assessors=[AssessorRef(name="张三", assessor_id="T-001")]
            ),
        }
    )
    signed = document_bytes(sign_json(rubric, final, [], signer))
    assert json.loads(signed)["plan"] == {"plan_id": "2026-P", "team_id": "甲组"}
    assert parse_assessment(signed, "x").plan.plan_id == "2026-P"
    file = tmp_path / "visit.json"
    file.write_bytes(signed)
    run_import(folder / "register", [file], options)
    states = {s.uscc: s.state for s in visit_states(conn, "2026-P", dt.date(2026, 7, 1))}
    assert states[visit.centre.uscc] == DONE


def test_records_without_a_plan_say_nothing_of_plans(rubric_path: Path) -> None:
    from assessor.core.document.new import new_assessment

    draft = new_assessment(load_rubric(rubric_path))
    data = json.loads(canonical_bytes(draft))
    assert data["format"] == "assessor.assessment/2" and "plan" not in data
    # Format 1 (the single assessor's record of earlier releases) cannot name a plan.
    plan = {"plan_id": "2026-P", "team_id": "甲组"}
    with pytest.raises(ValueError, match=r"assessor\.assessment/2"):
        type(draft).model_validate(data | {"format": "assessor.assessment/1", "plan": plan})


def test_the_command_line_finds_a_rubric_that_only_a_plan_package_brought(
    planned: tuple[Path, sqlite3.Connection],
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    plan_key: SigningKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`export`, `score` and `verify` look in the data folder's installed rubrics, as the GUI
    does: the test rubric is not bundled, so without the package none of them could run."""
    from assessor.cli.main import run_cli
    from assessor.core.assessment.model import CareType, ClassGroup, StaffCounts
    from assessor.core.session import EditingSession
    from assessor.core.vocabulary import ClassKind

    laptop = tmp_path / "laptop"
    path = _package(planned, commission, rubric_path, plan_key, tmp_path / "甲.assessor-plan")
    package = install_package(laptop, path, accepted_roots=[fingerprint(_root(commission))]).package
    draft = planned_assessment(package, package.visits[0].centre.uscc)
    store = Store(laptop)
    store.create(draft)
    rubric = load_rubric(rubric_path)
    session = EditingSession.open(store, f"{draft.id}-v1", [rubric])
    session.update_centre(
        care_types=[CareType.full_day],
        meals_served=False,
        staff=StaffCounts(health_parttime=1),
        classes=[ClassGroup(name="托大班", kind=ClassKind.toddler_large, children=14, carers=2)],
    )
    session.update_visit(
        date=dt.date(2026, 6, 1), assessors=[AssessorRef(name="张三", assessor_id="T-001")]
    )
    for indicator in rubric.indicators:
        session.set_score(indicator.id, indicator.max)
    session.finalise()
    assessor_key = commission.issue("张三", "T-001", "zhang-package.p12")
    capsys.readouterr()

    out = tmp_path / "out"
    export = [
        "export", f"{draft.id}-v1", "-o", str(out), "--key", str(assessor_key),
        "--passphrase-file", str(commission.key_passphrase), "--data-dir", str(laptop),
    ]  # fmt: skip
    assert run_cli(export) == 0, capsys.readouterr().err
    [signed] = out.glob("*.json")
    assert run_cli(["score", str(signed), "--data-dir", str(laptop)]) == 0
    verify = ["verify", str(signed), "--trust", str(commission.ca_cert)]
    assert run_cli([*verify, "--data-dir", str(laptop)]) == 0, capsys.readouterr().out
    capsys.readouterr()
    # Another data folder has no such rubric: the lookup is the data folder's, not a fallback.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert run_cli(["score", str(signed), "--data-dir", str(elsewhere)]) == 1
    assert "找不到评估所用的评估标准" in capsys.readouterr().err
