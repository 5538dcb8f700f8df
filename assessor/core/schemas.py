"""JSON Schemas of the public formats, generated from the pydantic models."""

from __future__ import annotations

import json

from pydantic import BaseModel

from assessor.core.cycle.followup_model import (
    FOLLOWUP_FORMAT,
    TASK_FORMAT,
    FollowUp,
    FollowUpTask,
)
from assessor.core.cycle.package_model import PACKAGE_FORMAT, PlanPackage
from assessor.core.cycle.plan_model import PLAN_FORMAT, Plan
from assessor.core.document.model import AssessmentDocument
from assessor.core.export.evidence_package import EvidenceManifest
from assessor.core.register.stats_model import Statistics
from assessor.core.rubric.model import Rubric
from assessor.core.training.rule import RULE_FORMAT, ReliabilityRule
from assessor.core.training.sample import SAMPLE_FORMAT, SampleCentre
from assessor.core.training.sealed import SEALED_FORMAT, SealedSample

SCHEMAS: dict[str, type[BaseModel]] = {
    "assessment": AssessmentDocument,
    "evidence": EvidenceManifest,
    "followup": FollowUp,
    "followup-task": FollowUpTask,
    "plan": Plan,
    "plan-package": PlanPackage,
    "rubric": Rubric,
    "sample": SampleCentre,
    "sealed-sample": SealedSample,
    "statistics": Statistics,
    "training-rule": ReliabilityRule,
}

_IDS = {
    "assessment": "assessor.assessment/2",
    "evidence": "assessor.evidence/1",
    "followup": FOLLOWUP_FORMAT,
    "followup-task": TASK_FORMAT,
    "plan": PLAN_FORMAT,
    "plan-package": PACKAGE_FORMAT,
    "rubric": "assessor.rubric/2",
    "sample": SAMPLE_FORMAT,
    "sealed-sample": SEALED_FORMAT,
    "statistics": "assessor.statistics/1",
    "training-rule": RULE_FORMAT,
}
# Formats the app writes and never reads describe what it writes (computed fields included).
_OUTPUT_ONLY = {"statistics"}


def schema_json(name: str) -> str:
    mode = "serialization" if name in _OUTPUT_ONLY else "validation"
    schema = SCHEMAS[name].model_json_schema(mode=mode)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _IDS[name],
        **schema,
    }
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
