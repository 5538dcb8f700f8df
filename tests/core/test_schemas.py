"""The published JSON Schemas are generated from the models and validate real files."""

from __future__ import annotations

import json

import jsonschema
import pytest

from assessor.core.paths import default_rubric_path, rubrics_dir
from assessor.core.rubric.registry import default_rubric
from assessor.core.schemas import SCHEMAS, schema_json
from assessor.core.signing.keys import training_signer
from assessor.devtools.demo import demo_files


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_published_schema_files_are_up_to_date(name: str) -> None:
    published = rubrics_dir() / "schema" / f"{name}.schema.json"
    assert published.read_text(encoding="utf-8") == schema_json(name), (
        f"regenerate with: assessor schema {name} -o {published}"
    )


def test_a_signed_export_validates_against_the_assessment_schema() -> None:
    files = next(demo_files(default_rubric(), training_signer(), count=1, with_pdf=False))
    schema = json.loads(schema_json("assessment"))
    jsonschema.validate(json.loads(files.json_bytes), schema)
    broken = json.loads(files.json_bytes) | {"scores": "all good"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_bundled_rubric_validates_against_the_rubric_schema() -> None:
    data = json.loads(default_rubric_path().read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(schema_json("rubric")))
