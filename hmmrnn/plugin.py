"""pytest plugin: options, the case/checkpoint fixtures, verdict capture and the claims report.

Wiring only: the claims are the modules of ``hmmrnn.claims`` (collected by ``hmmrnn.collection``), verdicts
and result rows in ``hmmrnn.rows``, the report in ``hmmrnn.report``; the rows of a run are held by a
``ClaimsSession`` registered as a plugin. Registered by the root conftest.py and as the ``pytest11`` entry point.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from . import __version__, collection, journal, precision, rows
from .cases import RUNS, Case, cohort, cohort_known_fail, from_manifest, from_paths, runs_case
from .cells import one_cell
from .checkpoint import Checkpoint, CheckpointError, load
from .hmm import HMMSpecError, parse_spec
from .limits import refuse_for_claims
from .claim import resolve_target
from .collection import claim_group, reading_of
from .registry import DEFAULT_SEED, READINGS, Claim, ClaimError
from .rnn import CELLS
from .serial import jsonable


RESULT_KEY = "hmmrnn_result"
_state = pytest.StashKey[dict]()
_RECORD = pytest.StashKey[dict]()


def pytest_addoption(parser):
    g = parser.getgroup("hmmrnn", "hmmrnn claims")
    g.addoption("--checkpoint", action="append", default=[], metavar="PATH",
                help="checkpoint file or folder of checkpoints (repeatable); default: the fixtures' manifest")
    g.addoption("--hmm", default=None, metavar="SPEC",
                help="target HMM for checkpoints whose metadata lacks one: linear:S, fully:3, cyclic:4 or a JSON file")
    g.addoption("--claims-seed", type=int, default=DEFAULT_SEED, metavar="N", help="seed of every random draw")
    g.addoption("--report-dir", default="reports", metavar="DIR", help="where the claims report is written")
    g.addoption("--claims-json", default=None, metavar="FILE", help="results JSON (default DIR/results.json)")
    g.addoption("--fixtures-dir", default=None, metavar="DIR", help="fixtures folder (default <rootdir>/fixtures)")
    g.addoption("--reading", default="all", choices=(*READINGS, "all"),
                help="which reading of every claim runs: paper (the authors' statistic and protocol), strict "
                     "(the harness's test) or all (default)")
    g.addoption("--resume", action="store_true",
                help="keep the rows an interrupted run left in its journal (beside the results JSON) and run only "
                     "the claims it had not finished; the report holds both")
    g.addoption("--runs-dir", default=None, metavar="DIR",
                help="folder of training runs the claims about training decide over (default <fixtures>/runs; "
                     "with --checkpoint they run only when this is given)")
    g.addoption("--device", default="cpu", metavar="DEV",
                help="where the rollouts run: cpu (default), cuda, cuda:N or auto (CUDA when present); the noise is "
                     "drawn on the CPU either way, so the verdicts are the CPU's up to the device's float arithmetic")
    g.addoption("--cell", default=None, choices=CELLS, metavar="CELL",
                help="the cell of checkpoints whose file cannot tell it (relu or tanh: the same weights); default: "
                     "their metadata's, else relu, which the run then says it assumed")
    g.addoption("--mu-grid", default="coarse", choices=("coarse", "full"),
                help="mu values of the paper's Fig 7 sweep: coarse (CI default) or full (0, 0.1, ..., 2)")


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path, parent):
    """The claims folder is collected as the claim registry (hmmrnn.collection)."""
    return collection.collect_directory(path, parent)


def pytest_cmdline_main(config):
    """Under pytest-xdist, ``-n N`` alone groups a checkpoint's claims on one worker (--dist loadgroup), so what
    they share is computed once; an explicit --dist is kept."""
    args = [str(a) for a in config.invocation_params.args]
    given = any(a == "--dist" or a.startswith("--dist=") or a == "-d" for a in args)
    if getattr(config.option, "numprocesses", None) and getattr(config.option, "dist", "no") in ("no", "load") \
            and not given:
        config.option.dist = "loadgroup"


def worker_threads(cores: int, workers: int) -> int:
    """Torch threads per xdist worker: the cores shared out, at least one (N workers each with every core's
    worth of threads fight over the cores: parallel ran 8x slower than serial on 2 cores)."""
    return max(1, cores // max(1, workers))


def pytest_configure(config):
    if hasattr(config, "workerinput"):  # an xdist worker: its share of the cores, unless OMP_NUM_THREADS says
        import os
        if "OMP_NUM_THREADS" not in os.environ:
            import torch
            torch.set_num_threads(worker_threads(len(os.sched_getaffinity(0)), int(config.workerinput["workercount"])))
    from . import device
    try:
        device.set_compute_device(device.resolve(config.getoption("device")))
    except device.DeviceError as e:
        raise pytest.UsageError(str(e)) from None
    config.addinivalue_line("markers", "xdist_group(name): claims of one checkpoint share a worker (pytest-xdist)")
    fixtures = Path(config.getoption("fixtures_dir") or Path(config.rootpath) / "fixtures")
    paths = config.getoption("checkpoint")
    if config.getoption("hmm"):  # a bad --hmm is a usage error before any claim runs, not an ERROR per claim
        from .hmm import HMMSpecError, parse_spec
        try:
            parse_spec(config.getoption("hmm"))
        except HMMSpecError as e:
            raise pytest.UsageError(f"--hmm {e}") from None
    cases = from_paths(paths, config.getoption("hmm")) if paths else from_manifest(fixtures)
    session = ClaimsSession(config)
    config.pluginmanager.register(session, "hmmrnn-session")
    config.stash[_state] = {"noise": precision.noise_table(fixtures), "resumed_keys": session.resumed_keys(),
                            "cases": cases, "runs_dir": config.getoption("runs_dir") or str(fixtures / "runs"),
                            "models": {}, "shared": {}, "figures": {}, "started": datetime.now(timezone.utc),
                            "cohort_known_fail": {} if paths else cohort_known_fail(fixtures)}


def pytest_report_header(config):
    n = len(config.stash[_state]["cases"])
    from . import device
    return (f"hmmrnn {__version__}: claims seed {config.getoption('claims_seed')} (override with --claims-seed N); "
            f"{n} checkpoint(s); rollouts on {device.name()}")


def pytest_generate_tests(metafunc):
    claim: Claim | None = getattr(metafunc.module, "CLAIM", None)
    if claim is None or "case" not in metafunc.fixturenames:
        return
    st = metafunc.config.stash[_state]
    reading = reading_of(metafunc.function)
    if claim.across == RUNS:  # one verdict over the training runs under --runs-dir
        cases = [runs_case(claim, st["runs_dir"], st["cohort_known_fail"])]
    elif claim.across:  # one verdict over the trained checkpoints of the claim's families
        cases = [cohort(claim, st["cases"], st["cohort_known_fail"])]
    else:
        cases = [c for c in st["cases"] if c.runs(claim, reading)]
    params = []
    for case in cases:
        why = case.expected_fail(claim, reading)
        marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
        marks.append(pytest.mark.xdist_group(case.name))  # -n N --dist loadgroup: one worker per checkpoint
        params.append(pytest.param(case, id=case.name, marks=marks))
    metafunc.parametrize("case", params)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """--dist loadgroup: the claims of one checkpoint go to one worker, so its zone map, kick groups and
    sweeps are computed once. xdist marks the group by rewriting item._nodeid, which pytest 9 no longer
    reads; this scheduler takes the group from the claim's node id instead ("...:reading[checkpoint]")."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class ByCheckpoint(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return claim_group(nodeid) or super()._split_scope(nodeid)
    return ByCheckpoint(config, log)


