"""The pytest plugin end to end: each test runs pytest in-process (pytester) on tiny checkpoints.

In-process, because the plugin keeps its rows in a per-run session object, not in module state. Only the two
fast claims are used (fixed-point.single, emission.hmm-agreement) on RNN(hidden=8, inputs=4, outputs=3) networks.
"""
from __future__ import annotations

import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import _pytest.pytester
import pytest
import torch

import hmmrnn
from nets import contracting as tiny
from hmmrnn import controls
from hmmrnn.checkpoint import save
from hmmrnn.hmm import linear_chain
from hmmrnn.plugin import DEFAULT_SEED
from hmmrnn.rnn import RNN

pytest_plugins = ["pytester"]

REPO = Path(hmmrnn.__file__).resolve().parents[1]
# two claims as ordinary test modules in the pytester dir (what any test file may do with a claim)
CLAIM_FILES = {"fixed_point_single": "test_fixed_point.py", "emission_hmm_agreement": "test_emission.py"}
LFS_POINTER = ("version https://git-lfs.github.com/spec/v1\n"
               "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")


def put(path: Path, model: RNN, with_hmm: bool = True) -> Path:
    save(path, model, {"hmm": linear_chain(2).to_json()} if with_hmm else {})
    return path


_LIBRARIES = tuple(str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, REPO))


class _KeepLibraries(_pytest.pytester.SysModulesSnapshot):
    """pytester's sys.modules snapshot, except that the libraries an inner run imported stay imported: some
    C extensions (numpy.fft's, torch's operator libraries) cannot be loaded twice in one process. Modules
    from the test's own directory (its test files and conftest) still go."""

    def __init__(self, preserve=None) -> None:
        def keep(name: str) -> bool:
            f = getattr(sys.modules.get(name), "__file__", None)
            return (preserve is not None and preserve(name)) or f is None or str(Path(f).resolve()).startswith(_LIBRARIES)
        super().__init__(preserve=keep)


@pytest.fixture(autouse=True)
def _keep_libraries(monkeypatch):
    """Autouse, so that it is in place before pytester takes its first snapshot."""
    monkeypatch.setattr(_pytest.pytester, "SysModulesSnapshot", _KeepLibraries)


