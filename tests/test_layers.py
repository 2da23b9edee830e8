"""The package's layers (README: "Layout"): the model, analysis/ (pure), training, the claims, the harness, the entry
points.
No import cycle, no import that climbs (a lazy import inside a function counts too), no analysis module that
reaches the claims or the registry; a claim is one module and its id appears nowhere else in the code."""
from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "hmmrnn"

MODEL = {"errors", "serial", "device", "rnn", "hmm", "checkpoint", "sinkhorn", "limits", "runs", "controls", "plotting"}
TRAINING = {"train", "batched"}  # above analysis: the convergence rule stops a run
CLAIMS = {"claim", "cells", "subject"}  # what the claim modules are written with (and the claims/ package)
HARNESS = {"registry", "collection", "plugin", "cases", "rows", "journal", "report", "figures", "replication", "seeds",
           "audits", "evidence", "precision", "universality", "manifest", "inventory"}
ENTRY = {"cli", "api", "sweep", "__init__"}
LAYER = {**{m: 0 for m in MODEL}, "analysis": 1, **{m: 2 for m in TRAINING}, **{m: 3 for m in CLAIMS}, "claims": 3,
         **{m: 4 for m in HARNESS}, **{m: 5 for m in ENTRY}}


def _modules() -> dict[str, Path]:
    """hmmrnn module name (dotted, under hmmrnn) -> file; the claims/ folder as hmmrnn.claims."""
    out = {f"hmmrnn.{p.stem}": p for p in PKG.glob("*.py")}
    out.update({f"hmmrnn.analysis.{p.stem}": p for p in (PKG / "analysis").glob("*.py")})
    out.update({f"hmmrnn.claims.{p.stem}": p for p in (ROOT / "claims").glob("*.py")})
    return out


def _imports(name: str, path: Path, top_level_only: bool) -> set[str]:
    """The hmmrnn modules a module imports (relative imports resolved); only those at module level when asked."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("hmmrnn")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            if not base.startswith("hmmrnn"):
                continue
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    known = _modules()
    return {m for m in found if m in known and m != name}


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 2 and parts[1] in ("analysis", "claims"):
        return LAYER[parts[1]]
    return LAYER.get(parts[1] if len(parts) > 1 else "__init__", 5)


def test_every_module_has_a_layer():
    flat = {p.stem for p in PKG.glob("*.py")}
    assert flat - set(LAYER) == set(), "a new module: put it in a layer here and in README's layout table"


def test_no_import_cycle_among_module_level_imports():
    graph = {n: _imports(n, p, top_level_only=True) for n, p in _modules().items()}
    # a package's __init__ importing its own modules is not a cycle of the layers
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(n, stack):
        state[n] = 1
        for m in graph.get(n, ()):
            if m.startswith(n + ".") or n.startswith(m + ".") and m.count(".") < n.count(".") \
                    and _modules()[m].name == "__init__.py":
                continue
            if state.get(m) == 1:
                cycle.extend(stack[stack.index(m):] + [m] if m in stack else [n, m])
                return True
            if state.get(m) is None and visit(m, stack + [m]):
                return True
        state[n] = 2
        return False
    for n in graph:
        if state.get(n) is None and visit(n, [n]):
            break
    assert cycle == []


def test_no_import_climbs_a_layer():
    """Lazy imports inside functions included. The top-level package (hmmrnn/__init__) is an entry point."""
    climbs = []
    for n, p in _modules().items():
        if n == "hmmrnn.__init__":
            continue
        for m in _imports(n, p, top_level_only=False):
            if m in ("hmmrnn", "hmmrnn.__init__"):
                climbs.append(f"{n} imports the top-level package")
            elif _layer(m) > _layer(n):
                climbs.append(f"{n} (layer {_layer(n)}) imports {m} (layer {_layer(m)})")
    assert climbs == []


def test_analysis_reaches_neither_the_registry_nor_the_claims():
    for p in (PKG / "analysis").glob("*.py"):
        text = p.read_text()
        assert not re.search(r"registry|hmmrnn\.claims|from \.\.claims|from \.\.(subject|cells|claim)\b", text), p.name


def test_the_old_string_keyed_tables_are_gone():
    flat = sorted(p.stem for p in PKG.glob("*.py"))
    assert not [m for m in flat if re.match(r"(claim_defs|recipes|figures_)", m)], flat
    assert len(flat) <= 36, f"{len(flat)} flat modules (49 before the claims became modules)"
    for p in PKG.rglob("*.py"):
        text = p.read_text()
        assert not re.search(r"\b(RECIPES|PLOTS|PAPER_READINGS|WHOLE_RUN|GROUPS)\b", text), p


@functools.lru_cache(maxsize=None)
def _code_strings(path: Path) -> frozenset[str]:
    """The string constants of a module's code (docstrings, which show examples, left out)."""
    tree = ast.parse(path.read_text())
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return frozenset(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                     and id(n) not in docs)


@pytest.mark.parametrize("path", sorted((ROOT / "claims").glob("[a-z]*.py")), ids=lambda p: p.stem)
def test_a_claim_is_one_module_and_its_id_is_nowhere_else_in_the_code(path):
    """Its module is named after its id, and no other module names it by its id (they import the module)."""
    import importlib
    claim = importlib.import_module(f"hmmrnn.claims.{path.stem}").CLAIM
    assert path.stem == re.sub(r"[.-]", "_", claim.id)
    keyed = re.compile(rf"^{re.escape(claim.id)}([:@].*)?$")
    elsewhere = [str(p.relative_to(ROOT)) for p in [*PKG.rglob("*.py"), *(ROOT / "claims").glob("*.py")]
                 if p != path and any(keyed.match(v) for v in _code_strings(p))]
    assert elsewhere == []
