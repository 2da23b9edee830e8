"""What kind of evidence each (inventory row, reading) is (SPEC, Evidence classes), computed from the results, never
set by hand; and the test that decides whether families are pooled.

Pure functions of plain data. The classes, in the order they are tested:
- ``reported``: the reading reports numbers for the row and has no threshold on it;
- ``undecided``: no held-out network decides the row (every trained result is an ERROR or missing): the networks
  it needs do not exist here;
- ``by construction``: every network of the class judged on the row, the held-out seeds and every control that
  is an ordinary network (CLASS_CONTROLS: untrained, shuffled, pre-bifurcation; required to fail it or not)
  judged by a number, gets the same verdict (all pass, or all fail with the failing seeds not separated from the
  controls): evidence neither way, even where a hand-built control (a line attractor) fails it;
- ``indistinguishable``: a control the reading must reject passes the row, is rejected only by an ERROR, or no
  such control decided the row at all;
- ``decided``: otherwise: every control it must reject fails a threshold by a number, and the seeds are judged
  against them.
Only decided rows are graded (seeds.grade).

Families are pooled only where they agree: the hold/not-hold counts per family are tested for homogeneity with
the exact Freeman-Halton extension of Fisher's test (FAMILY_ALPHA, fixed before any summary was read); where
they differ the conclusion is per family.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

CLASSES = ("decided", "by construction", "indistinguishable", "undecided", "reported")  # the report's order
FAMILY_ALPHA = 0.05
# the seed every threshold the paper does not give was fixed on (linear2-seed0 and its controls), under each of
# its run names: shown apart, never counted among the seeds that replicate
TUNING_SEED = "linear2-seed0"


def is_tuning(run: str) -> bool:
    """Whether a run name is the tuning seed (linear2-seed0, linear2-seed0-to500, ...)."""
    return run == TUNING_SEED or run.startswith(TUNING_SEED + "-")


@dataclass(frozen=True)
class ControlOutcome:
    """The controls a reading must reject, on one row: rejected by a number, by an ERROR only, or passed; and
    controls whose statistics are identical to another's (counted once, under the first name)."""

    rejected: tuple[str, ...] = ()
    by_error: tuple[str, ...] = ()
    passed: tuple[str, ...] = ()
    same_as: dict = field(default_factory=dict)

    @property
    def required(self) -> int:
        return len(self.rejected) + len(self.by_error) + len(self.passed)

    def text(self) -> str:
        """'2/3 rejected by a number; 1 by ERROR only (x)' as the report prints it."""
        if not self.required:
            return "-"
        out = f"{len(self.rejected)}/{self.required}"
        if self.by_error:
            out += f"; ERROR only: {', '.join(self.by_error)}"
        if self.passed:
            out += f"; passed: {', '.join(self.passed)}"
        if self.same_as:
            out += "; counted once: " + ", ".join(f"{a} = {b}" for a, b in self.same_as.items())
        return out


def control_outcome(control_rows: list[dict], row: str) -> ControlOutcome:
    """The must-reject controls (role control, expected fail) of one (claim, reading) on one inventory row.
    A control rejects the row when its per-row verdict is "fail"; a control whose result is an ERROR (or that
    has no verdict on the row) rejected it by ERROR only. Controls with identical statistics are one control."""
    seen: dict[str, str] = {}
    same: dict[str, str] = {}
    rej, err, passed = [], [], []
    for r in sorted(control_rows, key=lambda r: r["checkpoint"]):
        if r.get("role") != "control" or r.get("expected") != "fail":
            continue
        stats = r.get("statistics") or {}
        key = json.dumps(stats, sort_keys=True, default=str) if stats and r.get("verdict") != "error" else None
        if key is not None and key in seen:
            same[r["checkpoint"]] = seen[key]
            continue
        if key is not None:
            seen[key] = r["checkpoint"]
        v = (r.get("rows") or {}).get(row) if r.get("verdict") != "error" else None
        (rej if v == "fail" else passed if v == "pass" else err).append(r["checkpoint"])
    return ControlOutcome(tuple(rej), tuple(err), tuple(passed), same)


# controls that are ordinary networks of the class (bias-free ReLU RNNs as training or chance leaves them); the
# hand-built ones (a line attractor, a trained net read against another HMM) show that a check can say no, but
# a property every ordinary network has is evidence neither way
CLASS_CONTROLS = ("untrained", "shuffled", "pre-bifurcation")


