"""Which checkpoints the claims run on: the fixtures' manifest, or paths given with --checkpoint."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .checkpoint import find_checkpoints
from .claim import RUNS  # noqa: F401  (Claim.across of the claims decided over a folder of training runs)

MANIFEST = "manifest.json"


@dataclass
class Case:
    """One checkpoint under test. ``control`` names the control kind (None for a trained checkpoint);
    ``claims`` limits which claims run on it (None = all)."""

    name: str
    path: str
    hmm: str | None = None  # target HMM spec; None = from the checkpoint's metadata
    control: str | None = None
    claims: tuple[str, ...] | None = None
    info: dict = field(default_factory=dict)
    known_fail: dict = field(default_factory=dict)  # claim id -> why this trained model fails it (manifest)

    @property
    def role(self) -> str:
        return "control" if self.control else "trained"

    def must_fail(self, claim, reading: str = "strict") -> bool:
        return self.control is not None and self.control in claim.reading(reading).controls

    def expected_fail(self, claim, reading: str = "strict") -> str | None:
        """Why this case is expected to fail the claim's reading (a control it must reject, or a known failure
        of a trained model recorded in the manifest under 'CLAIM' (strict) or 'CLAIM:paper'), or None when it
        is expected to pass."""
        if self.must_fail(claim, reading):
            return f"control '{self.control}' must fail {claim.id} ({reading} reading)"
        key = claim.id if reading == "strict" else f"{claim.id}:{reading}"
        if key in self.known_fail:
            return f"expected failure recorded in the manifest: {self.known_fail[key]}"
        return None

    @property
    def family(self) -> str | None:
        """The target HMM's family from its spec ('linear:3' -> 'linear'); None when not known here."""
        return self.hmm.split(":")[0] if self.hmm and ":" in self.hmm else None

    def runs(self, claim, reading: str = "strict") -> bool:
        if claim.across or not claim.applies(self.family):
            return False
        rd = claim.reading(reading)
        return (self.claims is None or claim.id in self.claims or self.must_fail(claim, reading)
                or bool(rd.cannot_reject(self.control)))


def cohort(claim, cases: list[Case], known_fail: dict | None = None) -> Case:
    """The one case of a claim decided across checkpoints: every trained case of the claim's families."""
    members = [c for c in cases if c.control is None and claim.applies(c.family)]
    whys = {k: v for k, v in (known_fail or {}).items() if k.split(":")[0] == claim.id}
    return Case(claim.across, "", None, None, None, {"members": members}, whys)


def runs_case(claim, runs_dir, known_fail: dict | None = None) -> Case:
    """The one case of a claim decided over a folder of training runs: named RUNS, its path the folder."""
    whys = {k: v for k, v in (known_fail or {}).items() if k.split(":")[0] == claim.id}
    return Case(RUNS, str(runs_dir), None, None, None, {"runs_dir": str(runs_dir)}, whys)


def cohort_known_fail(fixtures_dir: Path) -> dict:
    """Claim id -> why the manifest expects its across-checkpoint verdict to fail ('cohort_expected_fail')."""
    path = Path(fixtures_dir) / MANIFEST
    return dict(json.loads(path.read_text()).get("cohort_expected_fail") or {}) if path.exists() else {}


def from_manifest(fixtures_dir: Path) -> list[Case]:
    """Cases listed in fixtures/manifest.json (trained fixtures and controls), except entries marked
    ``"ci": false``: checkpoints kept for comparison (a seed at an earlier epoch) that would count the same
    seed twice in the replication summary; ``--checkpoint`` and ``hmmrnn audit`` still judge them."""
    path = Path(fixtures_dir) / MANIFEST
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    cases = []
    for e in data.get("fixtures", []):
        if e.get("ci") is False:
            continue
        cases.append(Case(e["name"], str(Path(fixtures_dir) / e["path"]), e.get("hmm"), e.get("control"),
                          tuple(e["claims"]) if e.get("claims") is not None else None,
                          {k: e[k] for k in ("seed", "family") if k in e}, dict(e.get("expected_fail") or {})))
    return cases


def from_paths(paths: list[str], hmm: str | None) -> list[Case]:
    """A case per checkpoint file (a folder gives its *.pt / *.pth files); names made unique."""
    cases, seen = [], {}
    for p in paths:
        files = find_checkpoints(p)
        if not files:  # an empty folder still shows up, as an ERROR
            files = [Path(p)]
        for f in files:
            stem = f.parent.name if f.stem in ("final", "best", "model") else f.stem
            if f.parent.name == "evolution" and f.stem.startswith("epoch_"):  # RUN@EPOCH: one seed's late phase
                stem = f"{f.parent.parent.name}@{int(f.stem.split('_')[1])}"
            n = seen.get(stem, 0)
            seen[stem] = n + 1
            cases.append(Case(stem if n == 0 else f"{stem}-{n}", str(f), hmm))
    return cases