def pytest_collection_modifyitems(config, items):
    """Test ids read claim-id:reading[checkpoint-name]; --reading keeps one reading."""
    want = config.getoption("reading")
    keep, drop = [], []
    for item in items:
        claim = getattr(getattr(item, "module", None), "CLAIM", None)
        if claim is not None and want != "all" and reading_of(getattr(item, "function", None)) != want:
            drop.append(item)
            continue
        keep.append(item)
    collection.name_items(keep)
    done = config.stash[_state].get("resumed_keys", set())
    if done:
        kept = []
        for item in keep:
            claim = getattr(getattr(item, "module", None), "CLAIM", None)
            case = getattr(getattr(item, "callspec", None), "params", {}).get("case")
            if claim is not None and isinstance(case, Case) \
                    and (claim.id, reading_of(item.function), case.name) in done:
                drop.append(item)
            else:
                kept.append(item)
        keep = kept
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def claims_seed(pytestconfig) -> int:
    return int(pytestconfig.getoption("claims_seed"))


def _loaded(config, path: str):
    """The checkpoint at path, or the CheckpointError it gave, loaded once per session."""
    models = config.stash[_state]["models"]
    if path not in models:
        try:
            models[path] = load(path, cell=config.getoption("cell"))
        except CheckpointError as e:
            models[path] = e
    return models[path]


