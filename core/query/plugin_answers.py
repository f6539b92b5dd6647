"""What a panel shows for the plugin's answer (the JSON Grafana receives): its rows, or no data, or the error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AnswerSummary:
    """The panel's state: ok with a row count, "no data", or "error" with the message Grafana shows."""

    status: str
    rows: int
    message: str = ""


def answer_summary(answer: Mapping[str, Any], ref_id: str = "A") -> AnswerSummary:
    """Summarise a QueryData answer for one refId, as the panel would show it."""
    if answer.get("error"):
        return AnswerSummary("error", 0, str(answer["error"]))
    result = (answer.get("results") or {}).get(ref_id) or {}
    if result.get("error"):
        return AnswerSummary("error", 0, str(result["error"]))
    rows = sum(frame_rows(frame) for frame in result.get("frames") or [])
    if rows == 0:
        return AnswerSummary("no data", 0, "the panel shows \"No data\"")
    return AnswerSummary("ok", rows)


def frame_rows(frame: Mapping[str, Any]) -> int:
    """Rows of one frame in data frame JSON (the length of its first column)."""
    values = (frame.get("data") or {}).get("values") or []
    return len(values[0]) if values and isinstance(values[0], list) else 0
