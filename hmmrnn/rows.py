"""A claim's outcome as a result row: the verdict from what the test raised and recorded, and the row the
report and JUnit carry. Pure functions: the pytest plugin only passes them what pytest saw."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .checkpoint import CheckpointError
from .claim import Claim, Reading
from .errors import ClaimError, ModelDiverged
from .limits import RolloutTooLarge

ERRORS = (ClaimError, CheckpointError, RolloutTooLarge)  # the claim cannot be evaluated: ERROR, one line


def one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class Outcome:
    verdict: str  # pass / fail / error
    reason: str  # one line: the failed thresholds, or why the claim could not be evaluated
    shown: str = ""  # what replaces pytest's traceback ("" keeps pytest's)


def classify(exc: BaseException | None, record: dict | None, label: str) -> Outcome:
    """The verdict of one test: an ERROR-type exception -> error; ModelDiverged -> fail; recorded
    statistics -> pass/fail by their failed thresholds; any other exception -> a harness error.
    ``label`` names the test in the one-line replacement of a traceback ("claim:reading[checkpoint]")."""
    if isinstance(exc, ERRORS):
        return Outcome("error", one_line(exc), f"ERROR {label}: {one_line(exc)}")
    if isinstance(exc, ModelDiverged):
        return Outcome("fail", one_line(exc), f"FAIL {label}: {one_line(exc)}")
    if record is not None:
        reason = "; ".join(record["failed"])
        shown = f"FAIL {label}: {reason}" if record["failed"] and isinstance(exc, AssertionError) else ""
        return Outcome("fail" if record["failed"] else "pass", reason, shown)
    if exc is not None:
        return Outcome("error", f"harness error: {type(exc).__name__}: {one_line(exc)}")
    return Outcome("error", "the claim recorded no statistics")


@dataclass(frozen=True)
class Row:
    """One result row of results.json: a reading of a claim on a checkpoint (or cohort)."""

    claim: str
    reading: str
    checkpoint: str
    path: str
    sha256: str
    role: str  # trained / control / cohort
    control: str | None
    family: str | None
    seed_of_model: int | None
    verdict: str
    expected: str  # pass / fail (the manifest's recorded expectation)
    expected_reason: str
    finding: str  # non-empty: the reading cannot tell this control from a trained network (why)
    rows: dict  # inventory row -> pass / fail / reported / error
    statistics: dict
    thresholds: list
    failed: list
    reason: str
    seed: int
    seconds: float
    figures: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def build(claim: Claim, reading: Reading, case, checkpoint, outcome: Outcome, record: dict | None, seed: int,
          seconds: float) -> Row:
    """The row of one test from its case (cases.Case), the loaded checkpoint (or None) and its outcome."""
    rec = record or {}
    why = case.expected_fail(claim, reading.name)
    if outcome.verdict == "error":
        per_row = {r: "error" for r in reading.covers}
    else:
        per_row = rec.get("rows") or {r: outcome.verdict for r in reading.covers}
    meta = getattr(checkpoint, "meta", {}) if checkpoint is not None else {}
    return Row(claim=claim.id, reading=reading.name, checkpoint=case.name, path=case.path,
               sha256=getattr(checkpoint, "sha256", ""), role=case.role, control=case.control,
               family=case.hmm or (meta.get("hmm", {}).get("name") if meta else None),
               seed_of_model=case.info.get("seed", meta.get("seed") if checkpoint is not None else None),
               verdict=outcome.verdict, expected="fail" if why else "pass", expected_reason=why or "",
               finding=reading.cannot_reject(case.control), rows=per_row, statistics=rec.get("statistics", {}),
               thresholds=reading.thresholds_json(), failed=rec.get("failed", []), reason=outcome.reason,
               seed=seed, seconds=round(seconds, 3), figures=rec.get("figures", []))


def claim_meta(c: Claim) -> dict:
    """What the report needs to know of a claim, per reading."""
    return {"title": c.title, "section": c.section, "statistic": c.statistic, "by_construction": c.by_construction,
            "controls": list(c.controls), "key": c.key, "notes": list(c.notes), "covers": list(c.covers),
            "across": c.across,
            "thresholds": c.reading("strict").thresholds_json(),
            "readings": {rd.name: {"statistic": rd.statistic, "controls": list(rd.controls),
                                   "indistinguishable": dict(rd.indistinguishable), "covers": list(rd.covers),
                                   "reports": list(rd.reports), "thresholds": rd.thresholds_json(),
                                   "superseded": rd.superseded_json(),
                                   "notes": list(rd.notes)} for rd in c.readings()}}
