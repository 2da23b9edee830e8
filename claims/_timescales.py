"""What the claims of time scales and self-induced stochastic resonance (paper 5, 6: P38, P59, P68, P72-P77) share:
the kick pair and its integrating populations, the scans of the dwell over the input scale, the controls' reason
and the figures' scale axis.

Where the paper gives no number, the cuts were fixed once on linear2-seed0 and its controls before any
held-out fixture ran (analysis.timescales; each why gives the numbers). The controls cannot produce most of
the mechanism statistics (untrained and shuffled have no pair of opposite kick groups, pre-bifurcation has
no kick groups at all: an ERROR, counted as rejected), so those cuts are the sentence's own sign, stated so.

Positive homogeneity decides a part of these claims for every bias-free ReLU net: with h0 = 0 the run at
input scale s is exactly s times the run at scale 1 (same draws), so the argmax outputs and every dwell are
the same at every s. Verified on linear2-seed0: the outputs agree at every step of 32 x 2000 steps at each
of 6 scales (statistic min_output_agreement = 1.0); the authors' own noise sweep (plotting/variance.py) scaled
the s.d. of x_t from h0 = 0 in the same way, and every other analysis of theirs ran at s.d. 1.

Shared per checkpoint (Subject.shared): the kick groups and zone map of the other claims, one noise run at
s = 1 with the activity of the kick groups and integrating populations (time-scales.resonance), and two
scans of the dwell over the input scale: ``paired`` (the same noise draws scaled, the strict readings) and
fresh draws per scale (the authors' habit, the paper readings); kick.noise-equivalence reuses both scans.
"""
from __future__ import annotations

from hmmrnn.analysis import connectivity, timescales as ts
from hmmrnn.cells import unit_weights
from hmmrnn.errors import ClaimError
from hmmrnn.subject import kick_groups

POP_SIZE = 70  # the paper's integrating populations: 70 neurons, two groups of about 35

NO_KICK_PAIR = ("controls: untrained (kick groups 1->0, 1->2) and shuffled (0->2 only) have no pair of opposite "
                "kick groups and pre-bifurcation has no kick groups: the claim is an ERROR on them")


def kick_pair(s) -> tuple[dict, dict]:
    """({direction: kick group}, {direction: the integrating population that drives it}) for the first pair of
    opposite switch directions among the discovered kick groups (connectivity.integrating_populations with 70
    neurons: the first population excites the first group, the second the second); ClaimError without one."""
    groups = kick_groups(s).neurons_by_direction()
    pair = ts.opposite_pair(groups)
    if pair is None:
        found = ", ".join(f"{a}->{c}" for a, c in sorted(groups))
        raise ClaimError(f"no pair of opposite switch directions among the kick groups (found {found})")
    A, B = groups[pair[0]], groups[pair[1]]
    P, Q = connectivity.integrating_populations(unit_weights(s.model).numpy(), A, B, POP_SIZE)
    return {pair[0]: A, pair[1]: B}, {pair[0]: P, pair[1]: Q}


def scan(s, paired: bool) -> ts.Scan:
    return s.shared(ts.scale_scan, s.model, scales=ts.SCALES, paired=paired)


def scale_axis(ax, scales) -> None:
    """A log x axis ticked at the input scales, labelled plainly."""
    ax.set_xscale("log")
    ax.set_xticks(list(scales), [f"{v:g}" for v in scales])
    ax.minorticks_off()
