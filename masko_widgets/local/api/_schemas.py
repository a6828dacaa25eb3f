"""The API's JSON shapes as pydantic models: request bodies (validated on the way in) and
success and error bodies (they document /v1/openapi.json; the routes build the JSON itself)."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

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
    """One body for all kinds; which fields are needed depends on `type` (see the contract).

    Strict: a number must be a JSON integer and a flag a JSON boolean (no `"3"`, no `true`
    for 1), so a careless body is refused before it is charged."""

    model_config = ConfigDict(strict=True)

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
    requests: list[dict[str, Any]] = Field(
        min_length=1, max_length=MAX_BATCH, description=f"1 to {MAX_BATCH} generate bodies"
    )


JobStatus = Literal["pending", "processing", "completed", "failed"]
JobType = Literal["image", "animation", "edit"]
AssetType = Literal["image", "transparent_image", "video", "webm", "hevc"]
AssetStatus = Literal["pending", "completed", "failed"]
ItemType = Literal["image", "animation"]


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    message: str
    field: str | None = Field(None, description="the request field at fault (400)")


class ErrorBody(BaseModel):
    """Every failure: `{error: {code, message, field?, ...}}` (402 adds required, balance)."""

    error: ErrorDetail


class _Shape(BaseModel):
    """A body the server sends: every key always present, nothing beyond the documented keys."""

    model_config = ConfigDict(extra="forbid")


class Credits(_Shape):
    balance: int


class Project(_Shape):
    id: str
    name: str
    organization_id: str
    created_at: str
    updated_at: str


class CollectionConfig(_Shape):
    prompt: str | None
    reference_asset_ids: list[str] = Field(max_length=MAX_REFERENCES)
    style_card: str | None = Field(
        description="null until a generation extracts it; cleared when references change"
    )
    caution_list: list[str]


class Collection(_Shape):
    id: str
    project_id: str
    name: str
    type: Literal["mascot"]
    slug: str
    config: CollectionConfig
    created_at: str
    updated_at: str


class References(_Shape):
    reference_asset_ids: list[str] = Field(max_length=MAX_REFERENCES)
    style_card: str | None


class Asset(_Shape):
    id: str
    type: AssetType
    status: AssetStatus
    item_id: str | None = Field(description="null for uploads")
    collection_id: str | None = Field(description="null for uploads")
    url: str = Field(description="serves a placeholder PNG while the asset is pending")
    mime_type: str
    width: int | None
    height: int | None
    created_at: str


class Item(_Shape):
    id: str
    collection_id: str
    name: str
    type: ItemType
    image_prompt: str | None
    assets: dict[str, str] = Field(description="asset type -> id of the newest asset of that type")
    created_at: str


class JobError(_Shape):
    code: str
    message: str


class Job(_Shape):
    id: str
    status: JobStatus
    type: JobType
    collection_id: str
    item_id: str | None
    item_name: str | None
    cost_credits: int
    asset_ids: dict[str, str] = Field(description="role -> asset id, e.g. image, video")
    urls: dict[str, str] = Field(description="role -> file URL")
    error: JobError | None = Field(description="why a failed job failed")
    created_at: str
    updated_at: str
    completed_at: str | None


class GenerateAccepted(_Shape):
    """The 202 answer to one generation; its URLs serve a placeholder until the job ends."""

    job_id: str
    poll_url: str
    status: JobStatus
    item_id: str | None
    cost_credits: int
    asset_ids: dict[str, str]
    urls: dict[str, str]


class BatchFailure(_Shape):
    """A batch entry that was refused: the error one generate call would have answered."""

    status: int
    error: ErrorDetail
    index: int = Field(description="position of the request in `requests`")


class Batch(_Shape):
    jobs: list[GenerateAccepted | BatchFailure] = Field(description="one entry per request")


class Preview(_Shape):
    url: str = Field(description="410 once expired")
    expires_at: str
    width: int
    height: int
    prompt: str


class Previews(_Shape):
    previews: list[Preview]


class SuggestedActions(_Shape):
    actions: list[str] = Field(min_length=6, max_length=8)


class Pagination(_Shape):
    total: int
    limit: int
    offset: int
    has_more: bool


class Meta(_Shape):
    request_id: str | None = Field(description="the answer's X-Request-Id")


class ListMeta(Meta):
    pagination: Pagination


DataT = TypeVar("DataT")


class Envelope(_Shape, Generic[DataT]):
    """Every JSON success: `{data, meta}`."""

    data: DataT
    meta: Meta


class ListEnvelope(_Shape, Generic[DataT]):
    """A page of a list: `{data: [...], meta: {request_id, pagination}}`."""

    data: list[DataT]
    meta: ListMeta
