"""The one claim registry: what each claim says, where the paper says it, its statistic and pass rule.

A threshold is (statistic name, operator, value). ``evaluate`` applies every threshold to a statistics
dict and returns the failed ones; claim modules assert that list is empty, so the report's numbers and the
assertion's numbers are the same numbers.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field

DEFAULT_SEED = 20251025  # the claims seed when --claims-seed is not given (printed in every run's header)

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}


@dataclass(frozen=True)
class Threshold:
    statistic: str
    op: str
    value: float
    why: str = ""  # where the number comes from: the paper, SPEC.md, or the fixture/control margin

    def holds(self, stats: dict) -> bool:
        v = stats.get(self.statistic)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return False
        return bool(OPS[self.op](v, self.value))

    def describe(self) -> str:
        return f"{self.statistic} {self.op} {self.value:g}"


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

    def applies(self, family: str | None) -> bool:
        """Whether the claim is about checkpoints of this HMM family (unknown family: yes)."""
        return not self.applies_to or family is None or family in self.applies_to

    def evaluate(self, stats: dict) -> list[str]:
        """Failed thresholds, each described with the observed value; empty when the claim passes."""
        return [f"{t.describe()} (observed {stats.get(t.statistic)!r})" for t in self.thresholds if not t.holds(stats)]

    def thresholds_json(self) -> dict:
        return {t.statistic: {"op": t.op, "value": t.value, "why": t.why} for t in self.thresholds}


CLAIMS: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    if claim.id in CLAIMS:
        raise ValueError(f"claim {claim.id} registered twice")
    CLAIMS[claim.id] = claim
    return claim


def get(claim_id: str) -> Claim:
    from . import claim_defs  # noqa: F401  (fills the registry)
    try:
        return CLAIMS[claim_id]
    except KeyError:
        raise KeyError(f"unknown claim {claim_id!r}; known: {sorted(CLAIMS)}") from None


def all_claims() -> list[Claim]:
    from . import claim_defs  # noqa: F401
    return list(CLAIMS.values())


class ClaimError(Exception):
    """A claim that cannot be evaluated on a checkpoint (ERROR, not FAIL); the message is one line."""


class ModelDiverged(Exception):
    """The network's activity blows up (inf/NaN) where the claim needs it bounded: the claim FAILS."""