@pytest.fixture(scope="session")
def mu_grid(pytestconfig) -> str:
    return str(pytestconfig.getoption("mu_grid"))


@pytest.fixture
def checkpoint(case: Case, pytestconfig):
    """The loaded checkpoint; an unreadable one is an ERROR with the loader's one-line reason."""
    ck = _loaded(pytestconfig, case.path)
    if isinstance(ck, CheckpointError):
        raise ClaimError(str(ck))
    refuse_for_claims(case.path, ck.model)
    return ck


@pytest.fixture
def members(case: Case, request, pytestconfig):
    """[(name, target HMM, model)] of a cohort case: its trained checkpoints of the claim's families, of one cell
    (cells.one_cell: the bias-free ReLU's where there are any). Unreadable members and those of another cell are
    left out with a warning; fewer than two members skip the claim."""
    import warnings
    claim = request.module.CLAIM
    out = []
    for m in case.info.get("members", []):
        try:
            ck = _loaded(pytestconfig, m.path)
            if isinstance(ck, CheckpointError):
                raise ck
            hmm = parse_spec(m.hmm) if m.hmm else ck.hmm
        except (CheckpointError, HMMSpecError) as e:
            warnings.warn(f"{m.name} left out of {case.name}: {rows.one_line(e)}")
            continue
        if hmm is None:
            warnings.warn(f"{m.name} left out of {case.name}: no target HMM in its metadata")
        elif claim.applies(hmm.family):
            out.append((m.name, hmm, ck.model))
    out = one_cell(out, decided=case.name)[1]
    if len(out) < 2:
        pytest.skip(f"{claim.id} compares checkpoints: {len(out)} trained {'/'.join(claim.applies_to)} checkpoint(s) here")
    return out


@pytest.fixture
def subject(case: Case, checkpoint, claims_seed, mu_grid, pytestconfig, request):
    """What a claim's recipe runs on: the checkpoint, its target HMM (looked up only by the claims that
    need one), the claims seed, and the cache of what the claims and readings of this checkpoint share
    (zone map, kick groups, sweeps), kept for the session."""
    from .subject import Subject
    cache = pytestconfig.stash[_state]["shared"].setdefault((case.path, claims_seed), {})
    return Subject(path=str(checkpoint.path), model=checkpoint.model, seed=claims_seed, mu_grid=mu_grid,
                   target=lambda: request.getfixturevalue("target_hmm"), cache=cache)


@pytest.fixture
def cohort_subject(case: Case, members, claims_seed, mu_grid, pytestconfig):
    """A claim decided over several checkpoints: the members of the cohort case."""
    from .subject import Subject
    cache = pytestconfig.stash[_state]["shared"].setdefault((case.name, claims_seed), {})
    return Subject(path=case.name, model=None, seed=claims_seed, mu_grid=mu_grid, members=members, cache=cache,
                   member_paths={m.name: m.path for m in case.info.get("members", [])})


@pytest.fixture
def runs_subject(case: Case, claims_seed, mu_grid, pytestconfig):
    """A claim decided over a folder of training runs: the subject's path is the folder (--runs-dir). With
    --checkpoint and no --runs-dir the claim is skipped (validating a checkpoint says nothing of a sweep)."""
    from .subject import Subject
    if pytestconfig.getoption("checkpoint") and not pytestconfig.getoption("runs_dir"):
        pytest.skip("decided over a folder of training runs: give --runs-dir DIR")
    cache = pytestconfig.stash[_state]["shared"].setdefault((case.path, claims_seed), {})
    return Subject(path=case.path, model=None, seed=claims_seed, mu_grid=mu_grid, cache=cache)


