"""Timings of the hot paths: HMM sampling, the Sinkhorn loss (geomloss vs hmmrnn), a training epoch, rollouts.

    python benchmarks/bench.py            # the paper's sizes (minutes on a 2-core CPU)
    python benchmarks/bench.py --quick    # tiny sizes: checks that every section runs
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmmrnn.hmm import parse_spec, sample  # noqa: E402
from hmmrnn.rnn import RNN, draw_noise, rollout  # noqa: E402
from hmmrnn.sinkhorn import sinkhorn_divergence  # noqa: E402
from hmmrnn.train import TrainConfig, Trainer, one_hot_flat, tune_malloc  # noqa: E402

FULL = dict(hmm_n=30_000, hmm_len=100, sk_n=4096, sk_len=100, tr_hidden=150, tr_inputs=100, tr_batch=4096,
            tr_seq=30_000, tr_len=100, ro_batch=1024, ro_steps=500, ro_hidden=150, ro_inputs=100)
QUICK = dict(hmm_n=3_000, hmm_len=20, sk_n=256, sk_len=20, tr_hidden=16, tr_inputs=8, tr_batch=128,
             tr_seq=600, tr_len=10, ro_batch=64, ro_steps=50, ro_hidden=16, ro_inputs=8)
SECTIONS = ("hmm", "sinkhorn", "epoch", "rollout")


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench_hmm(s, repeats):
    hmm = parse_spec("linear:2")
    times = [timed(lambda i=i: sample(hmm, s["hmm_n"], s["hmm_len"], seed=i))[0] for i in range(repeats)]
    print(f"HMM sampling (linear:2, {s['hmm_n']} x {s['hmm_len']}): median {statistics.median(times):.3f} s "
          f"of {repeats} ({', '.join(f'{t:.3f}' for t in times)})")


def bench_sinkhorn(s, repeats):
    from geomloss import SamplesLoss

    n, L = s["sk_n"], s["sk_len"]
    hmm = parse_spec("linear:2")
    _, a = sample(hmm, n, L, seed=0)
    g = torch.Generator().manual_seed(1)
    b = torch.multinomial(torch.tensor([0.45, 0.1, 0.45]), n * L, replacement=True, generator=g).reshape(n, L)
    y = one_hot_flat(torch.from_numpy(a), 3)
    x0 = one_hot_flat(b, 3)
    w0 = torch.randn(x0.shape, generator=g)

    def run(fn):
        w = w0.clone().requires_grad_(True)
        loss = fn(x0 + w - w.detach(), y)  # straight-through: forward is one-hot, gradient reaches w
        loss.backward()
        return float(loss.detach())

    ref = SamplesLoss("sinkhorn", p=2, blur=0.2)
    results = {}
    for name, fn in (("geomloss SamplesLoss", ref), ("hmmrnn.sinkhorn", lambda u, v: sinkhorn_divergence(u, v, 0.2))):
        runs = [timed(lambda: run(fn)) for _ in range(repeats)]
        t = statistics.median(r[0] for r in runs)
        results[name] = (t, runs[0][1])
        print(f"Sinkhorn forward+backward, {name} ({n} x {n} one-hot sequences of length {L}, D={3 * L}): "
              f"median {t:.3f} s of {repeats}, value {runs[0][1]:.6f}")
    (tg, vg), (th, vh) = results["geomloss SamplesLoss"], results["hmmrnn.sinkhorn"]
    print(f"Sinkhorn: geomloss / hmmrnn time ratio {tg / th:.2f}x; relative value difference {abs(vg - vh) / abs(vg):.2e}")


def bench_epoch(s, epochs=2):
    tune_malloc()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = TrainConfig(hmm="linear:2", hidden=s["tr_hidden"], inputs=s["tr_inputs"], batch=s["tr_batch"],
                          n_sequences=s["tr_seq"], seq_len=s["tr_len"], epochs=epochs, device="cpu")
        t_build, trainer = timed(lambda: Trainer(cfg, Path(tmp), log=lambda *a, **k: None))
        n = len(trainer.train_data)
        print(f"Training epoch (S=2, H={cfg.hidden}, d={cfg.inputs}, batch {cfg.batch}, seq_len {cfg.seq_len}, "
              f"{n} train + {len(trainer.val_data)} validation sequences); Trainer built in {t_build:.2f} s")
        for _ in range(epochs):
            t, rec = timed(trainer.run_epoch)
            trainer.epoch = rec["epoch"]
            print(f"  epoch {rec['epoch']}: {t:.2f} s (train loss {rec['train']:.5f}, val {rec['val']:.5f})")


@torch.no_grad()
def bench_rollout(s, repeats):
    B, T, H, d = s["ro_batch"], s["ro_steps"], s["ro_hidden"], s["ro_inputs"]
    model = RNN(H, d, 3, generator=torch.Generator().manual_seed(0))
    noise = draw_noise(B, T, d, seed=1)
    times = [timed(lambda: rollout(model, noise, record="all"))[0] for _ in range(repeats)]
    t = statistics.median(times)
    print(f"Rollout (B={B}, T={T}, H={H}, d={d}, record='all', no grad): median {t:.3f} s of {repeats}, "
          f"{B * T / t:,.0f} state-steps/s")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny sizes, to check that the script runs")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--repeats", type=int, default=3, help="repetitions for the median timings")
    p.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="sections to run")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    s = QUICK if a.quick else FULL
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU: {cpu_name()}, "
          f"python {platform.python_version()}" + (" [--quick sizes]" if a.quick else ""))
    for name in a.only:
        {"hmm": lambda: bench_hmm(s, a.repeats), "sinkhorn": lambda: bench_sinkhorn(s, a.repeats),
         "epoch": lambda: bench_epoch(s), "rollout": lambda: bench_rollout(s, a.repeats)}[name]()
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
