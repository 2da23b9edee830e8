"""Paper App. H: "the second-order response scales with the noise variance and has kick neurons among its top
components".

The second-order response of one reading (``response``) is shared with the perturbative claim
(second_order_perturbative reads the same cached response). Strict reading: the displacement E[F(h, s xi)] - F(h, 0)
with antithetic draws; paper reading: the authors' 10-step perturbative recursion.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hmmrnn import cells
from hmmrnn.analysis import second_order
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.plotting import plt, save
from hmmrnn.subject import kick_groups


def response(s, reading: str) -> dict:
    """The second-order response of a reading, computed once per checkpoint (the perturbative claim reads it too):
    strict, the displacement of the step; paper, the authors' recursion."""
    if reading == "paper":
        return s.shared(second_order.paper_recursion, s.model)
    return s.shared(second_order.displacement, s.model)


def _kicks_counted(s, response: dict) -> dict:
    """The shared second-order response (the perturbative claim reads it too) with its kick neurons counted."""
    return {**response, "kick_in_top10": second_order.kicks_in(response["top10"], kick_groups(s).neurons)}


def recipe(s, reading: str) -> dict:
    return _kicks_counted(s, response(s, reading))


def figure(d: dict, path: Path, title: str) -> Path:
    """Norm of the expected second-order displacement against the noise variance (log-log)."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    v = d["sigmas"] ** 2
    ax.loglog(v, d["norms"], "o-", label="|E[d2]|")
    ax.loglog(v, d["norms"][0] * v / v[0], "k--", lw=0.8, label="slope 1 (linear in variance)")
    ax.loglog(v, d["norms"][0] * np.sqrt(v / v[0]), "k:", lw=0.8, label="slope 1/2")
    ax.set(xlabel="noise variance s^2", ylabel="|E[d2]|", title=title)
    ax.legend(fontsize=7)
    return save(fig, path)


CLAIM = Claim(
    id="second-order.variance", title="The second-order response scales with the noise variance, kick neurons among its top components",
    section="App. H",
    statistic="E[F(h, s xi)] - F(h, 0) with antithetic draws, averaged over visited states, s in {0.25, 0.5, 1, 2}; "
              "exponent of its norm against s^2; kick neurons among its 10 largest components",
    thresholds=(T("variance_exponent", ">=", 0.75, "scales with variance (exponent 1)", ("P35",)),
                T("variance_exponent", "<=", 1.25, "scales with variance (exponent 1)", ("P35",)),
                T("kick_in_top10", ">=", 1, "kick neurons among the top components", ("P36",))),
    controls=("untrained",), key="variance_exponent",
    paper=Reading(
        "paper", "the authors' 10-step perturbative recursion of the noise-free relaxation, 20 trials; E[d2] over "
                 "visited states",
        (T("variance_exponent", ">=", 0.9, "proportional to the variance (by construction of the recursion)", ("P35",)),
         T("variance_exponent", "<=", 1.1, "proportional to the variance (by construction of the recursion)", ("P35",)),
         T("kick_in_top10", ">=", 1, "kick neurons among its dominant components", ("P36",))),
        controls=("untrained",)),
    central="the second-order response to the noise",
    recipe=recipe, figure=figure,
    cells=(cells.analogue(f"the displacement of the cell's own step ({cells.FULL_STATE}); {cells.KICK_ANALOGUE}",
                          on=":strict"),
           cells.not_applicable(cells.RECURSION, on=":paper")),
)
