"""What every assessment model shares: strict validation, ids and attached evidence files."""

from __future__ import annotations

import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def new_id() -> str:
    return uuid.uuid4().hex


class Evidence(Strict):
    """A file copied into the assessment's own folder; `sha256` pins its content."""

    file: str = Field(min_length=1, description="相对于评估文件夹的路径")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    caption: str = ""
    added_at: AwareDatetime