@pytest.fixture
def ptr(pytester, monkeypatch):
    """The pytester dir with the claim modules copied in; -n 2 workers find hmmrnn and use one thread."""
    for module, name in CLAIM_FILES.items():
        (pytester.path / name).write_text(f"from hmmrnn.claims.{module} import CLAIM\n"
                                          "from hmmrnn.collection import claim_tests\n\n"
                                          "test_strict, test_paper = claim_tests(CLAIM)\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    for var in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(var, raising=False)  # under -n the inner runs are not workers of the outer one
    try:  # pytester points HOME at a temp dir: keep matplotlib's font cache instead of rebuilding it per run
        import matplotlib
        monkeypatch.setenv("MPLCONFIGDIR", matplotlib.get_cachedir())
    except Exception:
        pass
    return pytester


def run(pytester, *args):
    """pytest with the plugin, in this process; the strict reading unless the test asks for --reading itself.
    (The plugin module is imported already, so pytest cannot rewrite its asserts: that warning is noise here.)"""
    reading = () if "--reading" in args else ("--reading", "strict")
    result = pytester.runpytest_inprocess("-p", "hmmrnn.plugin", "-p", "no:cacheprovider",
                                          "-W", "ignore::pytest.PytestAssertRewriteWarning", *reading, *map(str, args))
    out = "\n".join(result.outlines + result.errlines)
    return result, out


def results(report_dir: Path) -> dict:
    return json.loads((Path(report_dir) / "results.json").read_text())


def rows_by_name(report_dir: Path) -> dict:
    return {r["checkpoint"]: r for r in results(report_dir)["claims"]}


def assert_no_traceback(out: str) -> None:
    assert "Traceback" not in out, out
    assert not [l for l in out.splitlines() if re.match(r"^[>\s]*raise\b", l)], out
    assert "ClaimError" not in out and "CheckpointError" not in out, out


def _header(out: str) -> str:
    lines = [l for l in out.splitlines() if l.startswith("hmmrnn ") and "claims seed" in l]
    assert len(lines) == 1, out
    return lines[0]


def test_bad_checkpoints_are_one_line_errors(ptr):
    """Also: the default seed in the header and results.json, and --junitxml carrying the claim properties."""
    put(ptr.path / "good.pt", tiny())
    (ptr.path / "lfs.pt").write_text(LFS_POINTER)
    rep, xml = ptr.path / "rep", ptr.path / "junit.xml"
    result, out = run(ptr, "--checkpoint", "good.pt", "--checkpoint", "missing.pt", "--checkpoint", "lfs.pt",
                      "-k", "fixed-point", "--report-dir", rep, "--junitxml", xml, "-rA")
    assert result.ret != 0, out
    result.assert_outcomes(errors=2, passed=1, deselected=9)
    assert_no_traceback(out)
    lines = out.splitlines()
    # test ids read claim-id[checkpoint-name] (the short summary prints node ids)
    assert "PASSED test_fixed_point.py::fixed-point.single:strict[good]" in lines, out
    bad = (("missing", "missing.pt", "no such file"), ("lfs", "lfs.pt", "Git LFS pointer"))
    for name, file, problem in bad:
        assert any(l.startswith(f"ERROR fixed-point.single:strict[{name}]: ") and file in l and problem in l
                   for l in lines), out
        assert any(l.startswith(f"ERROR test_fixed_point.py::fixed-point.single:strict[{name}]") for l in lines), out
    assert re.search(r"^hmmrnn: 3 claim results \(\d pass, \d fail, 2 error\)", out, re.M), out
    assert f"claims seed {DEFAULT_SEED} " in _header(out) and "--claims-seed" in _header(out)

    data = results(rep)
    assert data["seed"] == DEFAULT_SEED
    rows = {r["checkpoint"]: r for r in data["claims"]}
    assert set(rows) == {"good", "missing", "lfs"}
    assert rows["good"]["verdict"] in ("pass", "fail")
    assert rows["good"]["statistics"] and rows["good"]["sha256"]
    for name, file, problem in bad:
        r = rows[name]
        assert r["verdict"] == "error", r
        assert "\n" not in r["reason"] and file in r["reason"] and problem in r["reason"], r["reason"]
        assert r["statistics"] == {} and r["expected"] == "pass" and r["role"] == "trained"
        assert r["seed"] == DEFAULT_SEED

    # --junitxml: one testcase per row, with the claim's properties (written from the teardown report)
    cases = {c.get("name"): c for c in ET.parse(xml).getroot().iter("testcase")}
    assert set(cases) == {f"fixed-point.single:strict[{n}]" for n in ("good", "missing", "lfs")}
    props = {n: {p.get("name"): p.get("value") for p in c.iter("property")} for n, c in cases.items()}
    good = props["fixed-point.single:strict[good]"]
    assert good["claim"] == "fixed-point.single" and good["verdict"] == rows["good"]["verdict"], good
    assert good["expected"] == "pass" and good["seed"] == str(DEFAULT_SEED)
    assert json.loads(good["statistics"]) == rows["good"]["statistics"]
    assert "end_spread" in [t["statistic"] for t in json.loads(good["thresholds"])]
    assert good["reading"] == "strict" and json.loads(good["rows"]) == {"P14": "pass", "P15": "pass"}
    for name, _, _ in bad:
        p = props[f"fixed-point.single:strict[{name}]"]
        assert p["claim"] == "fixed-point.single" and p["verdict"] == "error" and "statistics" not in p, p
        assert cases[f"fixed-point.single:strict[{name}]"].find("error") is not None
    assert all("hmmrnn_result" not in p for p in props.values())  # the row travels; it is not a property


def test_too_large_for_the_claims_or_the_memory_budget_is_a_one_line_error(ptr, monkeypatch):
    """A network far beyond the paper's sizes is refused by every claim with one line (nothing is run);
    a rollout over the memory budget (HMMRNN_MEMORY_GIB) is an ERROR with one line, not a MemoryError."""
    put(ptr.path / "huge.pt", RNN(2000, 4, 3, generator=torch.Generator().manual_seed(0)).requires_grad_(False))
    put(ptr.path / "good.pt", tiny())
    monkeypatch.setenv("HMMRNN_MEMORY_GIB", "0.0001")  # the huge one is refused before any rollout
    result, out = run(ptr, "--checkpoint", "huge.pt", "--checkpoint", "good.pt", "-k", "fixed-point",
                      "--report-dir", ptr.path / "rep")
    result.assert_outcomes(errors=2)
    assert_no_traceback(out)
    assert re.search(r"^ERROR fixed-point.single:strict\[huge\]: huge.pt: 2000 hidden units: the claims handle "
                     r"at most 1024", out, re.M), out
    assert re.search(r"^ERROR fixed-point.single:strict\[good\]: a rollout of .* over the memory budget", out, re.M), out


def test_missing_target_hmm_is_an_error_naming_the_option(ptr):
    put(ptr.path / "nohmm.pt", tiny(), with_hmm=False)
    rep = ptr.path / "rep"
    result, out = run(ptr, "--checkpoint", "nohmm.pt", "-k", "emission", "--report-dir", rep)
    assert result.ret != 0, out
    result.assert_outcomes(errors=1, deselected=3)
    assert_no_traceback(out)
    assert any(l.startswith("ERROR emission.hmm-agreement:strict[nohmm]: ") and "--hmm" in l for l in out.splitlines()), out
    row = rows_by_name(rep)["nohmm"]
    assert row["verdict"] == "error" and "--hmm" in row["reason"] and "nohmm.pt" in row["reason"], row

    rep2 = ptr.path / "rep2"
    result, out = run(ptr, "--checkpoint", "nohmm.pt", "--hmm", "linear:2", "-k", "emission", "--report-dir", rep2)
    assert_no_traceback(out)
    row = rows_by_name(rep2)["nohmm"]
    assert row["verdict"] in ("pass", "fail"), row
    assert row["family"] == "linear:2"
    assert "marginal_ratio" in row["statistics"] and "volatility_ratio" in row["statistics"]
    # an untrained net does not emit like the HMM: the verdict is a FAIL line, the exit code says so
    assert result.ret == (0 if row["verdict"] == "pass" else 1), out
    if row["verdict"] == "fail":
        assert any(l.startswith("FAIL emission.hmm-agreement:strict[nohmm]: ") for l in out.splitlines()), out


def test_claims_seed_and_report_files(ptr):
    put(ptr.path / "good.pt", tiny())
    rep = ptr.path / "out" / "nested"
    result, out = run(ptr, "--checkpoint", "good.pt", "-k", "fixed-point", "--report-dir", rep, "--claims-seed", "123")
    assert result.ret == 0, out
    result.assert_outcomes(passed=1, deselected=3)
    assert "claims seed 123 " in _header(out) and "1 checkpoint(s)" in _header(out)
    assert re.search(r"^hmmrnn: 1 claim results \(1 pass, 0 fail, 0 error\), seed 123; report: .*claims\.html$",
                     out, re.M), out
    for name in ("results.json", "claims.md", "claims.html"):
        assert (rep / name).is_file() and (rep / name).stat().st_size > 0, name
    assert not (ptr.path / "reports").exists()  # nothing at the default place
    data = results(rep)
    assert data["seed"] == 123
    assert [(r["claim"], r["checkpoint"], r["verdict"], r["seed"]) for r in data["claims"]] == \
        [("fixed-point.single", "good", "pass", 123)]
    assert "fixed-point.single" in data["claims_meta"]
    assert "fixed-point.single" in (rep / "claims.md").read_text()
    assert "<html" in (rep / "claims.html").read_text().lower()
    for fig in data["claims"][0]["figures"]:
        assert (rep / fig).is_file(), fig


def _manifest(fixtures: Path, entries: list[dict]) -> None:
    fixtures.mkdir(exist_ok=True)
    (fixtures / "manifest.json").write_text(json.dumps({"fixtures": entries}))


def test_control_rejected_is_strict_xfail(ptr):
    fx = ptr.path / "fixtures"
    fx.mkdir()
    put(fx / "trained.pt", tiny(1))
    put(fx / "controls" / "line.pt", controls.line_attractor(tiny(1), seed=0))
    _manifest(fx, [{"name": "trained", "path": "trained.pt", "control": None, "hmm": "linear:2",
                    "claims": ["fixed-point.single"]},
                   {"name": "line", "path": "controls/line.pt", "control": "line-attractor", "hmm": "linear:2",
                    "claims": None}])
    rep = ptr.path / "rep"
    result, out = run(ptr, "--fixtures-dir", fx, "-k", "fixed-point", "--report-dir", rep, "-rxX")
    assert result.ret == 0, out
    result.assert_outcomes(passed=1, xfailed=1, deselected=4)
    assert "must fail fixed-point.single" in out
    assert_no_traceback(out)
    rows = rows_by_name(rep)
    ctl = rows["line"]
    assert (ctl["verdict"], ctl["expected"], ctl["role"], ctl["control"]) == ("fail", "fail", "control",
                                                                               "line-attractor"), ctl
    assert ctl["failed"] and ctl["reason"]
    assert (rows["trained"]["verdict"], rows["trained"]["expected"], rows["trained"]["role"]) == \
        ("pass", "pass", "trained")


def test_control_that_passes_fails_the_run(ptr):
    """A 'line-attractor' whose weights contract to one fixed point: the harness cannot reject it."""
    fx = ptr.path / "fixtures"
    fx.mkdir()
    put(fx / "fake.pt", tiny(2))
    _manifest(fx, [{"name": "fake", "path": "fake.pt", "control": "line-attractor", "hmm": "linear:2",
                    "claims": None}])
    rep = ptr.path / "rep"
    result, out = run(ptr, "--fixtures-dir", fx, "-k", "fixed-point", "--report-dir", rep, "-rxX")
    assert result.ret == 1, out
    result.assert_outcomes(failed=1, deselected=3)
    assert "XPASS(strict)" in out and "control 'line-attractor' must fail fixed-point.single" in out, out
    row = rows_by_name(rep)["fake"]
    assert (row["verdict"], row["expected"], row["role"]) == ("pass", "fail", "control"), row


def test_claim_group_is_the_checkpoint_of_a_claim_node_id():
    from hmmrnn.collection import claim_group
    assert claim_group("claims/kick_ablation_traps.py::kick.ablation-traps:strict[linear2-seed3]") == "linear2-seed3"
    assert claim_group("claims/readout_alignment.py::readout.alignment:paper[linear-chains]") == "linear-chains"
    assert claim_group("tests/test_train.py::test_cli_bad_train_argument[bad0-named0]") is None
    assert claim_group("tests/test_hmm.py::test_sample") is None


def test_family_and_cohort_claims(ptr):
    """A claim about fully/cyclic HMMs does not run on linear chains; a cohort claim gives one row over the
    run's linear chains (ERROR naming the missing S), and is skipped with fewer than two of them."""
    for module, name in (("readout_alignment", "test_readout.py"), ("orbit_per_output_pair", "test_pair_orbits.py")):
        (ptr.path / name).write_text(f"from hmmrnn.claims.{module} import CLAIM\n"
                                     "from hmmrnn.collection import claim_tests\n\n"
                                     "test_strict, test_paper = claim_tests(CLAIM)\n")
    put(ptr.path / "a.pt", tiny(0))
    put(ptr.path / "b.pt", tiny(1))
    rep = ptr.path / "rep"
    result, out = run(ptr, "--checkpoint", "a.pt", "--checkpoint", "b.pt", "--hmm", "linear:2",
                      "-k", "readout or pair", "--report-dir", rep, "-rA")
    assert_no_traceback(out)
    result.assert_outcomes(errors=1, skipped=1, deselected=10)  # the pair-orbit claim has no checkpoint
    assert any(l.startswith("ERROR readout.alignment:strict[linear-chains]: ") and "linear:3, linear:4, linear:5" in l
               and ("no orbit" in l or "missing linear:3" in l) for l in out.splitlines()), out
    rows = results(rep)["claims"]
    assert [(r["claim"], r["checkpoint"], r["verdict"]) for r in rows] == [
        ("readout.alignment", "linear-chains", "error")]
    assert set(rows[0]["statistics"]["per_checkpoint"]) == {"a", "b"}

    result, out = run(ptr, "--checkpoint", "a.pt", "--hmm", "linear:2", "-k", "readout", "--report-dir", rep)
    result.assert_outcomes(skipped=1, deselected=7)


def test_both_readings_with_per_row_verdicts(ptr):
    """Every claim runs once per reading (ids claim:reading[checkpoint]); results.json rows carry the reading and
    a verdict per inventory row; --reading paper keeps one reading."""
    put(ptr.path / "good.pt", tiny())
    rep = ptr.path / "rep"
    result, out = run(ptr, "--checkpoint", "good.pt", "-k", "fixed-point", "--reading", "all", "--report-dir", rep)
    result.assert_outcomes(passed=2, deselected=2)
    rows = {r["reading"]: r for r in results(rep)["claims"]}
    assert set(rows) == {"paper", "strict"}
    assert rows["paper"]["rows"] == {"P14": "pass", "P15": "pass"}
    assert rows["paper"]["statistics"]["distinct_end_points"] == 1
    md = (rep / "claims.md").read_text()
    assert "## Does the paper replicate?" in md and "fixed-point.single (paper)" in md
    result, out = run(ptr, "--checkpoint", "good.pt", "-k", "fixed-point", "--reading", "paper", "--report-dir", rep)
    result.assert_outcomes(passed=1, deselected=3)
    assert [r["reading"] for r in results(rep)["claims"]] == ["paper"]
    result, out = run(ptr, "--checkpoint", "good.pt", "--reading", "neither")
    assert result.ret == 4 and "--reading" in out  # a usage error, before any claim


@pytest.mark.parametrize("spec", ["nonsense:", "linear:99"])
def test_bad_hmm_option_is_a_usage_error_before_any_claim(ptr, spec):
    """--hmm that names no valid HMM stops the run at start-up (pytest's usage error, exit 4), one line."""
    put(ptr.path / "good.pt", tiny())
    result, out = run(ptr, "--checkpoint", "good.pt", "--hmm", spec, "-k", "fixed-point", "--report-dir", ptr.path / "rep")
    assert result.ret == pytest.ExitCode.USAGE_ERROR, out
    assert f"--hmm {spec}" in out and " passed" not in out and not (ptr.path / "rep" / "results.json").exists()
    assert_no_traceback(out)


def _without_timing(res: dict) -> dict:
    """results.json less what may differ between equal runs: wall times, the start time, absolute paths."""
    res = {k: v for k, v in res.items() if k != "started"}
    res["claims"] = sorted(({k: v for k, v in r.items() if k not in ("seconds", "figures")} for r in res["claims"]),
                           key=lambda r: (r["claim"], r["reading"], r["checkpoint"]))
    return res


def test_serial_twice_and_two_workers_give_the_same_results(ptr):
    """The same claims seed gives the same results.json (timing aside) run twice serially and once under
    -n 2 --dist loadgroup; there every test of a checkpoint runs on one worker (what it shares is computed
    once), both workers get checkpoints, error rows travel, and the controller alone writes the report."""
    pytest.importorskip("xdist", reason="pytest-xdist is not installed (pip install -e .[dev])")
    (ptr.path / "conftest.py").write_text(WRITES_SPY)
    names = [f"net{i}" for i in range(4)]
    for i, name in enumerate(names):
        put(ptr.path / f"{name}.pt", tiny(i))
    (ptr.path / "lfs.pt").write_text(LFS_POINTER)  # an error row travels too
    args = [a for n in names + ["lfs"] for a in ("--checkpoint", f"{n}.pt")]
    args += ["--reading", "all", "--claims-seed", "7", "-k", "fixed-point"]
    got, files = [], []
    for i, extra in enumerate([(), (), ("-n", "2", "--dist", "loadgroup", "-v")]):
        rep = ptr.path / f"rep{i}"
        result, out = run(ptr, *args, "--report-dir", rep, *extra)
        assert result.ret == 1, out  # the LFS pointer is an error
        result.assert_outcomes(passed=2 * len(names), errors=2)  # (xdist does not report the deselected)
        assert len(re.findall(r"^hmmrnn: 10 claim results \(8 pass, 0 fail, 2 error\)", out, re.M)) == 1, out
        log = ptr.path / "writes.log"
        assert log.read_text().split() == ["controller"], (extra, log.read_text())
        log.unlink()
        got.append(_without_timing(results(rep)))
        files.append(sorted(str(p.relative_to(rep)) for p in rep.rglob("*") if p.is_file()))
    assert len(got[0]["claims"]) == 2 * 5 and {r["verdict"] for r in got[0]["claims"]} == {"pass", "error"}
    assert got[0] == got[1] == got[2]
    assert files[0] == files[1] == files[2]  # nothing extra under -n 2 (worker or temporary files)
    assert {"results.json", "claims.md", "claims.html"} <= set(files[2])

    workers: dict[str, set] = {}
    for gw, name in re.findall(r"\[(gw\d)\] \[\s*\d+%\] \w+ \S+\[(net\d|lfs)\]", out):  # "[gw1] [ 12%] PASSED id"
        workers.setdefault(name, set()).add(gw)
    assert set(workers) == set(names) | {"lfs"}, out
    assert all(len(w) == 1 for w in workers.values()), workers
    assert len(set().union(*workers.values())) == 2, workers


WRITES_SPY = """
import os
from pathlib import Path
import hmmrnn.report as report

def pytest_configure(config):  # who writes the report: the controller or an xdist worker
    write = report.write_report
    def spy(*a, **k):
        with open(Path(__file__).parent / "writes.log", "a") as f:
            f.write(os.environ.get("PYTEST_XDIST_WORKER", "controller") + "\\n")
        return write(*a, **k)
    report.write_report = spy
    config.add_cleanup(lambda: setattr(report, "write_report", write))  # in-process runs share the module
"""


STOP_AFTER_TWO = """
def pytest_runtest_teardown(item):  # a run stopped after its second claim (a kill, as far as rows go)
    pytest_runtest_teardown.n = getattr(pytest_runtest_teardown, "n", 0) + 1
    if pytest_runtest_teardown.n == 2:
        item.session.shouldstop = "stopped after two claims"
"""


def test_an_interrupted_run_resumes_without_losing_or_repeating_a_row(ptr):
    """Rows are journaled as they finish; --resume runs only the rest, and the report equals an uninterrupted
    run's. A torn last line (killed mid-write) is dropped; another claims seed is refused."""
    from hmmrnn import journal
    names = [f"net{i}" for i in range(3)]
    for i, name in enumerate(names):
        put(ptr.path / f"{name}.pt", tiny(i))
    args = [a for n in names for a in ("--checkpoint", f"{n}.pt")] + ["--reading", "all", "-k", "fixed-point"]
    result, out = run(ptr, *args, "--report-dir", ptr.path / "whole")
    assert result.ret == 0, out
    whole = _without_timing(results(ptr.path / "whole"))
    assert len(whole["claims"]) == 6

    rep = ptr.path / "cut"
    (ptr.path / "conftest.py").write_text(STOP_AFTER_TWO)
    result, out = run(ptr, *args, "--report-dir", rep)
    assert "stopped after two claims" in out, out
    kept = journal.read(journal.path_for(rep / "results.json"))
    assert len(kept) == 2, kept
    with open(journal.path_for(rep / "results.json"), "a") as f:
        f.write('{"claim": "fixed-point.single", "chec')  # the kill came mid-write
    (ptr.path / "conftest.py").unlink()

    result, out = run(ptr, *args, "--report-dir", rep, "--resume", "--claims-seed", "5")
    assert result.ret == pytest.ExitCode.USAGE_ERROR and "claims seed" in out, out
    result, out = run(ptr, *args, "--report-dir", rep, "--resume")
    assert result.ret == 0, out
    result.assert_outcomes(passed=4, deselected=2 + 6)  # the journaled two and the other claim's six
    got = _without_timing(results(rep))
    assert got == whole
    assert not journal.path_for(rep / "results.json").exists()


THREADS_SPY = """
import os
import pytest
import torch
from pathlib import Path

@pytest.fixture(autouse=True)
def _threads(request):
    with open(Path(__file__).parent / "threads.log", "a") as f:
        f.write(f"{os.environ.get('PYTEST_XDIST_WORKER', 'controller')} {torch.get_num_threads()} {request.node.name}\\n")
"""


def test_n_workers_alone_share_the_cores_and_group_each_checkpoint(ptr, monkeypatch):
    """`-n 2` with no --dist and no OMP_NUM_THREADS: each worker runs torch on its share of the cores, and the
    claims of one checkpoint go to one worker (issue 22: parallel must never be slower than serial)."""
    pytest.importorskip("xdist", reason="pytest-xdist is not installed (pip install -e .[dev])")
    from hmmrnn.plugin import worker_threads
    assert (worker_threads(2, 2), worker_threads(16, 3), worker_threads(1, 4)) == (1, 5, 1)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    (ptr.path / "conftest.py").write_text(THREADS_SPY)
    for i in range(2):
        put(ptr.path / f"net{i}.pt", tiny(i))
    result, out = run(ptr, "--checkpoint", "net0.pt", "--checkpoint", "net1.pt", "--reading", "all", "-n", "2",
                      "-k", "fixed-point")
    assert result.ret == 0, out
    seen = [line.split() for line in (ptr.path / "threads.log").read_text().splitlines()]
    want = worker_threads(len(os.sched_getaffinity(0)), 2)
    assert seen and all(n == str(want) for _, n, _ in seen), seen
    by_net = {}
    for worker, _, name in seen:
        by_net.setdefault(name.rsplit("[", 1)[-1], set()).add(worker)
    assert set(by_net) == {"net0]", "net1]"} and all(len(w) == 1 for w in by_net.values()), by_net


def test_a_stale_committed_audit_fails_the_fixtures_run(ptr):
    """The fixtures run recomputes each committed late audit's last late checkpoint through the seed's final.pt:
    equal rows pass and the report counts seeds; a committed row that differs fails the run, named."""
    from hmmrnn import audits
    fx = ptr.path / "fixtures"
    fx.mkdir()
    put(fx / "a" / "final.pt", tiny(1))
    _manifest(fx, [{"name": "a", "path": "a/final.pt", "control": None, "hmm": "linear:2", "claims": None}])
    rep = ptr.path / "rep"
    result, out = run(ptr, "--fixtures-dir", fx, "-k", "fixed-point", "--report-dir", rep, "--reading", "all")
    assert result.ret == 0, out
    fresh = results(rep)
    assert fresh["late_audit"]["records"] == []  # no audit committed yet
    rows = [dict(r, checkpoint="a@40") for r in fresh["claims"]] + [dict(r, checkpoint="a@20") for r in fresh["claims"]]
    committed = {"audit": {"hmm": "linear:2", "seeds": ["a"], "claims_seed": DEFAULT_SEED, "late_every": 20},
                 "claims_meta": fresh["claims_meta"], "claims": rows}
    audits.write_audit(audits.audit_path(fx, "linear:2"), committed)
    result, out = run(ptr, "--fixtures-dir", fx, "-k", "fixed-point", "--report-dir", rep, "--reading", "all")
    assert result.ret == 0, out
    assert "committed late audit of linear:2 (a): 2 rows recomputed, equal" in out, out
    got = results(rep)
    assert {r["run"] for r in got["late_audit"]["records"]} == {"a"}
    assert "seeds holding, per family" in (rep / "claims.md").read_text()

    rows[0]["statistics"] = {**rows[0]["statistics"], "end_spread": 1.0}
    audits.write_audit(audits.audit_path(fx, "linear:2"), committed)
    result, out = run(ptr, "--fixtures-dir", fx, "-k", "fixed-point", "--report-dir", rep, "--reading", "all")
    assert result.ret == 1, out
    assert "committed late audit of linear:2 (a): STALE: 1 of its rows differ" in out, out
    assert "end_spread 1.0 committed" in out, out
