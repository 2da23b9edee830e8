"""Keep each checkpoint of fixtures/ once: a .pt file that is byte for byte another checkpoint of the same run (a
run's final.pt or best.pt is one of its evolution checkpoints) or of the run a control is built from (a
pre-bifurcation control's evolution is its base run's) becomes a relative symbolic link to it. The JSON beside
each file stays a file of its own (its metadata differ). fixtures/ has 150 MB in all (issue 30).

    python scripts/dedupe_fixtures.py            # link, and say what was linked and how much it saves
    python scripts/dedupe_fixtures.py --check    # only say it

Byte-identical files that belong to unrelated fixtures (two families' networks of one seed share their
initialisation) are left as they are: a link between them would say they are one network by design.
Run again after `hmmrnn fixture` or `hmmrnn controls` rewrite a fixture: they write plain files.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import sys
from pathlib import Path

FIXTURES = Path("fixtures")


def run_of(path: Path, root: Path) -> tuple[str, str]:
    """(top folder, run folder) of a checkpoint: fixtures/linear2-seed0/evolution/epoch_0020.pt ->
    ("linear2-seed0", "linear2-seed0"); fixtures/controls/linear2-seed0-pre-bifurcation/final.pt ->
    ("controls", "linear2-seed0-pre-bifurcation"); a loose control file (controls/X-untrained.pt) -> ("controls", "")."""
    parts = path.relative_to(root).parts
    if parts[0] == "controls":
        return parts[0], parts[1] if len(parts) > 2 else ""
    return parts[0], parts[0]


def related(a: Path, b: Path, root: Path) -> bool:
    """Whether b may stand for a: the same run folder, or a's run is a control built from b's run
    (controls/NAME-KIND/... and NAME/...)."""
    (ta, ra), (tb, rb) = run_of(a, root), run_of(b, root)
    if ra and (ta, ra) == (tb, rb):
        return True
    return ta == "controls" and tb != "controls" and bool(ra) and ra.startswith(rb + "-")


def plan(root: Path) -> list[tuple[Path, Path]]:
    """[(file to link, the file it equals)]: every regular .pt file that equals, byte for byte, a regular .pt file
    of a related run (related()); the target is the evolution checkpoint of the base run where there is one."""
    files = sorted(p for p in root.rglob("*.pt") if p.is_file() and not p.is_symlink()
                   and p.relative_to(root).parts[0] != "partial")  # the campaign's packs keep final.pt once already
    by_size: dict[int, list[Path]] = {}
    for p in files:
        by_size.setdefault(p.stat().st_size, []).append(p)
    out = []
    for group in by_size.values():
        # targets first: a trained run's evolution checkpoints, then the rest (controls, final.pt, best.pt)
        group = sorted(group, key=lambda p: (run_of(p, root)[0] == "controls", p.parent.name != "evolution", str(p)))
        linked: set[Path] = set()
        for i, a in enumerate(group):
            if a in linked:
                continue
            for b in group[i + 1:]:
                if b not in linked and related(b, a, root) and filecmp.cmp(a, b, shallow=False):
                    out.append((b, a))
                    linked.add(b)
    return out


def link(path: Path, target: Path) -> None:
    """Replace path by a relative symbolic link to target, atomically (a reader sees the file or the link)."""
    tmp = path.with_name(f".{path.name}.link")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(os.path.relpath(target, path.parent))
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="say what would be linked, change nothing")
    ap.add_argument("--fixtures", default=str(FIXTURES))
    a = ap.parse_args(argv)
    root = Path(a.fixtures)
    if not root.is_dir():
        print(f"dedupe_fixtures: {root}: no such folder", file=sys.stderr)
        return 2
    todo = plan(root)
    saved = 0
    for path, target in todo:
        saved += path.stat().st_size
        print(f"{'would link' if a.check else 'linked'} {path} -> {os.path.relpath(target, path.parent)}")
        if not a.check:
            link(path, target)
    print(f"{len(todo)} file(s), {saved / 1e6:.1f} MB {'to save' if a.check else 'saved'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
