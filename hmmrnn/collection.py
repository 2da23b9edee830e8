"""How pytest finds the claims: the claims folder is collected as the registry, every registered claim (ours in
the report's order, then the installed ones) as one module with two tests, one per reading.

A claim module holds declarations only (its CLAIM, recipe, figure); the tests are made here, so ``pytest claims``,
``pytest claims/kick_ablation_traps.py``, ``pytest --pyargs hmmrnn.claims`` and ``-k`` select the same items, and
a claim another package registers runs beside ours. Test ids read ``claim-id:reading[checkpoint]``. Any ordinary
test module may run a claim too: ``test_strict, test_paper = claim_tests(CLAIM)`` beside a module-level ``CLAIM``.
"""
from __future__ import annotations

import importlib.util
import inspect
import types
from pathlib import Path

import pytest

from . import registry
from .claim import READINGS, RUNS, Claim
from .errors import ClaimError


def reading_of(function) -> str:
    """A claim's test_paper decides the paper reading; every other test function the strict one."""
    return "paper" if getattr(function, "__name__", "") == "test_paper" else "strict"


def subject_fixture(claim: Claim) -> str:
    """The fixture a claim's recipe runs on: runs_subject (a folder of training runs), cohort_subject (several
    checkpoints) or subject (one checkpoint)."""
    return "runs_subject" if claim.across == RUNS else "cohort_subject" if claim.across else "subject"


def claim_tests(claim: Claim):
    """The two tests of a claim, one per reading: the recipe's statistics on the subject, recorded for the
    report and asserted against the reading's thresholds. A ClaimError that carries statistics (what was found
    before the claim stopped) has them recorded before it is raised."""
    from .subject import statistics
    on = subject_fixture(claim)

    def test_of(reading: str):
        def test(record, **subjects):
            try:
                stats = statistics(claim, reading, subjects[on])
            except ClaimError as e:
                if getattr(e, "statistics", None):
                    record(claim, e.statistics)
                raise
            failed = record(claim, stats)
            assert not failed, "; ".join(failed)
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        test.__signature__ = inspect.Signature([inspect.Parameter(on, kind), inspect.Parameter("record", kind)])
        test.__name__ = test.__qualname__ = f"test_{reading}"  # what reading_of and the node ids read
        test.__doc__ = f"{claim.id} ({reading} reading): {claim.title}"
        return test
    return test_of("strict"), test_of("paper")


def claims_dir() -> Path | None:
    """Where the hmmrnn.claims package lives (claims/ in a checkout, hmmrnn/claims in the wheel); not imported."""
    spec = importlib.util.find_spec("hmmrnn.claims")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]).resolve() if locations else None


class ClaimModule(pytest.Module):
    """A claim module as pytest sees it: its CLAIM and the two tests claim_tests makes (the module is imported
    once, by the registry, under its own name)."""

    def __init__(self, *args, claim_module: types.ModuleType | None = None, **kw):
        super().__init__(*args, **kw)
        self.claim_module = claim_module

    def _getobj(self):
        m = self.claim_module
        view = types.ModuleType(m.__name__, m.__doc__)
        view.__file__ = m.__file__
        view.CLAIM = m.CLAIM
        view.test_strict, view.test_paper = claim_tests(m.CLAIM)
        return view


class ClaimsDirectory(pytest.Directory):
    """The claims folder: one ClaimModule per registered claim, in the registry's order."""

    def collect(self):
        for m in registry.modules().values():
            yield ClaimModule.from_parent(self, path=Path(m.__file__), claim_module=m)


def collect_directory(path: Path, parent):
    """The claims folder's collector, or None for any other folder (pytest's own collection)."""
    where = claims_dir()
    if where is not None and Path(path).resolve() == where:
        return ClaimsDirectory.from_parent(parent, path=Path(path))
    return None


def claim_group(nodeid: str) -> str | None:
    """The checkpoint of a claim's node id "claims/x.py::claim-id:reading[checkpoint]", else None."""
    head, _, case = nodeid.rpartition("[")
    if not case.endswith("]") or head.rpartition(":")[2] not in READINGS:
        return None
    return case[:-1]


def name_items(items) -> None:
    """Each claim test's id becomes claim-id:reading[checkpoint-name]."""
    for item in items:
        claim = getattr(getattr(item, "module", None), "CLAIM", None)
        if claim is None or not hasattr(item, "callspec"):
            continue
        item.name = f"{claim.id}:{reading_of(item.function)}[{item.callspec.id}]"
        new = f"{item.nodeid.split('::')[0]}::{item.name}"
        if hasattr(item, "_id"):  # pytest >= 9 keeps a structured node id (no public setter)
            item._id = type(item._id).parse(new)
        else:
            item._nodeid = new
