"""Serialisers: stored rows turned into the JSON shapes the contract spells."""

from __future__ import annotations

from typing import Any

from masko_widgets.local.store import Row


def project(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "organization_id": row["workspace_id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def collection(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "name": row["name"],
        "type": "mascot",
        "slug": row["slug"],
        "config": {
            "prompt": row["prompt"],
            "reference_asset_ids": row["reference_asset_ids"],
            "style_card": row["style_card"],
            "caution_list": [],
        },
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def references(row: Row) -> dict[str, Any]:
    return {"reference_asset_ids": row["reference_asset_ids"], "style_card": row["style_card"]}


def file_url(base: str, row: Row) -> str:
    return f"{base}/files/{row['token']}.{row['ext']}"


def asset(row: Row, base: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "type": row["type"],
        "status": row["status"],
        "item_id": row["item_id"],
        "collection_id": row["collection_id"],
        "url": file_url(base, row),
        "mime_type": row["mime_type"],
        "width": row["width"],
        "height": row["height"],
        "created_at": row["created_at"],
    }


def item(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "collection_id": row["collection_id"],
        "name": row["name"],
        "type": row["type"],
        "image_prompt": row["image_prompt"],
        "assets": row["assets"],
        "created_at": row["created_at"],
    }


def job(row: Row, urls: dict[str, str]) -> dict[str, Any]:
    """A job; `urls` maps each role in `asset_ids` to its file URL."""
    return {
        "id": row["id"],
        "status": row["status"],
        "type": row["type"],
        "collection_id": row["collection_id"],
        "item_id": row["item_id"],
        "item_name": row["item_name"],
        "cost_credits": row["cost_credits"],
        "asset_ids": row["asset_ids"],
        "urls": urls,
        "error": row["error"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "completed_at": row["completed_at"],
    }