@pytest.fixture
def target_hmm(case: Case, checkpoint, pytestconfig, request):
    """The HMM the checkpoint is checked against: the case's, then --hmm, then the checkpoint's metadata."""
    return resolve_target(getattr(request.module, "CLAIM", None), case.path,
                          case.hmm or pytestconfig.getoption("hmm"), checkpoint.hmm, "--hmm")


@pytest.fixture
def record(request, case: Case, claims_seed, pytestconfig):
    """record(claim, stats) -> failed thresholds. Keeps the numbers for the report, draws the claim's
    figure from the analysis's plot data, and returns what the claim's test asserts on."""
    def _record(claim: Claim, stats: dict) -> list[str]:
        reading = claim.reading(reading_of(request.function))
        plot = stats.get("_plot")
        clean, failed, per_row = reading.decide(stats)
        figs = []
        draw = claim.figure_for(reading.name)
        drawn = pytestconfig.stash[_state]["figures"]  # the same plot data (shared by readings) is drawn once
        same = drawn.get((case.path, claim.id, id(plot)))
        if plot is not None and same is not None and same[0] is plot:
            figs.append(same[1])
        elif plot is not None and draw is not None:
            rel = Path("figures") / f"{claim.id}__{reading.name}__{case.name}.png"
            try:
                draw(plot, Path(pytestconfig.getoption("report_dir")) / rel, case.name)
                figs.append(str(rel))
                drawn[(case.path, claim.id, id(plot))] = (plot, str(rel))  # keeps plot alive: its id stays its own
            except Exception as e:  # a broken plot must not hide the verdict
                clean["figure_error"] = f"{type(e).__name__}: {e}"
        request.node.stash[_RECORD] = {"statistics": clean, "failed": failed, "figures": figs, "rows": per_row}
        request.node.user_properties.append(("statistics", json.dumps(jsonable(clean))))
        return failed
    return _record


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    claim: Claim | None = getattr(getattr(item, "module", None), "CLAIM", None)
    case = getattr(getattr(item, "callspec", None), "params", {}).get("case")
    if claim is None or not isinstance(case, Case):  # not a claim, or a claim with no checkpoint to run on
        return
    rd = claim.reading(reading_of(getattr(item, "function", None)))
    if call.excinfo is not None and call.excinfo.errisinstance(pytest.skip.Exception):
        return  # not applicable to this run (no row)
    exc = call.excinfo.value if call.excinfo is not None else None
    label = f"{claim.id}:{rd.name}[{case.name}]"
    if isinstance(exc, rows.ERRORS):  # one line, never a traceback
        report.longrepr = f"ERROR {label}: {rows.one_line(exc)}"
    if call.when == "call" or (call.when == "setup" and exc is not None):
        rec = item.stash.get(_RECORD, None)
        got = rows.classify(exc, rec, label)
        if got.shown:
            report.longrepr = got.shown
        ck = item.config.stash[_state]["models"].get(case.path)
        row = rows.build(claim, rd, case, ck if isinstance(ck, Checkpoint) else None, got, rec,
                         item.config.getoption("claims_seed"), report.duration).to_dict()
        noise = item.config.stash[_state]["noise"]
        row["standard_errors"] = precision.standard_errors(noise, claim.id, rd.name, row["thresholds"], row.get("family"))
        row["near_cut"] = precision.near_cut(claim.id, rd.name, row["statistics"], row["thresholds"], noise,
                                             row.get("family"))
        if row["near_cut"] and isinstance(report.longrepr, str):
            report.longrepr += f" [near the cut: {'; '.join(row['near_cut'])}]"
        report.user_properties.append((RESULT_KEY, json.dumps(jsonable(row))))
        props = [(k, row[k]) for k in ("claim", "reading", "verdict", "expected", "seed", "seconds")]
        props.append(("rows", json.dumps(row["rows"])))
        props.append(("thresholds", json.dumps(row["thresholds"])))
        report.user_properties.extend(props)
        # --junitxml writes the teardown report's properties, which pytest copies from the item: put them
        # there too (not RESULT_KEY, or the row would be collected twice)
        item.user_properties.extend(props)


