"""Seed-epochs per second of batched multi-seed training (hmmrnn.batched.BatchedTrainer) for N seeds at once.

    python benchmarks/batched_training.py --device cuda                          # N = 1, 4, 16, 64, paper sizes
    python benchmarks/batched_training.py --seeds 1,4 --n-sequences 600 --threads 1   # a short CPU run

The configuration is the paper's linear:2 run (H=150, d=100, batch 4096, sequence length 100, 30 000 sequences:
10 000 train and 10 000 validation per seed and epoch) unless options say otherwise; --n-sequences lowers the
sequences per epoch (and so the batch, at most a third of them) for a CPU. Each N trains WARMUP epochs (not
timed: start-up, first allocations), then resumes and trains EPOCHS more, timed as BatchedTrainer.timing counts
them: the epochs themselves plus the bookkeeping every run does (copying rows back, state.pt per seed each epoch,
evolution checkpoints every --evolution-every epochs), into a temporary folder. On CUDA, unless
HMMRNN_MEMORY_GIB is set, the memory budget is 90% of the GPU's memory (the default 8 GiB is a CPU process's).
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmmrnn.batched import BatchedTrainer  # noqa: E402
from hmmrnn.sweep import parse_seeds  # noqa: E402
from hmmrnn.train import TrainConfig  # noqa: E402


def device_name(device: str) -> str:
    if device.startswith("cuda"):
        return torch.cuda.get_device_name(torch.device(device))
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()}, {torch.get_num_threads()} threads"
    except OSError:
        pass
    return f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def peak_memory_gib(device: str) -> float:
    """The process's peak: GPU memory allocated on CUDA, resident set size on the CPU."""
    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated(torch.device(device)) / 2**30
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # kiB on Linux


def measure(n: int, base: TrainConfig, warmup: int, epochs: int, root: Path) -> dict:
    """Train seeds 0..n-1 for warmup epochs, then resume them for `epochs` more; the timed part's rates."""
    seeds = list(range(n))
    first = TrainConfig(**{**base.__dict__, "epochs": warmup})
    BatchedTrainer.for_seeds(first, seeds, root, log=lambda s: None).fit(progress=False)
    if base.device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats(torch.device(base.device))
    bt = BatchedTrainer.for_seeds(TrainConfig(**{**base.__dict__, "epochs": warmup + epochs}), seeds, root,
                                  log=lambda s: print(f"  {s}", flush=True))
    bt.resume()
    t0 = time.perf_counter()
    bt.fit(progress=False)
    wall = time.perf_counter() - t0
    tm = bt.timing
    return {"n": n, "seed_epochs": tm["seed_epochs"], "epoch_s": tm["epochs"] / epochs,
            "rate": tm["seed_epochs"] / (tm["epochs"] + tm["writes"]), "compute_rate": tm["seed_epochs"] / tm["epochs"],
            "writes_share": tm["writes"] / (tm["epochs"] + tm["writes"]), "fit_wall": wall,
            "peak_gib": peak_memory_gib(base.device), "diverged": len(bt.diverged)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cpu", help="cpu (default), cuda or cuda:N")
    p.add_argument("--seeds", default="1,4,16,64", help="the numbers of seeds N to measure, e.g. 1,4,16,64")
    p.add_argument("--hmm", default="linear:2")
    p.add_argument("--hidden", type=int, default=150)
    p.add_argument("--input", type=int, default=100)
    p.add_argument("--batch", type=int, default=4096)
    p.add_argument("--seq-len", type=int, default=None, help="default: the paper's length for the family (100)")
    p.add_argument("--n-sequences", type=int, default=30000, help="per seed; a third train, a third validation")
    p.add_argument("--evolution-every", type=int, default=10)
    p.add_argument("--warmup", type=int, default=1, help="untimed epochs before the timed ones")
    p.add_argument("--epochs", type=int, default=3, help="timed epochs")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's choice)")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    if a.device.startswith("cuda"):
        if not torch.cuda.is_available():
            print(f"--device {a.device}: no CUDA device here", file=sys.stderr)
            return 2
        if "HMMRNN_MEMORY_GIB" not in os.environ:
            total = torch.cuda.get_device_properties(torch.device(a.device)).total_memory
            os.environ["HMMRNN_MEMORY_GIB"] = f"{0.9 * total / 2**30:.1f}"
    ns = parse_seeds(a.seeds)
    base = TrainConfig(hmm=a.hmm, hidden=a.hidden, inputs=a.input, batch=a.batch, seq_len=a.seq_len,
                       n_sequences=a.n_sequences, evolution_every=a.evolution_every, device=a.device).resolved()
    third = base.n_sequences // 3
    print(f"batched training, {base.hmm} H={base.hidden} d={base.inputs} seq_len={base.seq_len} batch "
          f"{min(base.batch, third)} ({third} train + {third} validation sequences per seed-epoch), {a.warmup} "
          f"untimed + {a.epochs} timed epochs; {device_name(a.device)}; torch {torch.__version__}; "
          f"memory budget {os.environ.get('HMMRNN_MEMORY_GIB', '8 (default)')} GiB", flush=True)
    rows = []
    for n in ns:
        with tempfile.TemporaryDirectory(prefix=f"batched{n}-") as tmp:
            rows.append(measure(n, base, a.warmup, a.epochs, Path(tmp)))
        r = rows[-1]
        print(f"  N={n}: {r['rate']:.2f} seed-epochs/s ({r['epoch_s']:.2f} s per batched epoch)", flush=True)
    print()
    print("| N seeds | seed-epochs/s | seed-epochs/s, epochs alone | s per batched epoch | bookkeeping share | "
          "peak memory GiB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['n']} | {r['rate']:.2f} | {r['compute_rate']:.2f} | {r['epoch_s']:.2f} | "
              f"{100 * r['writes_share']:.0f}% | {r['peak_gib']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
