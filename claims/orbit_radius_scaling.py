"""Paper 4.1, Fig 3D: "under noise the state rotates along a closed orbit whose radius grows
linearly with the input scale".

Strict reading: PCA(2) of a scale-1 run, the radius at each input scale and its linear fit, with the rotation
that separates a trained orbit from the controls. Paper reading: the authors' figure (state density per scale,
whether the scale-1 cloud surrounds the fixed point). ``orbit_rule()`` is this claim's rotation rule, read by the
claims that ask whether a network has an orbit.
"""
from __future__ import annotations

from pathlib import Path

from hmmrnn import cells
from hmmrnn.analysis import orbit
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.plotting import plt, save


def recipe(s, reading: str) -> dict:
    if reading == "paper":
        return s.shared(orbit.paper_orbit, s.model, scales=orbit.PAPER_SCALES)
    return s.shared(orbit.radius_scaling, s.model, scales=orbit.SCALES)


def orbit_rule() -> dict:
    """The orbit claim's own rotation rule: whether a network has an orbit, for the claims that ask."""
    return orbit.orbit_rule(CLAIM.thresholds)


def figure(d: dict, path: Path, title: str) -> Path:
    """PCA orbit with the projected fixed point, and radius vs input scale with the linear fit."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.6))
    for tr in d["proj"]:
        a1.plot(tr[:, 0], tr[:, 1], lw=0.5, alpha=0.7)
    a1.plot(*d["fp"], "k*", ms=12, label="fixed point")
    a1.set(xlabel="PC1", ylabel="PC2", title=title)
    a1.legend(loc="best", fontsize=7)
    s, r = d["scales"], d["radii"]
    a, c = d["fit"]
    a2.plot(s, r, "o", label="median radius")
    a2.plot(s, a * s + c, "-", label=f"r = {a:.3g} s + {c:.2g}")
    a2.set(xlabel="input scale s (noise s.d.)", ylabel="radius in PC1-PC2")
    a2.legend(fontsize=7)
    return save(fig, path)


CLAIM = Claim(
    id="orbit.radius-scaling", title="Under noise the state rotates on a closed orbit whose radius grows linearly with input scale",
    section="4.1, Fig 3D, App. H",
    statistic="PCA(2) of a scale-1 run; median PC-plane distance from the projected fixed point at s in "
              "{0.25,...,4}; fit r = a s + c; rotation coherence, revolutions per 1000 steps, and the share of "
              "variance in the PC1-PC2 plane",
    thresholds=(T("r_squared", ">=", 0.99, "SPEC", ("P31",)),
                T("slope", ">", 0.0, "SPEC", ("P31",)),
                T("intercept_rel", "<", 0.05, "|c| small against r(s=1)", ("P31",)),
                T("rotation_coherence", ">=", 0.2, "fixture 0.33 vs untrained 0.025, pre-bifurcation 0.032", ("P16", "P18")),
                T("revolutions_per_1000", ">=", 10.0, "fixture 13.4 vs untrained 6.2, pre-bifurcation 8.0 (thin)", ("P16", "P18")),
                T("pc_variance_explained", ">=", 0.5,
                  "the orbit is planar: fixture 0.71 vs shuffled 0.27, pre-bifurcation 0.09, untrained 0.05", ("P16",))),
    by_construction="radius linearity holds for every bias-free net (homogeneity); only the rotation separates",
    controls=("untrained", "pre-bifurcation", "shuffled"), key="rotation_coherence",
    notes=("Sub-check expected to fail: the paper labels its sweep 'variance', but radius ~ s = sqrt(variance); "
           "the exponent against variance (statistic variance_exponent) is 0.5, so 'linear in variance' does not hold.",),
    paper=Reading(
        "paper", "the authors' figure: PCA(2) of a noisy run, state density at s in {0.1, 1, 2, 3, 4} (passed as std, "
                 "labelled variance); radius = median distance from the projected fixed point; how the scale-1 cloud "
                 "surrounds the fixed point",
        (T("radius_grows", "==", True, "the radius grows with the input (the figure's order)", ("P31",)),
         T("r_squared", ">=", 0.99, "'linearly', against the values the figure passed (holds by construction)", ("P31",)),
         T("max_empty_arc_deg", "<=", 90.0, "orbital: the cloud surrounds the fixed point, no quarter turn of directions "
           "left empty (post hoc, issue 20, fixed from linear2-seed0 0.42 vs shuffled 279.5; untrained 1.5, "
           "pre-bifurcation 0.34 and line-attractor 1.1 surround it too and fail the hole); it replaced a 2% share per "
           "30-degree sector, which held-out networks miss only in their sparse fast-passage sectors", ("P16",)),
         T("centre_density_ratio", "<", 1.0, "a hole at the fixed point: less dense there than on the ring (the literal "
           "cut), measured on 4 scale-1 runs pooled (analysis.orbit.hole_density, issue 33): linear2-seed0 0.76 vs "
           "pre-bifurcation 1.97, untrained 1.79, line-attractor 3.24; shuffled 0.0, but its cloud does not surround "
           "the fixed point (empty arc 279.5)", ("P16",))),
        controls=("untrained", "pre-bifurcation", "shuffled"),
        superseded=((T("sector_coverage", "==", 1.0, "orbital: every 30-degree sector holds >= 2% of the states (the "
                       "cut until issue 20)", ("P16",)), "max_empty_arc_deg"),
                    (T("centre_density_ratio_single", "<", 1.0, "the hole on one run of 16 x 1000 states (the cut until "
                       "issue 33): its PC plane moved with the draws, so one checkpoint's verdict did (linear2-seed0's "
                       "epoch 300: 0.71, 0.96, 1.12, 0.82 under claims seeds 20251025, 1, 2, 3; pooled over 4 runs "
                       "0.76, 0.81, 0.95, 0.90)", ("P16",)), "centre_density_ratio"))),
    central="a closed orbit under noise, its radius growing with the input",
    recipe=recipe, figure=figure,
    cells=(cells.general(f"the orbit plane is the PCA plane of the noise-driven full states; {cells.FULL_STATE}"),),
)
