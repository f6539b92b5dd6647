"""The text a results table copies to the clipboard, built in chunks on a worker: a million selected rows are
tens of megabytes of text, and QModelIndex lookups on the GUI thread took seconds to build them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.cql.column_text import column_texts
from core.grafana.frames import NULL_TEXT, Frame
from core.query.table_ops import TEXT_STEP_ROWS, CancelCheck, Mask, ProgressReport, Rows, check_step

Range = tuple[int, int, int, int]  # top, bottom, left, right: shown rows and columns, both ends included


def copied_text(frame: Frame, shown: Rows | None = None, ranges: Sequence[Range] | None = None, *,
                cancel: CancelCheck | None = None, progress: ProgressReport | None = None) -> tuple[str, int]:
    """Tab-separated cells under a header row of column names, and the number of rows copied.

    `shown` maps the table's rows to the frame's (None: the frame's own order); `ranges` are the selected
    rectangles (None: every cell). A row or column that any range touches is copied, and cells of it outside every
    range are left empty. Values are exact, NULL is written NULL and empty text as nothing."""
    count = frame.row_count if shown is None else len(shown)
    if ranges is None:
        view_rows = np.arange(count, dtype=np.int64)
        columns = list(range(len(frame.fields)))
    else:
        inside = [(max(top, 0), min(bottom, count - 1), left, right) for top, bottom, left, right in ranges]
        inside = [r for r in inside if r[0] <= r[1]]
        if not inside:
            return "", 0
        view_rows = np.unique(np.concatenate([np.arange(top, bottom + 1, dtype=np.int64)
                                              for top, bottom, _l, _r in inside]))
        columns = sorted({c for _t, _b, left, right in inside for c in range(left, right + 1)
                          if 0 <= c < len(frame.fields)})
    if not len(view_rows) or not columns:
        return "", 0
    # Which copied cells are selected: None when every range spans all the copied rows and columns alike.
    masks = None if ranges is None or _rectangular(inside, len(view_rows), columns) else \
        {c: _selected_rows(view_rows, [(t, b) for t, b, left, right in inside if left <= c <= right])
         for c in columns}
    sources = view_rows if shown is None else shown[view_rows]
    contiguous = shown is None and ranges is None
    lines = ["\t".join(frame.fields[c].name for c in columns)]
    total = len(view_rows)
    for start in range(0, total, TEXT_STEP_ROWS):
        check_step(cancel, progress, start, total)
        end = min(start + TEXT_STEP_ROWS, total)
        picked = sources[start:end].tolist()
        cells = []
        for c in columns:
            field = frame.fields[c]
            values = field.values[start:end] if contiguous else [field.values[i] for i in picked]
            texts = [NULL_TEXT if t is None else t for t in column_texts(values, field.cql_type)]
            if masks is not None:
                texts = [t if here else "" for t, here in zip(texts, masks[c][start:end].tolist(), strict=True)]
            cells.append(texts)
        lines.extend(map("\t".join, zip(*cells, strict=True)))
    check_step(cancel, progress, total, total)
    return "\n".join(lines), total


def _rectangular(ranges: list[Range], rows: int, columns: list[int]) -> bool:
    """One rectangle holds the whole selection (rows and columns copied are exactly its own)."""
    if len(ranges) != 1:
        return False
    top, bottom, left, right = ranges[0]
    return bottom - top + 1 == rows and columns == list(range(left, right + 1))


def _selected_rows(view_rows: Rows, spans: list[tuple[int, int]]) -> Mask:
    selected = np.zeros(len(view_rows), dtype=np.bool_)
    for top, bottom in spans:
        selected |= (view_rows >= top) & (view_rows <= bottom)
    return selected
