"""The wheel is the whole tool: it carries every subpackage and the claim modules, and `hmmrnn check` runs
from a plain (non-editable) install in a fresh virtual environment."""
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_checks_a_fixture(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "dist"), str(REPO)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("hmmrnn-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for must in ("hmmrnn/plugin.py", "hmmrnn/analysis/kick.py", "hmmrnn/claims/kick_ablation_traps.py",
                 "hmmrnn/claims/__init__.py", "hmmrnn/claims/_sweeps.py", "hmmrnn/collection.py"):
        assert must in names, must
    # a fresh venv whose dependencies come from this one's site-packages (a path entry: no .pth of this
    # environment runs there, so the editable install of the checkout is not visible), hmmrnn from the wheel
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["OMP_NUM_THREADS"] = "1"
    where = subprocess.run([str(py), "-c", "import hmmrnn; print(hmmrnn.__file__)"], cwd=tmp_path, env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(venv)), where
    got = subprocess.run([str(venv / "bin" / "hmmrnn"), "check", str(REPO / "fixtures" / "linear2-seed3" / "final.pt"),
                          "--report-dir", str(tmp_path / "rep"), "-k", "fixed-point"],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    out = got.stdout + got.stderr
    assert got.returncode == 0, out
    assert "2 passed" in out and (tmp_path / "rep" / "claims.html").is_file(), out


def _collected(args: list[str]) -> set[str]:
    got = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "--checkpoint", str(REPO / "fixtures" / "linear2-seed3" / "final.pt"), *args],
                         cwd=REPO, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert got.returncode == 0, got.stdout + got.stderr
    return {line.split("::", 1)[1] for line in got.stdout.splitlines() if "::" in line}


def test_pytest_claims_and_pyargs_run_the_same_claims():
    """`pytest claims` (the folder at the top of a checkout) and `pytest --pyargs hmmrnn.claims` (the package
    the wheel ships) collect the same claim tests: one copy of each module."""
    from hmmrnn import claims
    from hmmrnn.registry import all_claims
    assert Path(claims.__file__).resolve().parent == REPO / "claims"
    by_dir, by_package = _collected(["claims"]), _collected(["--pyargs", "hmmrnn.claims"])
    assert by_dir and by_dir == by_package
    assert {t.split(":", 1)[0] for t in by_dir} == {c.id for c in all_claims()}
