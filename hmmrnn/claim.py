"""What a claim is: its statistic, thresholds, readings, recipe, figure and cells (the claims themselves are the
modules of ``hmmrnn.claims``, one per claim).

Every claim has two readings: ``strict`` (the harness's quantitative test: the claim's own fields) and
``paper`` (the paper's statistic with the authors' protocol, decided by the most literal rule its sentence
supports). A threshold is (statistic name, operator, value) and names the inventory rows of CLAIMS.md
(P1-P82) it decides. ``Reading.evaluate`` applies every threshold to a statistics dict and returns the failed
ones; claim modules assert that list is empty, so the report's numbers and the assertion's are the same.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from typing import Callable

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}


@dataclass(frozen=True)
class Threshold:
    statistic: str
    op: str
    value: float
    why: str = ""  # where the number comes from: the paper, SPEC.md, or the fixture/control margin
    rows: tuple[str, ...] = ()  # the inventory rows (CLAIMS.md) this threshold decides

    def holds(self, stats: dict) -> bool:
        v = stats.get(self.statistic)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return False
        return bool(OPS[self.op](v, self.value))

    def describe(self) -> str:
        return f"{self.statistic} {self.op} {self.value:g}"


READINGS = ("paper", "strict")
RUNS = "training-runs"  # Claim.across of the claims decided over a folder of training runs (--runs-dir)


@dataclass(frozen=True)
class Reading:
    """One way of deciding a claim: its statistic, thresholds, the controls it must reject and the controls
    its statistic cannot tell from a trained network (a recorded finding: control -> why; such a control is
    expected to pass, and the report says so)."""

    name: str
    statistic: str
    thresholds: tuple[Threshold, ...]
    controls: tuple[str, ...] = ()
    indistinguishable: tuple[tuple[str, str], ...] = ()
    reports: tuple[str, ...] = ()  # rows the reading reports numbers for without deciding them
    notes: tuple[str, ...] = ()
    # cuts replaced after the fact (issue 20): (old threshold, statistic of the threshold that replaced it);
    # evaluated and shown beside the new ones, deciding nothing
    superseded: tuple[tuple[Threshold, str], ...] = ()
    figure: Callable | None = field(default=None, compare=False, repr=False)  # this reading's own plot, if any

    def evaluate(self, stats: dict) -> list[str]:
        """Failed thresholds, each described with the observed value; empty when the reading passes."""
        return [f"{t.describe()} (observed {stats.get(t.statistic)!r})" for t in self.thresholds if not t.holds(stats)]

    @property
    def covers(self) -> tuple[str, ...]:
        """Rows this reading decides (in inventory order)."""
        return tuple(sorted({r for t in self.thresholds for r in t.rows}, key=row_order))

    def decide(self, stats: dict) -> tuple[dict, list[str], dict[str, str]]:
        """A recipe's output judged: its statistics without the plot data ("_" keys), the failed
        thresholds, and the verdict per inventory row."""
        clean = {k: v for k, v in stats.items() if not k.startswith("_")}
        if self.superseded:
            clean["superseded_cuts"] = {old.describe(): "pass" if old.holds(clean) else "fail" for old, _ in self.superseded}
        return clean, self.evaluate(clean), self.row_verdicts(clean)

    def row_verdicts(self, stats: dict) -> dict[str, str]:
        """pass/fail per decided row: a row fails when any of its thresholds fails; reported rows: 'reported'."""
        out = {r: "pass" for r in self.covers}
        for t in self.thresholds:
            if not t.holds(stats):
                for r in t.rows:
                    out[r] = "fail"
        out.update({r: "reported" for r in self.reports if r not in out})
        return out

    def cannot_reject(self, control: str | None) -> str:
        return dict(self.indistinguishable).get(control or "", "")

    def thresholds_json(self) -> list[dict]:
        return [{"statistic": t.statistic, "op": t.op, "value": t.value, "why": t.why, "rows": list(t.rows)}
                for t in self.thresholds]

    def superseded_json(self) -> list[dict]:
        return [{"statistic": t.statistic, "op": t.op, "value": t.value, "why": t.why, "rows": list(t.rows),
                 "replaced_by": new} for t, new in self.superseded]

    def threshold(self, statistic: str, op: str | None = None) -> float:
        """The value of the (first) threshold on `statistic` (with operator `op` if given)."""
        for t in self.thresholds:
            if t.statistic == statistic and (op is None or t.op == op):
                return t.value
        raise KeyError(f"{self.name} reading has no threshold on {statistic!r}")


def row_order(row: str) -> tuple:
    """P1 < P2 < ... < P82 < (control)."""
    return (0, int(row[1:])) if row[1:].isdigit() else (1, row)


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    section: str  # paper section / figure
    statistic: str  # one line: what is computed
    thresholds: tuple[Threshold, ...]
    by_construction: str = ""  # non-empty: why it holds for every bias-free ReLU RNN
    controls: tuple[str, ...] = ()  # controls that must FAIL this claim
    key: str = ""  # the statistic shown in summary tables
    notes: tuple[str, ...] = field(default=())
    applies_to: tuple[str, ...] = ()  # HMM families the claim is about (empty: every family)
    across: str = ""  # non-empty: one verdict over all trained checkpoints of applies_to (the cohort's name)
    paper: Reading | None = None  # the paper reading; the fields above are the strict reading
    strict_reports: tuple[str, ...] = ()  # rows the strict reading reports without deciding
    # recipe(subject, reading) -> the statistics dict the reading's thresholds judge ("_" keys: plot data)
    recipe: Callable | None = field(default=None, compare=False, repr=False)
    # figure(plot data, path, title) -> path: the plot of both readings (a reading may carry its own)
    figure: Callable | None = field(default=None, compare=False, repr=False)
    # what the claim reads on a network of another cell than the ReLU (hmmrnn.cells: general, analogue,
    # not_applicable, not_yet); none: ungated
    cells: tuple[tuple[str, str, str], ...] = ()
    whole_run: bool = False  # decided once per training run (its evolution), not per late checkpoint
    central: str = ""  # non-empty: one of the paper's central claims, named so in the report's answer

    def figure_for(self, reading: str) -> Callable | None:
        """The plot of one reading: the reading's own, else the claim's."""
        own = self.paper.figure if reading == "paper" and self.paper is not None else None
        return own or self.figure

    def applies(self, family: str | None) -> bool:
        """Whether the claim is about checkpoints of this HMM family (unknown family: yes)."""
        return not self.applies_to or family is None or family in self.applies_to

    def reading(self, name: str = "strict") -> Reading:
        if name == "paper":
            if self.paper is None:
                raise KeyError(f"{self.id} has no paper reading")
            return self.paper
        if name != "strict":
            raise KeyError(f"unknown reading {name!r}; known: {', '.join(READINGS)}")
        return Reading("strict", self.statistic, self.thresholds, self.controls, reports=self.strict_reports,
                       notes=self.notes)

    def readings(self) -> list[Reading]:
        return [self.reading(n) for n in READINGS if n != "paper" or self.paper is not None]

    @property
    def covers(self) -> tuple[str, ...]:
        """Every inventory row either reading decides or reports."""
        rows = {r for rd in self.readings() for r in rd.covers + rd.reports}
        return tuple(sorted(rows, key=row_order))

    def evaluate(self, stats: dict) -> list[str]:
        """Failed thresholds of the strict reading."""
        return self.reading("strict").evaluate(stats)

    def threshold(self, statistic: str, op: str | None = None, reading: str = "strict") -> float:
        return self.reading(reading).threshold(statistic, op)


def resolve_target(claim: Claim | None, path: str, spec, own, how: str):
    """The HMM a checkpoint is checked against: ``spec`` (an HMM, or a spec such as "linear:2") when given,
    else ``own`` (its metadata's). ClaimError, one line naming ``path``, when the spec is bad, there is
    none (``how`` says how to give one), or the claim is about other HMM families."""
    from .errors import ClaimError
    from .hmm import HMM, HMMSpecError, parse_spec
    try:
        hmm = spec if isinstance(spec, HMM) else parse_spec(spec) if spec else own
    except HMMSpecError as e:
        raise ClaimError(f"{path}: target HMM: {e}") from None
    if hmm is None:
        raise ClaimError(f"{path}: no target HMM in its metadata; pass {how} (linear:2, fully:3, cyclic:4 or a JSON file)")
    if claim is not None and not claim.applies(hmm.family):
        raise ClaimError(f"{claim.id} is about {'/'.join(claim.applies_to)} HMMs, not {hmm.name}")
    return hmm
