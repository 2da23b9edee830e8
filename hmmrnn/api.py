"""One claim on one checkpoint from Python: ``check("orbit.radius-scaling", "model.pt")``.

The same recipes as ``pytest claims`` (each claim module's, through hmmrnn.subject.statistics), so the numbers are the same for the same seed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cells import one_cell
from .checkpoint import Checkpoint, load
from .hmm import HMM, parse_spec
from .claim import resolve_target
from .device import on_device, resolve
from .errors import ClaimError
from . import precision
from .limits import refuse_for_claims
from .subject import Subject, statistics
from .registry import DEFAULT_SEED, get


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of one reading of one claim on one checkpoint (or cohort)."""

    claim: str
    reading: str
    checkpoint: str
    seed: int
    verdict: str  # "pass" or "fail"
    statistics: dict
    failed: list[str]  # the thresholds that failed, with the observed values
    rows: dict[str, str]  # inventory row (CLAIMS.md) -> pass / fail / reported
    thresholds: list[dict]
    plot: dict | None = field(default=None, repr=False)
    near_cut: list[str] = field(default_factory=list)  # thresholds within 2 draw standard errors (hmmrnn.precision)
    standard_errors: dict = field(default_factory=dict)  # {thresholded statistic: its draw standard error}

    def figure(self):
        """The claim's figure as a matplotlib Figure (None when the claim has no plot data)."""
        draw = get(self.claim).figure_for(self.reading)
        if self.plot is None or draw is None:
            return None
        return draw(self.plot, None, self.checkpoint)


def _name(ck: Checkpoint) -> str:
    """The run's name: the metadata's, else the folder of a run's final.pt, else the file's stem."""
    stem = Path(ck.path).stem
    return ck.meta.get("name") or (Path(ck.path).parent.name if stem in ("final", "best") else stem)


def check(claim_id: str, checkpoint, *, reading: str = "paper", seed: int = DEFAULT_SEED, hmm=None,
          mu_grid: str = "coarse", cache: dict | None = None, device: str | None = None) -> ClaimResult:
    """Decide one reading ("paper" or "strict") of a claim on a checkpoint (a path or a loaded Checkpoint;
    for a claim over a cohort, e.g. readout.alignment, a list of them). ``hmm``: the target HMM (an HMM, a
    spec such as "linear:2", or None for the checkpoint's own). ``cache``: a dict to share intermediate
    results (zone map, kick groups, sweeps) between calls on the same checkpoint and seed. ``device``: where the
    rollouts run ("cpu", "cuda", "cuda:N", "auto"; None: as set by ``hmmrnn.device.set_compute_device``).
    Raises ClaimError (one line) when the claim cannot be evaluated; CheckpointError for a bad file."""
    claim = get(claim_id)
    rd = claim.reading(reading)
    cache = {} if cache is None else cache
    if claim.across:
        cks = [c if isinstance(c, Checkpoint) else load(c) for c in checkpoint]
        members = []
        for c in cks:
            target = hmm if isinstance(hmm, HMM) else parse_spec(hmm) if hmm else c.hmm
            if target is not None and claim.applies(target.family):
                members.append((_name(c), target, c.model))
        members = one_cell(members, decided=claim.id)[1]  # one cell's: the bias-free ReLU's where there are any
        subject = Subject(path=claim.across, model=None, seed=seed, mu_grid=mu_grid, members=members, cache=cache)
        name = claim.across
    else:
        ck = checkpoint if isinstance(checkpoint, Checkpoint) else load(checkpoint)
        refuse_for_claims(ck.path, ck.model)

        def target():
            return resolve_target(claim, ck.path, hmm, ck.hmm, "hmm=")
        subject = Subject(path=str(ck.path), model=ck.model, seed=seed, target=target, mu_grid=mu_grid, cache=cache)
        name = _name(ck)
        if claim.applies_to:
            target()  # a claim about other HMM families is not evaluated
    if device is None:
        stats = statistics(claim, rd.name, subject)
    else:
        with on_device(resolve(device)):
            stats = statistics(claim, rd.name, subject)
    clean, failed, per_row = rd.decide(stats)
    thresholds, noise, family = rd.thresholds_json(), precision.noise_table(), None
    if not claim.across:  # the network's HMM (its family's standard errors), as a results row names it
        try:
            family = subject.hmm.name
        except ClaimError:
            pass
    near = precision.near_cut(claim.id, rd.name, clean, thresholds, noise, family)
    return ClaimResult(claim=claim.id, reading=rd.name, checkpoint=name, seed=seed,
                       verdict="fail" if failed else "pass", statistics=clean, failed=failed,
                       rows=per_row, thresholds=thresholds, plot=stats.get("_plot"), near_cut=near,
                       standard_errors=precision.standard_errors(noise, claim.id, rd.name, thresholds, family))
