"""pytest plugin: options, the case/checkpoint fixtures, verdict capture and the claims report.

Wiring only; the statistics live in ``hmmrnn.analysis``, the rules in ``hmmrnn.claim_defs``, the
report in ``hmmrnn.report``. Registered by the root conftest.py and as the ``pytest11`` entry point.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from . import __version__
from .cases import Case, cohort, cohort_known_fail, from_manifest, from_paths
from .checkpoint import CheckpointError, load
from .hmm import HMMSpecError, parse_spec
from .limits import RolloutTooLarge, claims_refusal
from .serial import jsonable
from .registry import DEFAULT_SEED, READINGS, Claim, ClaimError, ModelDiverged


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
    g.addoption("--mu-grid", default="coarse", choices=("coarse", "full"),
                help="mu values of the paper's Fig 7 sweep: coarse (CI default) or full (0, 0.1, ..., 2)")


def reading_of(function) -> str:
    """A claim module's test_paper decides the paper reading; every other test function the strict one."""
    return "paper" if getattr(function, "__name__", "") == "test_paper" else "strict"


def pytest_configure(config):
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
    config.stash[_state] = {"cases": cases, "models": {}, "shared": {}, "figures": {}, "rows": [], "started": datetime.now(timezone.utc),
                            "cohort_known_fail": {} if paths else cohort_known_fail(fixtures)}


def pytest_report_header(config):
    n = len(config.stash[_state]["cases"])
    return (f"hmmrnn {__version__}: claims seed {config.getoption('claims_seed')} (override with --claims-seed N); "
            f"{n} checkpoint(s)")


def pytest_generate_tests(metafunc):
    claim: Claim | None = getattr(metafunc.module, "CLAIM", None)
    if claim is None or "case" not in metafunc.fixturenames:
        return
    st = metafunc.config.stash[_state]
    reading = reading_of(metafunc.function)
    if claim.across:  # one verdict over the trained checkpoints of the claim's families
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


def claim_group(nodeid: str) -> str | None:
    """The checkpoint of a claim's node id "claims/test_x.py::claim-id:reading[checkpoint]", else None."""
    head, _, case = nodeid.rpartition("[")
    if not case.endswith("]") or head.rpartition(":")[2] not in READINGS:
        return None
    return case[:-1]


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
        if claim is not None and hasattr(item, "callspec"):
            item.name = f"{claim.id}:{reading_of(item.function)}[{item.callspec.id}]"
            new = f"{item.nodeid.split('::')[0]}::{item.name}"
            if hasattr(item, "_id"):  # pytest >= 9 keeps a structured node id (no public setter)
                item._id = type(item._id).parse(new)
            else:
                item._nodeid = new
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
            models[path] = load(path)
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
    refusal = claims_refusal(ck.model.hidden, ck.model.inputs)
    if refusal:
        raise ClaimError(f"{case.path}: {refusal}")
    return ck


@pytest.fixture
def members(case: Case, request, pytestconfig):
    """[(name, target HMM, model)] of a cohort case: its trained checkpoints of the claim's families.
    Unreadable members are left out with a warning; fewer than two members skip the claim."""
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
            warnings.warn(f"{m.name} left out of {case.name}: {_one_line(e)}")
            continue
        if hmm is None:
            warnings.warn(f"{m.name} left out of {case.name}: no target HMM in its metadata")
        elif claim.applies(hmm.family):
            out.append((m.name, hmm, ck.model))
    if len(out) < 2:
        pytest.skip(f"{claim.id} compares checkpoints: {len(out)} trained {'/'.join(claim.applies_to)} checkpoint(s) here")
    return out


@pytest.fixture
def subject(case: Case, checkpoint, claims_seed, mu_grid, pytestconfig, request):
    """What a claim's recipe runs on: the checkpoint, its target HMM (looked up only by the claims that
    need one), the claims seed, and the cache of what the claims and readings of this checkpoint share
    (zone map, kick groups, sweeps), kept for the session."""
    from .recipes import Subject
    cache = pytestconfig.stash[_state]["shared"].setdefault((case.path, claims_seed), {})
    return Subject(path=str(checkpoint.path), model=checkpoint.model, seed=claims_seed, mu_grid=mu_grid,
                   target=lambda: request.getfixturevalue("target_hmm"), cache=cache)


@pytest.fixture
def cohort_subject(case: Case, members, claims_seed, mu_grid, pytestconfig):
    """A claim decided over several checkpoints: the members of the cohort case."""
    from .recipes import Subject
    cache = pytestconfig.stash[_state]["shared"].setdefault((case.name, claims_seed), {})
    return Subject(path=case.name, model=None, seed=claims_seed, mu_grid=mu_grid, members=members, cache=cache)


@pytest.fixture
def target_hmm(case: Case, checkpoint, pytestconfig, request):
    """The HMM the checkpoint is checked against: the case's, then --hmm, then the checkpoint's metadata."""
    spec = case.hmm or pytestconfig.getoption("hmm")
    try:
        hmm = parse_spec(spec) if spec else checkpoint.hmm
    except HMMSpecError as e:
        raise ClaimError(f"{case.path}: target HMM: {e}") from None
    if hmm is None:
        raise ClaimError(f"{case.path}: no target HMM in its metadata; pass --hmm (linear:2, fully:3, cyclic:4 or a JSON file)")
    claim = getattr(request.module, "CLAIM", None)
    if claim is not None and not claim.applies(hmm.family):
        raise ClaimError(f"{claim.id} is about {'/'.join(claim.applies_to)} HMMs, not {hmm.name}")
    return hmm