def pytest_report_teststatus(report, config):
    if report.when == "call" and isinstance(report.longrepr, str) and report.longrepr.startswith("ERROR ") \
            and not hasattr(report, "wasxfail"):
        return "error", "E", "ERROR"


def late_audit(results: dict, fixtures: Path) -> dict:
    """Attach the committed late audits (fixtures/audits) to a fixtures run's results as seed records, and
    check them against this run's rows of the same checkpoints; returns the check per audit."""
    from . import audits, seeds
    store = audits.load_audits(fixtures)
    kept_controls = store.pop("controls", {})  # controls judged outside CI (scripts/audit_controls.py)
    fresh = audits.freshness(store, results)
    try:
        manifest = json.loads((Path(fixtures) / "manifest.json").read_text())
    except (OSError, ValueError):
        manifest = {}
    results["late_audit"] = {
        "families": {h: {k: v for k, v in a["audit"].items()} for h, a in store.items() if not h.startswith("_")},
        "records": [rec for h, a in store.items() if not h.startswith("_") for rec in seeds.collect(a)],
        "errors": store.get("_errors", []), "freshness": fresh,
        # the run that stands for each seed (its run at the paper's length) and whether it converged (the loss
        # rule, recorded when it was trained): the seeds a replication statement counts
        "seed_runs": [{k: r.get(k) for k in ("name", "hmm", "seed", "epochs", "converged", "short")}
                      for r in audits.seed_runs(manifest)],
        "runs": sorted(r["name"] for r in manifest.get("runs", [])),
        "cells": _cells_campaign(Path(fixtures)),
        "controls": [r for r in kept_controls.get("claims", []) if r.get("role") == "control"],
        "controls_audit": {k: v for k, v in (kept_controls.get("audit") or {}).items()},
        "reliability": _reliability(Path(fixtures))}
    return fresh


def _reliability(fixtures: Path) -> dict:
    """The committed test-retest table of the thresholded statistics (scripts/reliability.py); {} when absent."""
    try:
        return json.loads((fixtures / precision.TABLE).read_text())
    except (OSError, ValueError):
        return {}


def _cells_campaign(fixtures: Path) -> dict:
    """The universality campaign's committed status and judged rows (fixtures/campaigns/cells.json, written by
    scripts/campaign_cells.sh): {"runs": {name: status}, "records": late records by cell, "controls": the runs' own
    control results (fixtures/campaigns/cells-controls.json)}; {} when absent."""
    from . import seeds
    path = fixtures / "campaigns" / "cells.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    # a run's late checkpoints (RUN@EPOCH); a claim decided across runs (a cohort) has no row per checkpoint here
    rows = [dict(r, checkpoint=f"{r['run']}@{r['checkpoint'].split('@')[-1]}") for r in data.get("claims", [])
            if "@" in r.get("checkpoint", "") and r["checkpoint"].split("@")[-1].isdigit()]
    recs = seeds.collect({"audit": {}, "claims_meta": data.get("claims_meta", {}), "claims": rows})
    cell = {r["run"]: r.get("cell") for r in data.get("claims", [])}
    for rec in recs:
        rec["hmm"] = cell.get(rec["run"])
    try:  # the runs' own controls (untrained, shuffled within gate blocks, pre-bifurcation), judged beside
        ctl = json.loads((fixtures / "campaigns" / "cells-controls.json").read_text()).get("claims", [])
    except (OSError, ValueError):
        ctl = []
    return {"runs": (data.get("campaign") or {}).get("runs", {}), "records": recs,
            "controls": [r for r in ctl if r.get("role") == "control"]}


