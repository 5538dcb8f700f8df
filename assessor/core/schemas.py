"""JSON Schemas of the public formats, generated from the pydantic models."""

from __future__ import annotations

import json

from pydantic import BaseModel

from assessor.core.document.model import AssessmentDocument
from assessor.core.export.evidence_package import EvidenceManifest
from assessor.core.rubric.model import Rubric
from assessor.core.training.rule import RULE_FORMAT, ReliabilityRule
from assessor.core.training.sample import SAMPLE_FORMAT, SampleCentre

SCHEMAS: dict[str, type[BaseModel]] = {
    "assessment": AssessmentDocument,
    "evidence": EvidenceManifest,
    "rubric": Rubric,
    "sample": SampleCentre,
    "training-rule": ReliabilityRule,
}

_IDS = {
    "assessment": "assessor.assessment/1",
    "evidence": "assessor.evidence/1",
    "rubric": "assessor.rubric/2",
    "sample": SAMPLE_FORMAT,
    "training-rule": RULE_FORMAT,
}


def schema_json(name: str) -> str:
    schema = SCHEMAS[name].model_json_schema(mode="validation")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _IDS[name],
        **schema,
    }
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
