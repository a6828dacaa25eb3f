"""Request bodies of the API, as pydantic models (they also document /v1/openapi.json)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_REFERENCES = 6
MAX_BATCH = 10


class ProjectCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class CollectionCreate(BaseModel):
    project_id: str | None = Field(None, description="default: the workspace's default project")
    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=2000, description="stored as config.prompt")
    reference_asset_ids: list[str] = Field(default_factory=list, max_length=MAX_REFERENCES)
    reference_image_urls: list[str] = Field(default_factory=list, max_length=MAX_REFERENCES)


class UrlImport(BaseModel):
    url: str = Field(min_length=1, description="a data: URI or a file URL of this server")


class ReferenceAdd(BaseModel):
    asset_id: str | None = Field(None, description="an image asset of this workspace")
    url: str | None = Field(None, description="a data: URI or a file URL of this server")


class PreviewCreate(BaseModel):
    prompt: str = Field(min_length=1, max_length=2000)
    collection_id: str | None = None
    reference_image_urls: list[str] = Field(
        default_factory=list,
        max_length=MAX_REFERENCES,
        description="one-off style hints (data: URIs or this server's file URLs); never stored",
    )


class GenerateRequest(BaseModel):
    """One body for all kinds; which fields are needed depends on `type` (see the contract)."""

    type: Literal["image", "animation", "edit"]
    name: str | None = Field(None, min_length=1, max_length=200)
    item_id: str | None = None
    image_prompt: str | None = Field(None, max_length=2000)
    animation_prompt: str | None = Field(None, max_length=2000)
    duration: int | None = Field(None, ge=1, le=15, description="whole seconds, 1 to 15")
    loop: bool = False
    source_image_asset_id: str | None = None
    end_image_asset_id: str | None = None
    auto_reverse: bool = False
    edit_instructions: str | None = Field(None, max_length=2000)


class BatchRequest(BaseModel):
    requests: list[dict] = Field(
        min_length=1, max_length=MAX_BATCH, description=f"1 to {MAX_BATCH} generate bodies"
    )


JobStatus = Literal["pending", "processing", "completed", "failed"]
JobType = Literal["image", "animation", "edit"]


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    message: str
    field: str | None = Field(None, description="the request field at fault (400)")


class ErrorBody(BaseModel):
    """Every failure: `{error: {code, message, field?, ...}}` (402 adds required, balance)."""

    error: ErrorDetail