@pytest.fixture
def record(request, case: Case, claims_seed, pytestconfig):
    """record(claim, stats) -> failed thresholds. Keeps the numbers for the report, draws the claim's
    figure from the analysis's plot data, and returns what the claim module asserts on."""
    from .figures import PLOTS

    def _record(claim: Claim, stats: dict) -> list[str]:
        reading = claim.reading(reading_of(request.function))
        plot = stats.get("_plot")
        clean = {k: v for k, v in stats.items() if not k.startswith("_")}
        failed = reading.evaluate(clean)
        figs = []
        draw = PLOTS.get(f"{claim.id}:{reading.name}") or PLOTS.get(claim.id)
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
        request.node.stash[_RECORD] = {"statistics": clean, "failed": failed, "figures": figs,
                                       "rows": reading.row_verdicts(clean)}
        request.node.user_properties.append(("statistics", json.dumps(jsonable(clean))))
        return failed
    return _record


def _one_line(exc) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


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
    is_error = isinstance(exc, (ClaimError, CheckpointError, RolloutTooLarge))
    if is_error:  # one line, never a traceback
        report.longrepr = f"ERROR {claim.id}:{rd.name}[{case.name}]: {_one_line(exc)}"
    if call.when == "call" or (call.when == "setup" and exc is not None):
        rec = item.stash.get(_RECORD, None)
        if is_error:
            verdict, reason = "error", _one_line(exc)
        elif isinstance(exc, ModelDiverged):
            verdict, reason = "fail", _one_line(exc)
            report.longrepr = f"FAIL {claim.id}:{rd.name}[{case.name}]: {reason}"
        elif rec is not None:
            verdict = "fail" if rec["failed"] else "pass"
            reason = "; ".join(rec["failed"])
            if rec["failed"] and isinstance(exc, AssertionError):  # the rule, not a traceback
                report.longrepr = f"FAIL {claim.id}:{rd.name}[{case.name}]: {reason}"
        elif exc is not None:
            verdict, reason = "error", f"harness error: {type(exc).__name__}: {_one_line(exc)}"
        else:
            verdict, reason = "error", "the claim recorded no statistics"
        models = item.config.stash[_state]["models"]
        ck = models.get(case.path)
        why = case.expected_fail(claim, rd.name)
        rows_v = (rec or {}).get("rows") or {r: verdict for r in rd.covers}
        if verdict == "error":
            rows_v = {r: "error" for r in rd.covers}
        row = {"claim": claim.id, "reading": rd.name, "checkpoint": case.name, "path": case.path,
               "sha256": getattr(ck, "sha256", ""), "role": case.role, "control": case.control,
               "family": case.hmm or (ck.meta.get("hmm", {}).get("name") if hasattr(ck, "meta") else None),
               "seed_of_model": case.info.get("seed", getattr(ck, "meta", {}).get("seed") if ck else None),
               "verdict": verdict, "expected": "fail" if why else "pass", "expected_reason": why or "",
               "finding": rd.cannot_reject(case.control), "rows": rows_v,
               "statistics": (rec or {}).get("statistics", {}), "thresholds": rd.thresholds_json(),
               "failed": (rec or {}).get("failed", []), "reason": reason,
               "seed": item.config.getoption("claims_seed"), "seconds": round(report.duration, 3),
               "figures": (rec or {}).get("figures", [])}
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


def pytest_runtest_logreport(report):
    """Runs on the controller under xdist too: the rows travel in the reports' user_properties."""
    for k, v in getattr(report, "user_properties", []):
        if k == RESULT_KEY:
            _rows.append(json.loads(v))


_rows: list[dict] = []


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if hasattr(config, "workerinput") or not _rows:  # xdist worker, or no claim ran
        return
    from .registry import all_claims
    from .report import write_report
    st = config.stash[_state]
    results = {"seed": config.getoption("claims_seed"), "started": st["started"].isoformat(timespec="seconds"),
               "hmmrnn": __version__,
               "reading": config.getoption("reading"), "mu_grid": config.getoption("mu_grid"),
               "claims_meta": {c.id: claim_meta(c) for c in all_claims()},
               "claims": sorted(_rows, key=lambda r: (r["claim"], r["reading"], r["role"] != "trained", r["checkpoint"]))}
    report_dir = Path(config.getoption("report_dir"))
    json_path = config.getoption("claims_json")
    st["written"] = write_report(results, report_dir, json_path=Path(json_path) if json_path else None)


def claim_meta(c: Claim) -> dict:
    """What the report needs to know of a claim, per reading."""
    return {"title": c.title, "section": c.section, "statistic": c.statistic, "by_construction": c.by_construction,
            "controls": list(c.controls), "key": c.key, "notes": list(c.notes), "covers": list(c.covers),
            "thresholds": c.reading("strict").thresholds_json(),
            "readings": {rd.name: {"statistic": rd.statistic, "controls": list(rd.controls),
                                   "indistinguishable": dict(rd.indistinguishable), "covers": list(rd.covers),
                                   "reports": list(rd.reports), "thresholds": rd.thresholds_json(),
                                   "notes": list(rd.notes)} for rd in c.readings()}}


def pytest_terminal_summary(terminalreporter, config):
    st = config.stash.get(_state, {})
    if st.get("written"):
        n = {v: sum(r["verdict"] == v for r in _rows) for v in ("pass", "fail", "error")}
        terminalreporter.write_line(
            f"hmmrnn: {len(_rows)} claim results ({n['pass']} pass, {n['fail']} fail, {n['error']} error), "
            f"seed {config.getoption('claims_seed')}; report: {st['written']['html']}")
