"""Command line: ``hmmrnn train | sweep | fixture | thin | controls | check | audit``."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .rnn import CELLS
from .train import LOSSES


class _Parser(argparse.ArgumentParser):
    """argparse that answers a bad argument with one line (and exit status 2), not usage plus a line."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message}\n")


def _int_at_least(low: int):
    """An argparse type: an integer >= low; the error names what is accepted."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if v < low:
            raise argparse.ArgumentTypeError(f"{v}: must be at least {low}")
        return v
    return parse


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not v > 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"{text}: must be a positive finite number")
    return v


def _clip(text: str) -> float:
    """A gradient-norm clip: a positive finite number, or 0 for no clipping."""
    return 0.0 if text.strip() in ("0", "0.0") else _positive_float(text)


def _device(text: str) -> str:
    if text not in ("auto", "cpu") and not re.fullmatch(r"cuda(:\d+)?", text):
        raise argparse.ArgumentTypeError(f"{text!r}: use auto, cpu or cuda (cuda:N)")
    return text


POS, NONNEG = _int_at_least(1), _int_at_least(0)


def _train(a) -> int:
    import torch

    from .checkpoint import CheckpointError
    from .hmm import HMMSpecError
    from .limits import RolloutTooLarge
    from .train import TrainConfig, Trainer, TrainingDiverged
    if a.device.startswith("cuda") and not torch.cuda.is_available():
        print(f"hmmrnn train: --device {a.device}: no CUDA device here (use auto or cpu)", file=sys.stderr)
        return 2
    if a.change and not a.continue_from:
        print("hmmrnn train: --change lets a run continued from a checkpoint (--continue-from) set another --lr or "
              "--clip; there is none here", file=sys.stderr)
        return 2
    try:
        cfg = TrainConfig(hmm=a.hmm, hidden=a.hidden, inputs=a.input, cell=a.cell, bias=a.bias, epochs=a.epochs,
                          seed=a.seed, batch=a.batch, clip=a.clip, seq_len=a.seq_len, evolution_every=a.evolution_every,
                          device=a.device, n_sequences=a.n_sequences, until_converged=a.until_converged, loss=a.loss,
                          lr=a.lr)
        if a.threads:
            torch.set_num_threads(a.threads)
        if a.seeds is not None or a.out_root is not None:
            if cfg.loss != "sinkhorn":
                print(f"hmmrnn train: --loss {cfg.loss} trains one seed per process (--seed, --out); batched seeds "
                      "use the Sinkhorn divergence only", file=sys.stderr)
                return 2
            return _train_seeds(a, cfg)
        trainer = Trainer(cfg, Path(a.out))
    except HMMSpecError as e:
        print(f"hmmrnn train: --hmm {e}", file=sys.stderr)
        return 2
    except RolloutTooLarge as e:
        print(f"hmmrnn train: {e}", file=sys.stderr)
        return 2
    resumed = trainer.resume() if not a.restart else False
    if not resumed and a.continue_from:
        try:
            trainer.start_from(a.continue_from, change=tuple(a.change or ()))
        except CheckpointError as e:
            print(f"hmmrnn train: --continue-from {e}", file=sys.stderr)
            return 2
    c = trainer.cfg
    print(f"hmmrnn train: {trainer.hmm.name} H={c.hidden} d={c.inputs} seq_len={c.seq_len} seed={c.seed} "
          f"device={c.device} -> {a.out}" + (f" (resuming after epoch {trainer.epoch})" if resumed else "")
          + (f" (continued from {c.continue_from['path']} at epoch {c.continue_from['epoch']})" if c.continue_from else ""),
          file=sys.stderr)
    try:
        final = trainer.fit(progress=not a.quiet)
    except TrainingDiverged as e:
        print(f"hmmrnn train: {e}", file=sys.stderr)
        return 1
    print(final)
    return 0


def _train_seeds(a, cfg) -> int:
    """``hmmrnn train --seeds S --out-root DIR``: the seeds batched in this process (hmmrnn.batched), seed s into
    DIR/NAME; exit 1 when a seed diverged (the others are trained), 2 for bad input."""
    from .batched import BatchedTrainer, train_command
    from .manifest import write_seeds
    from .sweep import parse_seeds
    if a.seeds is None or a.out_root is None:
        print("hmmrnn train: --seeds and --out-root go together (one seed: --seed and --out)", file=sys.stderr)
        return 2
    if a.continue_from:
        print("hmmrnn train: --continue-from takes one run; train it with --seed and --out", file=sys.stderr)
        return 2
    try:
        seeds = parse_seeds(a.seeds)
    except ValueError as e:
        print(f"hmmrnn train: --seeds {e}", file=sys.stderr)
        return 2
    try:
        bt = BatchedTrainer.for_seeds(cfg, seeds, Path(a.out_root), log=lambda s: print(f"hmmrnn train: {s}",
                                                                                        file=sys.stderr))
        resumed = bt.resume() if not a.restart else [False] * len(seeds)
    except (ValueError, SystemExit) as e:  # SystemExit: a seed's folder holds a run of another configuration
        print(f"hmmrnn train: {e}", file=sys.stderr)
        return 2
    c, epochs = bt.cfg, sorted({t.epoch for t in bt.trainers})
    print(f"hmmrnn train: {bt.trainers[0].hmm.name} H={c.hidden} d={c.inputs} seq_len={c.seq_len} "
          f"{len(seeds)} seeds batched ({a.seeds}) device={c.device} -> {a.out_root}"
          + (f" (resuming {sum(resumed)} seeds after epoch {'/'.join(map(str, epochs))})" if any(resumed) else ""),
          file=sys.stderr)
    if c.device == "cpu" and len(seeds) > 1:
        print("hmmrnn train: note: on a CPU, seeds batched are not faster than seeds trained one by one (README, "
              "benchmarks/batched_training.py); batching is for a GPU", file=sys.stderr)
    finals = bt.fit(progress=not a.quiet)
    write_seeds(bt, Path(a.out_root), train_command(c, a.seeds, Path(a.out_root)))
    for f in finals:
        if f is not None:
            print(f)
    return 1 if bt.diverged else 0


def _sweep(a) -> int:
    """Seeds of one configuration as Ray tasks (hmmrnn.sweep); exit 1 when a run failed."""
    try:
        import ray  # noqa: F401  (only to fail early, with one line, when the extra is missing)
    except ImportError:
        print("hmmrnn sweep: needs Ray; pip install hmmrnn[sweep]", file=sys.stderr)
        return 2
    from .hmm import HMMSpecError
    from .sweep import parse_seeds, run_sweep
    try:
        seeds = parse_seeds(a.seeds)
    except ValueError as e:
        print(f"hmmrnn sweep: --seeds {e}", file=sys.stderr)
        return 2
    try:
        got = run_sweep(a.hmm, seeds, Path(a.out), epochs=a.epochs, hidden=a.hidden, inputs=a.input,
                        n_sequences=a.n_sequences, batch=a.batch, evolution_every=a.evolution_every,
                        seq_len=a.seq_len, ray_address=a.ray_address, num_cpus=a.num_cpus,
                        gpus_per_task=a.gpus_per_task,
                        fixtures_manifest=Path(a.fixtures_manifest) if a.fixtures_manifest else None)
    except HMMSpecError as e:
        print(f"hmmrnn sweep: --hmm {e}", file=sys.stderr)
        return 2
    failed = [g for g in got if "error" in g]
    print(f"hmmrnn sweep: {len(got) - len(failed)} run(s) done, {len(failed)} failed; "
          f"next: hmmrnn audit {a.out}", file=sys.stderr)
    return 1 if failed else 0


def _controls(a) -> int:
    from . import manifest
    from .checkpoint import CheckpointError
    fx = Path(a.fixtures)
    try:
        entries = manifest.build_controls(fx, Path(a.run), a.name, None if a.no_wrong_hmm else a.wrong_hmm, a.seed,
                                          Path(a.early_run) if a.early_run else None)
    except (CheckpointError, ValueError) as e:
        print(f"hmmrnn controls: {e}", file=sys.stderr)
        return 2
    for e in entries:
        if a.audit_only:  # judged in the committed control audit (scripts/audit_controls.py), not in every CI run
            e = {**e, "ci": False, "audit": "controls"}
        manifest.upsert(fx / "manifest.json", e)
        print(f"{e['name']}: {e['control']} -> must fail {', '.join(e['must_fail'])}")
    return 0


def _fixture(a) -> int:
    from . import manifest
    from .checkpoint import CheckpointError
    fx = Path(a.fixtures)
    try:
        e = manifest.trained_entry(fx, Path(a.run), a.name, a.command)
    except (CheckpointError, KeyError) as err:
        print(f"hmmrnn fixture: {err}", file=sys.stderr)
        return 2
    manifest.upsert(fx / "manifest.json", e)
    print(f"{e['name']}: {e['hmm']} seed {e['seed']}, {e['epochs']} epochs, val loss {e['final_val_loss']:.4f}")
    return 0


def _thin(a) -> int:
    from . import runs
    run = Path(a.run)
    if not (run / runs.EVOLUTION).is_dir():
        print(f"hmmrnn thin: {run}: no evolution/ folder", file=sys.stderr)
        return 2
    gone = runs.thin_evolution(run, a.every)
    short = runs.drop_evolution_history(run) if (run / "history.json").is_file() else 0
    print(f"{run}: removed {len(gone)} evolution checkpoints; kept epochs {runs.evolution_epochs(run)}; "
          f"loss history left to history.json in {short} sidecars")
    return 0


def _claims_dir() -> Path:
    """The claim modules: claims/ in a checkout, hmmrnn/claims in an installed wheel (one package, mapped)."""
    from . import claims
    return Path(claims.__file__).resolve().parent


def _pytest_args(a, paths: list[str]) -> list[str]:
    args = [str(_claims_dir()), "-p", "hmmrnn.plugin", "--rootdir", str(_claims_dir().parent), "-q",
            "--report-dir", a.report_dir, "--claims-seed", str(a.claims_seed)]
    for p in paths:
        args += ["--checkpoint", p]
    if a.hmm:
        args += ["--hmm", a.hmm]
    if a.junitxml:
        args += ["--junitxml", a.junitxml]
    if a.runs_dir:
        args += ["--runs-dir", a.runs_dir]
    if a.cell:
        args += ["--cell", a.cell]
    return args + ["--device", a.device] + a.pytest_args


def _check(a) -> int:
    """Validate checkpoints: the claims through pytest, same exit status, same report."""
    import pytest
    return int(pytest.main(_pytest_args(a, a.paths)))


def _audit(a) -> int:
    """Replication audit: every checkpoint under each DIR (a run folder counts by its final.pt)."""
    import pytest
    roots = [Path(d) for d in a.dirs]
    finals = sorted(p for r in roots for p in r.rglob("final.pt"))
    loose = sorted(p for r in roots for p in r.rglob("*.pt") if p.name not in ("final.pt", "best.pt", "state.pt")
                   and "evolution" not in p.parts and p.parent.joinpath("final.pt") != p)
    paths = [str(p) for p in finals + [q for q in loose if not (q.parent / "final.pt").exists()]]
    if a.late:  # the seed observed over its late training: every evolution checkpoint of its last LATE epochs
        from .runs import evolution_epochs, evolution_path
        paths = []
        for f in finals:
            epochs = evolution_epochs(f.parent)
            if not epochs:
                print(f"hmmrnn audit: {f.parent}: no evolution checkpoints; only its final.pt", file=sys.stderr)
                paths.append(str(f))
                continue
            last = epochs[-1]
            paths += [str(evolution_path(f.parent, e)) for e in epochs
                      if e >= last - a.late and (last - e) % a.late_every == 0]
    if not paths:
        print(f"hmmrnn audit: {', '.join(map(str, roots))}: no checkpoints found", file=sys.stderr)
        return 2
    print(f"hmmrnn audit: {len(paths)} checkpoint(s) under {', '.join(map(str, roots))}", file=sys.stderr)
    return int(pytest.main(_pytest_args(a, paths)))


def _claims_options(p) -> None:
    p.add_argument("--hmm", default=None, help="target HMM for checkpoints whose metadata lacks one")
    p.add_argument("--report-dir", default="reports")
    p.add_argument("--device", type=_device, default="cpu", help="where the claims' rollouts run: cpu (default), cuda, cuda:N or auto")
    p.add_argument("--cell", choices=CELLS, default=None,
                   help="the cell of checkpoints whose file cannot tell it (relu or tanh); default: metadata, else relu")
    p.add_argument("--runs-dir", default=None, help="training runs the training claims (P6, P7, P10, P11, P13) read")
    p.add_argument("--claims-seed", type=int, default=None)
    p.add_argument("--junitxml", default=None, help="also write JUnit XML here")


def main(argv=None) -> int:
    p = _Parser(prog="hmmrnn", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train an RNN to emit an HMM's sequences (resumes if OUT has state)")
    t.add_argument("--hmm", default="linear:2", help="linear:S, fully:3, cyclic:4 or a JSON file of matrices")
    t.add_argument("--hidden", type=POS, default=150)
    t.add_argument("--input", type=POS, default=100)
    t.add_argument("--cell", choices=CELLS, default="relu",
                   help="the recurrent cell: relu (the paper's), tanh, gru or lstm (README, Cells)")
    t.add_argument("--bias", action="store_true", help="recurrent and readout biases (the paper's net has none)")
    t.add_argument("--epochs", "--max-epochs", type=NONNEG, default=500, help="epochs (with --until-converged: at most)")
    t.add_argument("--until-converged", type=POS, nargs="?", const=3, default=0, metavar="K",
                   help="stop once the convergence rule (hmmrnn.analysis.convergence) holds at K consecutive "
                        "evolution epochs (default K 3); the rule goes in the metadata")
    one = t.add_mutually_exclusive_group()
    one.add_argument("--seed", type=NONNEG, default=0)
    one.add_argument("--seeds", default=None, metavar="SEEDS",
                     help="0-15, 1,3,5 or 2: train these seeds as one batched model in this process, seed s into "
                          "OUT_ROOT/NAME (like linear2-seed3); resumable, each folder as a lone run writes it")
    t.add_argument("--batch", type=POS, default=4096)
    t.add_argument("--clip", type=_clip, default=None,
                   help="gradient-norm clip (default 0.9 linear, 0.3 others; 0: no clipping)")
    t.add_argument("--lr", type=_positive_float, default=1e-3, help="Adam's learning rate (the paper's: 1e-3)")
    t.add_argument("--seq-len", type=POS, default=None, help="default: the paper's length for the family")
    t.add_argument("--loss", choices=LOSSES, default="sinkhorn",
                   help="sinkhorn (the paper's) or mse, P13's baseline: the i-th RNN and HMM sequences paired by index")
    t.add_argument("--n-sequences", type=_int_at_least(3), default=30000,
                   help="HMM sequences to sample, split in order 1/3 train, 1/3 validation, 1/3 test")
    t.add_argument("--evolution-every", type=POS, default=10, help="keep a checkpoint every k epochs")
    t.add_argument("--device", type=_device, default="auto", help="auto (CUDA when present), cpu or cuda")
    t.add_argument("--threads", type=NONNEG, default=0, help="torch CPU threads (default: torch's choice)")
    t.add_argument("--restart", action="store_true", help="ignore OUT/state.pt and start over")
    t.add_argument("--continue-from", default=None, metavar="CKPT",
                   help="start from this checkpoint's weights and epoch (fresh Adam state; recorded in the metadata)")
    t.add_argument("--change", action="append", choices=("lr", "clip"), default=None,
                   help="with --continue-from: let this run's --lr or --clip differ from the checkpoint's (an "
                        "intervention on the training, recorded in continue_from; repeatable)")
    t.add_argument("--quiet", action="store_true")
    where = t.add_mutually_exclusive_group(required=True)
    where.add_argument("--out")
    where.add_argument("--out-root", default=None, help="with --seeds: the folder of the seeds' run folders")
    t.set_defaults(func=_train)
    w = sub.add_parser("sweep", help="train several seeds as Ray tasks (resumable; needs hmmrnn[sweep])")
    w.add_argument("--hmm", default="linear:2", help="linear:S, fully:3, cyclic:4 or a JSON file of matrices")
    w.add_argument("--seeds", required=True, help="0-9, 1,3,5 or 2")
    w.add_argument("--hidden", type=POS, default=150)
    w.add_argument("--input", type=POS, default=100)
    w.add_argument("--epochs", type=NONNEG, default=500)
    w.add_argument("--batch", type=POS, default=4096)
    w.add_argument("--n-sequences", type=_int_at_least(3), default=30000)
    w.add_argument("--seq-len", type=POS, default=None, help="default: the paper's length for the family")
    w.add_argument("--evolution-every", type=POS, default=10)
    w.add_argument("--out", required=True, help="one folder per run (NAME like linear2-seed3) and manifest.json")
    w.add_argument("--ray-address", default=None, help="an existing Ray cluster (default: a local instance)")
    w.add_argument("--num-cpus", type=int, default=None, help="CPUs of the local instance (default: all)")
    w.add_argument("--gpus-per-task", type=float, default=0, help="GPUs each run asks Ray for (default 0: CPU)")
    w.add_argument("--fixtures-manifest", default=None, help="also add the entries to this manifest.json")
    w.set_defaults(func=_sweep)
    f = sub.add_parser("fixture", help="add a trained run's final checkpoint to fixtures/manifest.json")
    f.add_argument("--run", required=True, help="training output folder (holds final.pt)")
    f.add_argument("--name", required=True)
    f.add_argument("--command", required=True, help="the command that trained it (provenance)")
    f.add_argument("--fixtures", default="fixtures")
    f.set_defaults(func=_fixture)
    n = sub.add_parser("thin", help="keep a run's evolution checkpoints every N epochs (and the last)")
    n.add_argument("--run", required=True, help="training output folder (evolution/)")
    n.add_argument("--every", type=POS, default=20)
    n.set_defaults(func=_thin)
    c = sub.add_parser("controls", help="build the negative controls of a trained run into fixtures/controls")
    c.add_argument("--run", required=True, help="training output folder (final.pt, evolution/)")
    c.add_argument("--name", required=True, help="name of the trained fixture the controls derive from")
    c.add_argument("--wrong-hmm", default="linear:3", help="target HMM of the wrong-hmm control")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--no-wrong-hmm", action="store_true", help="build no wrong-hmm control")
    c.add_argument("--early-run", default=None, metavar="DIR",
                   help="a shorter run of the same seed with the early evolution checkpoints (pre-bifurcation)")
    c.add_argument("--audit-only", action="store_true",
                   help="judged in fixtures/audits/controls.json (scripts/audit_controls.py), not in every CI run")
    c.add_argument("--fixtures", default="fixtures")
    c.set_defaults(func=_controls)
    k = sub.add_parser("check", help="validate checkpoints: run every claim on them (exit status of pytest)")
    k.add_argument("paths", nargs="+", metavar="PATH")
    _claims_options(k)
    k.set_defaults(func=_check)
    u = sub.add_parser("audit", help="replication audit over a folder of checkpoints (seeds, families)")
    u.add_argument("dirs", nargs="+", metavar="DIR")
    u.add_argument("--late", type=NONNEG, default=0, metavar="EPOCHS",
                   help="judge every evolution checkpoint of each run's last EPOCHS epochs (named RUN@EPOCH), not "
                        "only final.pt: per claim and seed the fraction of late checkpoints that pass")
    u.add_argument("--late-every", type=POS, default=10, metavar="K",
                   help="with --late: only the checkpoints every K epochs back from the last one (default 10)")
    _claims_options(u)
    u.set_defaults(func=_audit)
    a, extra = p.parse_known_args(argv)
    if extra and a.cmd not in ("check", "audit"):
        p.error(f"unrecognized arguments: {' '.join(extra)}")
    a.pytest_args = [x for x in extra if x != "--"]  # check/audit pass the rest to pytest (-n auto, -k ...)
    if getattr(a, "claims_seed", 0) is None:
        from .registry import DEFAULT_SEED
        a.claims_seed = DEFAULT_SEED
    try:
        return a.func(a)
    except KeyboardInterrupt:
        print("interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
