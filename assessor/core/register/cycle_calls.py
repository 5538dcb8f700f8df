"""`Register.cycle`: what the front ends ask of the assessment cycle's part of a register.

The roster, plans and their packages, rectification items, notices and follow-up records live
in the register's database (migration step 3); the GUI and the CLI reach them through these
methods, as they reach imports and reviews through `Register`, and never open a connection.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from cryptography import x509

from assessor.core.cycle import (
    cycle_stats,
    followup_register,
    package_build,
    plan_issue,
    plan_store,
    rect_notice,
    rectification,
    roster_store,
)
from assessor.core.cycle.plan_build import PlanRequest
from assessor.core.cycle.plan_model import Plan
from assessor.core.cycle.roster_model import RosterCentre
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.revocation import Revoked

Connect = Callable[[], AbstractContextManager[sqlite3.Connection]]


class RegisterCycle:
    def __init__(self, connection: Connect) -> None:
        self._connection = connection

    # ---- roster ------------------------------------------------------------------------------

    def import_roster(self, path: Path, *, who: str) -> roster_store.RosterImport:
        with self._connection() as conn:
            return roster_store.import_roster_file(conn, path, who=who)

    def roster(self, district: str = "") -> list[RosterCentre]:
        with self._connection() as conn:
            return roster_store.roster(conn, district)

    def missing_from_roster(self) -> list[roster_store.Unrostered]:
        with self._connection() as conn:
            return roster_store.missing_from_roster(conn)

    # ---- plans -------------------------------------------------------------------------------

    def issue_plan(self, request: PlanRequest, signer: SigningKey) -> tuple[Plan, bytes]:
        with self._connection() as conn:
            return plan_issue.issue_plan(conn, request, signer)

    def plans(self) -> list[tuple[str, str, str, int]]:
        """(plan id, cycle, due date, visits) of every plan, oldest first."""
        with self._connection() as conn:
            return plan_store.plan_ids(conn)

    def visit_states(self, plan_id: str, today: dt.date) -> list[plan_store.VisitState]:
        with self._connection() as conn:
            return plan_store.visit_states(conn, plan_id, today)

    def followup_states(self, plan_id: str, today: dt.date) -> list[plan_store.VisitState]:
        with self._connection() as conn:
            return plan_store.followup_states(conn, plan_id, today)

    def package(
        self,
        plan_id: str,
        team_id: str,
        *,
        rubric: Path,
        trust_roots: Sequence[x509.Certificate],
        crl: Path | None,
        signer: SigningKey,
        at: dt.datetime,
    ) -> bytes:
        with self._connection() as conn:
            return package_build.build_package(
                conn,
                plan_id,
                team_id,
                rubric=rubric,
                trust_roots=trust_roots,
                crl=crl,
                signer=signer,
                at=at,
            )

    def completion(self, today: dt.date, by: str) -> list[cycle_stats.Completion]:
        with self._connection() as conn:
            return cycle_stats.completion(conn, today, by)

    def overdue_visits(self, today: dt.date) -> list[tuple[str, plan_store.VisitState]]:
        with self._connection() as conn:
            return cycle_stats.overdue_visits(conn, today)

    # ---- rectification -----------------------------------------------------------------------

    def deadlines(self, given: Mapping[str, int] | None = None) -> dict[str, int]:
        """The days to rectify per item kind, after setting those `given`."""
        with self._connection() as conn:
            if given:
                rectification.set_deadlines(conn, given)
            return rectification.deadlines(conn)

    def open_items(self) -> int:
        with self._connection() as conn:
            return rectification.open_items(conn)

    def items(self, *, uscc: str = "", open_only: bool = False) -> list[rectification.Item]:
        with self._connection() as conn:
            return rectification.items(conn, uscc=uscc, open_only=open_only)

    def rates(self, today: dt.date, by: str) -> list[rectification.Rate]:
        with self._connection() as conn:
            return rectification.rates(conn, today, by)

    def notice(self, uscc: str, signer: SigningKey, at: dt.datetime) -> bytes:
        """The signed 整改通知书 of the centre's open items, issued by the signer's commission."""
        with self._connection() as conn:
            return rect_notice.notice_pdf(
                conn, uscc, signer, plan_issue.commission_name(signer), at
            )

    def followup_task(
        self,
        uscc: str,
        *,
        trust_roots: Sequence[x509.Certificate],
        crl: Path | None,
        signer: SigningKey,
        at: dt.datetime,
    ) -> bytes:
        with self._connection() as conn:
            return followup_register.followup_task(
                conn,
                uscc,
                commission=plan_issue.commission_name(signer),
                trust_roots=trust_roots,
                crl=crl,
                signer=signer,
                at=at,
            )

    def import_followup(
        self,
        path: Path,
        trust_roots: Sequence[x509.Certificate],
        at: dt.datetime,
        revoked: Sequence[Revoked] = (),
    ) -> followup_register.FollowUpImport:
        with self._connection() as conn:
            return followup_register.import_followup(conn, path, trust_roots, at, revoked)