def all_control_verdicts(control_rows: list[dict], row: str) -> list[str]:
    """Per-row verdicts ("pass"/"fail") of every control of the class (CLASS_CONTROLS) judged on the row by a
    number, required to fail it or not."""
    return [(r.get("rows") or {}).get(row) for r in control_rows
            if r.get("role") == "control" and r.get("control", "untrained") in CLASS_CONTROLS
            and (r.get("rows") or {}).get(row) in ("pass", "fail")]


def classify(*, reported: bool, seed_holds: list[bool], controls: ControlOutcome, control_verdicts: list[str],
             separated: bool | None, needs: str = "", across: str = "") -> tuple[str, str]:
    """(evidence class, its reason) of one (row, reading).

    seed_holds: per held-out seed whether it holds the row (seeds with no decided checkpoint left out);
    controls: the must-reject controls' outcome; control_verdicts: every control's numeric verdict on the row;
    separated: whether the seeds that do not hold it are separated from every must-reject control (None: not
    asked); needs: what is missing when no seed decides the row (for ``undecided``); across: the cohort of a
    claim decided across runs (one verdict over every family's members: it has no controls of its own, the
    per-checkpoint verdicts it aggregates face theirs), decided when its verdict is a number."""
    if reported:
        return "reported", "no threshold: numbers reported, nothing decided"
    if not seed_holds:
        return "undecided", needs or "no held-out network decides this row"
    if across and not controls.required:
        return "decided", (f"decided across runs ({across}): aggregates per-checkpoint verdicts, which face their "
                           "own controls")
    everyone = [bool(h) for h in seed_holds] + [v == "pass" for v in control_verdicts]
    if control_verdicts and all(everyone):
        return "by construction", "holds for every network of the class judged, controls included"
    if control_verdicts and not any(everyone) and not separated:
        return "by construction", ("fails for every network of the class judged, controls included, and the seeds "
                                   "are not separated from the controls")
    if controls.passed or controls.by_error or not controls.required:
        parts = []
        if controls.passed:
            parts.append(f"passed by {', '.join(controls.passed)}")
        if controls.by_error:
            parts.append(f"rejected only by ERROR by {', '.join(controls.by_error)}")
        if not controls.required:
            parts.append("no control it must reject decided it")
        return "indistinguishable", "a control it must reject: " + "; ".join(parts)
    return "decided", f"every control it must reject fails it by a number ({len(controls.rejected)})"


# ---- families ----------------------------------------------------------------------------------------------

def homogeneity_p(table: list[tuple[int, int]]) -> float:
    """Exact p-value of the Freeman-Halton test (Fisher's exact test for a k x 2 table) that the hold
    fractions of the families [(holding, seeds), ...] are the same: the probability, under fixed margins, of a
    table no more likely than the observed one. By hand because scipy's fisher_exact answers a table larger than
    2 x 2 by Monte Carlo (a random p-value); these tables are small enough to enumerate (tests compare the 2 x 2
    case with scipy's exact one)."""
    rows = [(int(k), int(n)) for k, n in table if n > 0]
    if len(rows) < 2:
        return 1.0
    K, N = sum(k for k, _ in rows), sum(n for _, n in rows)

    def prob(ks) -> float:
        return math.prod(math.comb(n, k) for k, (_, n) in zip(ks, rows)) / math.comb(N, K)

    observed = prob([k for k, _ in rows])
    total = 0.0

    def walk(i: int, left: int, ks: list[int]) -> None:
        nonlocal total
        if i == len(rows) - 1:
            if 0 <= left <= rows[i][1]:
                p = prob(ks + [left])
                if p <= observed * (1 + 1e-9):
                    total += p
            return
        for k in range(0, min(rows[i][1], left) + 1):
            walk(i + 1, left - k, ks + [k])

    walk(0, K, [])
    return min(1.0, total)


def families_split(families: dict[str, tuple[int, int]], alpha: float = FAMILY_ALPHA) -> tuple[bool, float]:
    """(whether the families disagree, the homogeneity p-value) for {family: (holding, seeds)}."""
    p = homogeneity_p(list(families.values()))
    return p < alpha, p
