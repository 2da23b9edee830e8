"""Does the kick triplet found by discovery hinge on the claims seed? (issue 12, gap 2)

For one checkpoint and several claims seeds: the triplet per switch direction found from one noise run
(today's strict reading) and from DRAWS pooled runs (mean score with a 95% interval), and whether
silencing it traps (kick.ablation, the strict claim's ratio; <= 0.10 traps).
Usage: python benchmarks/kick_discovery_seeds.py CKPT [--seeds 1 2 3 20251025] [--draws 8]
"""
from __future__ import annotations

import argparse

from hmmrnn.analysis import kick
from hmmrnn.checkpoint import load


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 20251025])
    ap.add_argument("--draws", type=int, default=8)
    a = ap.parse_args()
    model = load(a.checkpoint).model
    print(f"{a.checkpoint}; draws {a.draws}; seeds {a.seeds}")
    print("seed | draws | direction | triplet | scores [95% interval] | single draws choosing it | separated | ablated ratio")
    for seed in a.seeds:
        for draws in (1, a.draws):
            found = kick.discover(model, seed, group_size=3, draws=draws)
            effect = kick.ablation(model, found, seed=seed)
            for d, g in sorted(found.groups.items()):
                st = g.stability or {}
                iv = g.interval
                scores = ", ".join(f"{s:.2f}" + (f" [{lo:.2f}, {hi:.2f}]" if iv else "")
                                   for s, (lo, hi) in zip(g.scores, iv or [(0, 0)] * len(g.scores)))
                print(f"{seed} | {draws} | {d[0]}->{d[1]} | {sorted(g.neurons)} | {scores} | "
                      f"{st.get('same_group_in_single_draws', '-')} | {st.get('separated', '-')} | "
                      f"{effect[f'{d[0]}->{d[1]}']['ablated_ratio']:.3f}", flush=True)


if __name__ == "__main__":
    main()
