"""The rows of a claims run, kept as they finish (one JSON line each), so that a run killed after hours
resumes where it stopped: no row lost (each is on disk, flushed and fsynced, before the next test's report)
and none duplicated (a row is keyed by claim, reading and checkpoint; a resumed run skips the keys it holds,
and reading keeps the last line of a key). A line cut short by a kill is dropped on reading."""
from __future__ import annotations

import json
import os
from pathlib import Path


def key(row: dict) -> tuple[str, str, str]:
    """(claim, reading, checkpoint): what a row is the verdict of."""
    return row["claim"], row.get("reading", "strict"), row["checkpoint"]


def path_for(results_json: Path) -> Path:
    """The journal beside a results file: results.json -> .results.json.rows.jsonl."""
    results_json = Path(results_json)
    return results_json.with_name(f".{results_json.name}.rows.jsonl")


def append(path: Path, row: dict) -> None:
    """Add one row, on disk before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())


def read(path: Path) -> list[dict]:
    """The journal's rows, one per key (the last written), in first-written order; a torn last line (the
    process was killed mid-write) is dropped."""
    path = Path(path)
    if not path.exists():
        return []
    rows: dict[tuple, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and "claim" in row and "checkpoint" in row:
            rows[key(row)] = row
    return list(rows.values())


def seeds(rows: list[dict]) -> set:
    """The claims seeds the rows were computed with (a resumed run must use the same one)."""
    return {r.get("seed") for r in rows}
