"""The public API: hmmrnn.check gives a notebook the numbers `pytest claims` gives; the registry is built from
the claim modules and every claim is complete (its own module, a recipe, a plot, valid controls)."""
import importlib
import json
from pathlib import Path

import pytest

import hmmrnn
import hmmrnn.claims
from nets import contracting as tiny
from hmmrnn.checkpoint import save
from hmmrnn.claim import Claim
from hmmrnn.controls import KINDS
from hmmrnn.hmm import linear_chain
from hmmrnn.registry import build, modules
from hmmrnn.serial import jsonable

CLAIMS_DIR = Path(hmmrnn.claims.__file__).parent  # claims/ in a checkout, hmmrnn/claims in a wheel




def test_public_api_is_reexported():
    for name in ("load", "HMM", "parse_spec", "RNN", "rollout", "check", "ClaimResult", "CLAIMS", "get",
                 "ClaimError", "CheckpointError", "DEFAULT_SEED", "Subject", "ZoneMap", "KickGroups", "KickGroup",
                 "MuSweep", "MuCurve", "Evolution", "load_evolution"):
        assert hasattr(hmmrnn, name), name
    assert set(hmmrnn.__all__) >= {"check", "load", "rollout"}


@pytest.mark.parametrize("claim", hmmrnn.CLAIMS.values(), ids=lambda c: c.id)
def test_every_claim_is_complete(claim: Claim):
    """Its own module in claims/ (named after its id), a recipe, both readings with valid controls, a plot."""
    module = modules()[claim.id]
    assert Path(module.__file__).resolve() == (CLAIMS_DIR / f"{claim.id.replace('.', '_').replace('-', '_')}.py").resolve()
    assert module is importlib.import_module(module.__name__) and module.CLAIM is claim
    assert callable(claim.recipe)
    for rd in claim.readings():
        assert set(rd.controls) <= set(KINDS), rd.controls
        assert rd.covers, f"{claim.id}:{rd.name} decides no inventory row"
    assert claim.paper is not None, f"{claim.id} has no paper reading"
    assert claim.figure_for("strict") is not None or claim.figure_for("paper") is not None


def test_registry_refuses_duplicates():
    m = modules()["orbit.radius-scaling"]
    with pytest.raises(ValueError, match="defined twice"):
        build([m, m])


def test_check_gives_what_pytest_claims_records(tmp_path):
    """The same claim, reading and seed: hmmrnn.check and a `pytest claims` run give identical statistics
    and row verdicts."""
    import os
    import subprocess
    import sys
    path = tmp_path / "net.pt"
    save(path, tiny(), {"hmm": linear_chain(2).to_json()})
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", str(CLAIMS_DIR / "fixed_point_single.py"),
                             str(CLAIMS_DIR / "orbit_radius_scaling.py"), "-p", "hmmrnn.plugin", "-p", "no:cacheprovider", "-q",
                             "--checkpoint", str(path), "--claims-seed", "7", "--report-dir", str(tmp_path / "rep")],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    rows = json.loads((tmp_path / "rep" / "results.json").read_text())["claims"]
    assert len(rows) == 4, result.stdout + result.stderr
    cache: dict = {}
    for row in rows:
        got = hmmrnn.check(row["claim"], path, reading=row["reading"], seed=7, cache=cache)
        assert got.verdict == row["verdict"]
        assert jsonable(got.statistics) == row["statistics"], (row["claim"], row["reading"])
        assert got.rows == row["rows"]


def test_check_result_and_its_figure(tmp_path):
    path = tmp_path / "net.pt"
    save(path, tiny(), {"hmm": linear_chain(2).to_json()})
    r = hmmrnn.check("fixed-point.single", path, reading="strict", seed=1)
    assert r.verdict == "pass" and r.rows == {"P14": "pass", "P15": "pass"} and r.statistics["end_spread"] < 1e-3
    fig = r.figure()
    import matplotlib.figure
    assert isinstance(fig, matplotlib.figure.Figure)
    with pytest.raises(hmmrnn.ClaimError, match="about"):  # a claim about other HMM families
        hmmrnn.check("orbit.per-output-pair", path, seed=1)
    with pytest.raises(hmmrnn.CheckpointError, match="no such file"):
        hmmrnn.check("fixed-point.single", tmp_path / "missing.pt")


def _module_level_imports(pkg_dir: Path, pkg: str) -> dict[str, set[str]]:
    """hmmrnn module -> the hmmrnn modules it imports at module level (imports inside functions are run later
    and cannot form an import-time cycle)."""
    import ast
    names = {}
    for f in pkg_dir.rglob("*.py"):
        parts = f.relative_to(pkg_dir.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    graph = {}
    for mod, f in names.items():
        here = mod if f.name == "__init__.py" else mod.rsplit(".", 1)[0]
        deps = set()
        for node in ast.parse(f.read_text()).body:  # module level only
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                for a in node.names:
                    deps.add(f"{base}.{a.name}" if f"{base}.{a.name}" in names else base)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
        graph[mod] = {d for d in deps if d in names and d != mod and not mod.startswith(d + ".")}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """An import cycle of the graph (its modules in order), or None."""
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> list[str] | None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                loop = path + [m]
                return loop[loop.index(d):] + [d]
            if d not in state and (found := visit(d, path + [m])):
                return found
        state[m] = 2
        return None
    for m in sorted(graph):
        if m not in state and (found := visit(m, [])):
            return found
    return None


def test_no_import_cycle():
    graph = _module_level_imports(Path(hmmrnn.__file__).parent, "hmmrnn")
    assert "hmmrnn.registry" in graph and "hmmrnn.analysis.kick" in graph
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_cycle_check_finds_a_planted_cycle(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .a import x\n")
    (pkg / "a.py").write_text("from .sub.b import y\nx = 1\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("def f():\n    from ..a import x  # inside a function: not a cycle\ny = 2\n")
    assert _cycle(_module_level_imports(pkg, "pkg")) is None
    (pkg / "sub" / "b.py").write_text("from .. import a\ny = 2\n")
    assert _cycle(_module_level_imports(pkg, "pkg")) == ["pkg.a", "pkg.sub.b", "pkg.a"]


def test_both_orbit_readings_report_the_rotation_of_the_same_run(tmp_path):
    """`check(orbit, path)` (the paper reading by default) reports rotation_coherence too: the strict reading's
    number, from the same seeded run."""
    path = tmp_path / "net.pt"
    save(path, tiny(3), {"hmm": linear_chain(2).to_json()})
    cache: dict = {}
    paper = hmmrnn.check("orbit.radius-scaling", path, seed=5, cache=cache).statistics
    strict = hmmrnn.check("orbit.radius-scaling", path, reading="strict", seed=5, cache=cache).statistics
    for k in ("rotation_coherence", "revolutions_per_1000", "pc_variance_explained"):
        assert paper[k] == strict[k], k
