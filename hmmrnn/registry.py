"""The one claim registry: every claim of claim_defs by id, with its paper reading attached.

Built once from data at import (no registration by side effect); a duplicate id is an error. The claim
types live in ``claim``, the errors in ``errors``; both are re-exported here for the claim modules.
"""
from __future__ import annotations

import dataclasses

from . import claim_defs, claim_defs_cohorts, claim_defs_mechanics, claim_defs_sweeps, claim_defs_timescales
from .claim import OPS, READINGS, Claim, Reading, Threshold, row_order  # noqa: F401  (re-exported)
from .errors import ClaimError, ModelDiverged  # noqa: F401  (re-exported)

DEFAULT_SEED = 20251025  # the claims seed when --claims-seed is not given (printed in every run's header)


def build(claims, paper_readings: dict[str, Reading]) -> dict[str, Claim]:
    """id -> Claim, with each paper reading attached; a duplicate id or a reading for no claim is an error."""
    out: dict[str, Claim] = {}
    for c in claims:
        if c.id in out:
            raise ValueError(f"claim {c.id} defined twice")
        out[c.id] = c
    for cid, reading in paper_readings.items():
        if cid not in out:
            raise ValueError(f"paper reading for unknown claim {cid!r}")
        if out[cid].paper is not None:
            raise ValueError(f"claim {cid} has two paper readings")
        out[cid] = dataclasses.replace(out[cid], paper=reading)
    return out


GROUPS = (claim_defs, claim_defs_mechanics, claim_defs_timescales, claim_defs_cohorts, claim_defs_sweeps)  # report order
CLAIMS: dict[str, Claim] = build([c for g in GROUPS for c in g.CLAIMS],
                                 {k: v for g in GROUPS for k, v in g.PAPER_READINGS.items()})


def get(claim_id: str) -> Claim:
    try:
        return CLAIMS[claim_id]
    except KeyError:
        raise KeyError(f"unknown claim {claim_id!r}; known: {sorted(CLAIMS)}") from None


def all_claims() -> list[Claim]:
    return list(CLAIMS.values())
