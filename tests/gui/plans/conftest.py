"""The commission's keys and a plan package built through the real register code."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from assessor.core.clock import now_utc
from assessor.core.cycle.package_build import build_package
from assessor.core.cycle.plan_build import PlanRequest, Sampling
from assessor.core.cycle.plan_issue import issue_plan
from assessor.core.cycle.teams import read_teams
from assessor.core.paths import default_rubric_path
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.verification import load_trust_roots
from tests.core.cycle.conftest import plan_key  # noqa: F401
from tests.core.cycle.plan_fixtures import register_with_roster, write_teams
from tests.core.register.builders import Commission
from tests.core.register.conftest import (  # noqa: F401
    commission,
    options,
    rubric,
    rubric_path,
    signer,
)
from tests.core.signing.pki import write_rubric
from tests.roster_builders import roster_rows


def _package(folder: Path, ca: Commission, key: SigningKey, rubric_file: Path) -> Path:
    conn = register_with_roster(folder, roster_rows(60))
    request = PlanRequest(
        cycle="2027",
        due_on=dt.date(2027, 6, 30),
        teams=read_teams(write_teams(folder / "teams.csv")),
        created_at=now_utc(),
        sampling=Sampling(Fraction(1, 3), seed=11),
        plan_id="2027-GUI",
    )
    issue_plan(conn, request, key)
    path = folder / "第1组.assessor-plan"
    path.write_bytes(
        build_package(
            conn,
            "2027-GUI",
            "第1组",
            rubric=rubric_file,
            trust_roots=load_trust_roots([ca.ca_cert]),
            crl=None,
            signer=key,
            at=now_utc(),
        )
    )
    conn.close()
    return path


@pytest.fixture(scope="module")
def package_file(
    tmp_path_factory: pytest.TempPathFactory,
    commission: Commission,  # noqa: F811
    plan_key: SigningKey,  # noqa: F811
) -> Path:
    """Team 第1组's package of a plan over 60 centres, with the bundled rubric."""
    folder = tmp_path_factory.mktemp("commission-plan")
    return _package(folder, commission, plan_key, default_rubric_path())


@pytest.fixture(scope="module")
def package_with_own_rubric(
    tmp_path_factory: pytest.TempPathFactory,
    commission: Commission,  # noqa: F811
    plan_key: SigningKey,  # noqa: F811
) -> Path:
    """The same with a rubric the app does not bundle: only the package brings it."""
    folder = tmp_path_factory.mktemp("commission-plan-own-rubric")
    return _package(folder, commission, plan_key, write_rubric(folder / "细则.json"))