class ClaimsSession:
    """The rows of one run (on the controller under xdist: they travel in the reports' user_properties),
    each kept in the journal as it arrives (hmmrnn.journal), and the report written from them at the end.
    With --resume, the journal's rows are taken over and their tests deselected. Registered as a plugin by
    pytest_configure."""

    def __init__(self, config):
        self.config = config
        self.rows: list[dict] = []
        self.written: dict | None = None
        self.fresh: dict = {}
        json_path = config.getoption("claims_json")
        path = journal.path_for(Path(json_path) if json_path else Path(config.getoption("report_dir")) / "results.json")
        worker = hasattr(config, "workerinput")
        self.journal = None if worker else path  # the controller keeps the journal; workers only read it
        if not config.getoption("resume"):
            if not worker:
                path.unlink(missing_ok=True)
            self.resumed: list[dict] = []
            return
        self.resumed = journal.read(path)
        other = journal.seeds(self.resumed) - {config.getoption("claims_seed")}
        if other:
            raise pytest.UsageError(f"--resume: {path} holds rows of claims seed {sorted(other)}, not "
                                    f"{config.getoption('claims_seed')}; use that seed or delete the journal")
        if not worker:
            self.rows = list(self.resumed)

    def resumed_keys(self) -> set:
        """(claim, reading, checkpoint) of the rows taken over from the journal: their tests are deselected."""
        return {journal.key(r) for r in self.resumed}

    def pytest_runtest_logreport(self, report):
        for k, v in getattr(report, "user_properties", []):
            if k == RESULT_KEY:
                row = json.loads(v)
                self.rows.append(row)
                if self.journal is not None:
                    journal.append(self.journal, row)

    def pytest_sessionfinish(self, session, exitstatus):
        config = self.config
        if hasattr(config, "workerinput") or not self.rows:  # xdist worker, or no claim ran
            return
        from .registry import all_claims
        from .device import name as device_name
        from .report import write_report
        st = config.stash[_state]
        results = {"seed": config.getoption("claims_seed"), "started": st["started"].isoformat(timespec="seconds"),
                   "hmmrnn": __version__,
                   "reading": config.getoption("reading"), "mu_grid": config.getoption("mu_grid"),
                   "device": device_name(),
                   "claims_meta": {c.id: rows.claim_meta(c) for c in all_claims()},
                   "claims": sorted(self.rows, key=lambda r: (r["claim"], r["reading"], r["role"] != "trained",
                                                              r["checkpoint"]))}
        if not config.getoption("checkpoint"):  # the fixtures: their committed late audits join the report
            self.fresh = late_audit(results, Path(config.getoption("fixtures_dir") or Path(config.rootpath) / "fixtures"))
            if any(f["diffs"] for f in self.fresh.values()):
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        json_path = config.getoption("claims_json")
        self.written = write_report(results, Path(config.getoption("report_dir")),
                                    json_path=Path(json_path) if json_path else None)
        complete = exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and not session.shouldstop
        if self.journal is not None and complete:  # every row is in the results file; else kept for --resume
            self.journal.unlink(missing_ok=True)

    def pytest_terminal_summary(self, terminalreporter, config):
        for ck in config.stash[_state]["models"].values():
            if getattr(ck, "note", ""):
                terminalreporter.write_line(f"hmmrnn: {ck.note}")
        for hmm, f in self.fresh.items():
            state = (f"STALE: {len(f['diffs'])} of its rows differ" if f["diffs"] else
                     f"{f['compared']} rows recomputed, equal" if f["compared"] else "not checked by this run")
            terminalreporter.write_line(f"hmmrnn: committed late audit of {hmm} ({', '.join(f['sample']) or '-'}): {state}")
            for line in f["diffs"][:10]:
                terminalreporter.write_line(f"  {line}")
        near = [r for r in self.rows if r.get("near_cut")]
        if near:
            terminalreporter.write_line(f"hmmrnn: {len(near)} verdict(s) near the cut (within {precision.NEAR:g} "
                                        "standard errors of the rollout's draws; still pass or fail by the number):")
            for r in near[:20]:
                terminalreporter.write_line(f"  {r['claim']}:{r['reading']}[{r['checkpoint']}] {r['verdict']}: "
                                            f"{'; '.join(r['near_cut'])}")
        if self.written:
            n = {v: sum(r["verdict"] == v for r in self.rows) for v in ("pass", "fail", "error")}
            terminalreporter.write_line(
                f"hmmrnn: {len(self.rows)} claim results ({n['pass']} pass, {n['fail']} fail, {n['error']} error), "
                f"seed {config.getoption('claims_seed')}; report: {self.written['html']}")
