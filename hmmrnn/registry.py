"""The one claim registry, built from the claim modules: ours (``hmmrnn.claims``, in the report's order), then
those other installed packages register under the entry-point group ``hmmrnn.claims``.

A claim module is any module with a ``CLAIM`` (an ``hmmrnn.claim.Claim`` with its recipe). An entry point names
such a module (``name = "package.module"``). Loaded on first use; a duplicate id is an error naming both modules;
an entry point that fails to load, or names no claim module, is one warning and is left out.
"""
from __future__ import annotations

import importlib
import warnings
from types import ModuleType

from .claim import OPS, READINGS, Claim, Reading, Threshold, row_order  # noqa: F401  (re-exported)
from .errors import ClaimError, ModelDiverged  # noqa: F401  (re-exported)

DEFAULT_SEED = 20251025  # the claims seed when --claims-seed is not given (printed in every run's header)
ENTRY_POINTS = "hmmrnn.claims"  # the group a package registers its claim modules under

_MODULES: dict[str, ModuleType] | None = None  # claim id -> its module, in order


def build(modules) -> dict[str, ModuleType]:
    """id -> claim module, in the given order; a module without a Claim, or a duplicate id, is a ValueError."""
    out: dict[str, ModuleType] = {}
    for m in modules:
        claim = getattr(m, "CLAIM", None)
        if not isinstance(claim, Claim):
            raise ValueError(f"{m.__name__} is not a claim module: it has no CLAIM")
        if claim.recipe is None:
            raise ValueError(f"{m.__name__}: claim {claim.id} has no recipe")
        if claim.id in out:
            raise ValueError(f"claim {claim.id} defined twice: in {out[claim.id].__name__} and {m.__name__}")
        out[claim.id] = m
    return out


def installed() -> list[ModuleType]:
    """The claim modules other installed packages register (entry-point group ``hmmrnn.claims``)."""
    from importlib.metadata import entry_points
    found = []
    for ep in sorted(entry_points(group=ENTRY_POINTS), key=lambda e: e.name):
        try:
            m = ep.load()
        except Exception as e:  # a broken third-party package must not stop our claims
            warnings.warn(f"hmmrnn.claims entry point {ep.name} ({ep.value}) left out: {type(e).__name__}: {e}")
            continue
        if not isinstance(m, ModuleType) or not isinstance(getattr(m, "CLAIM", None), Claim):
            warnings.warn(f"hmmrnn.claims entry point {ep.name} ({ep.value}) left out: not a module with a CLAIM")
            continue
        found.append(m)
    return found


def modules() -> dict[str, ModuleType]:
    """claim id -> claim module: ours in the report's order, then the installed ones."""
    global _MODULES
    if _MODULES is None:
        ours = importlib.import_module("hmmrnn.claims")
        _MODULES = build([*ours.MODULES, *installed()])
    return _MODULES


def get(claim_id: str) -> Claim:
    try:
        return modules()[claim_id].CLAIM
    except KeyError:
        raise KeyError(f"unknown claim {claim_id!r}; known: {sorted(modules())}") from None


def all_claims() -> list[Claim]:
    return [m.CLAIM for m in modules().values()]


def whole_run() -> tuple[str, ...]:
    """Ids of the claims decided once per training run (over its evolution), not per late checkpoint."""
    return tuple(c.id for c in all_claims() if c.whole_run)


def __getattr__(name: str):
    if name == "CLAIMS":  # id -> Claim, as before the claims were modules
        return {cid: m.CLAIM for cid, m in modules().items()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
