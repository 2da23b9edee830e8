"""How close a verdict is to its cut, measured against the statistic's noise (issue 33).

The noise of a thresholded statistic is its standard error under the rollout's random draws: the spread of one
checkpoint's value over claims seeds, measured by scripts/reliability.py on a sample fixed in advance (the final
checkpoint of each family's first audited seed, claims seeds 1, 2, 3 and the default; a network's family's spread,
the largest over the sample where its family was not measured) and committed in fixtures/reliability/reliability.json. A statistic within NEAR standard errors of its cut
is *near the cut*: the verdict is still pass or fail by the number, and the report, the CI output and the notebook
result say so. A late checkpoint near the cut is undecided for its seed (hmmrnn.seeds).
"""
from __future__ import annotations

import json
from pathlib import Path

NEAR = 2.0  # standard errors; fixed in advance
TABLE = Path("reliability") / "reliability.json"  # under the fixtures folder


def noise_from_lines(lines: list[dict]) -> dict[tuple, float]:
    """{(claim, reading, statistic): standard error, the largest over the sample's families} and
    {(claim, reading, statistic, family): that family's} from the test-retest table's lines."""
    out = {(x["claim"], x["reading"], x["statistic"]): float(x["draw_sd"]) for x in lines if x.get("draw_sd")}
    for x in lines:
        for fam, sd in (x.get("draw_sd_by_family") or {}).items():
            out[(x["claim"], x["reading"], x["statistic"], fam)] = float(sd)
    return out


def noise_table(fixtures: Path | str | None = None) -> dict[tuple, float]:
    """noise_from_lines of the committed table ({} when there is none)."""
    path = Path(fixtures if fixtures is not None else Path(__file__).resolve().parents[1] / "fixtures") / TABLE
    try:
        lines = json.loads(path.read_text()).get("lines", [])
    except (OSError, ValueError):
        return {}
    return noise_from_lines(lines)


def standard_error(noise: dict[tuple, float], claim: str, reading: str, statistic: str,
                   family: str | None = None) -> float | None:
    """The statistic's standard error for a network of this family (its family's sample), else the largest."""
    if family is not None and (claim, reading, statistic, family) in noise:
        return noise[(claim, reading, statistic, family)]
    return noise.get((claim, reading, statistic))


def standard_errors(noise: dict[tuple, float], claim: str, reading: str, thresholds: list[dict],
                    family: str | None = None) -> dict[str, float]:
    """{statistic: standard error} of a reading's thresholded statistics that have a measured one (its family's
    where measured, else the largest over the sample): what every result row carries beside its statistics."""
    out = {}
    for t in thresholds:
        se = standard_error(noise, claim, reading, t["statistic"], family)
        if se is not None:
            out[t["statistic"]] = se
    return out


def near_thresholds(claim: str, reading: str, statistics: dict, thresholds: list[dict], noise: dict[tuple, float],
                    family: str | None = None) -> list[tuple[dict, float, float]]:
    """(threshold, observed value, standard error) of each threshold whose statistic lies within NEAR standard
    errors of its cut (statistics without a measured standard error, and booleans, never)."""
    out = []
    for t in thresholds:
        se = standard_error(noise, claim, reading, t["statistic"], family)
        v = statistics.get(t["statistic"])
        if not se or isinstance(v, bool) or not isinstance(v, (int, float)) or isinstance(t["value"], bool):
            continue
        if abs(float(v) - float(t["value"])) < NEAR * se:
            out.append((t, float(v), se))
    return out


def near_cut(claim: str, reading: str, statistics: dict, thresholds: list[dict],
             noise: dict[tuple, float], family: str | None = None) -> list[str]:
    """near_thresholds described with the value and the standard error ("x >= 1 (observed 1.05, se 0.1)")."""
    return [f"{t['statistic']} {t['op']} {t['value']:g} (observed {v:.4g}, se {se:.3g})"
            for t, v, se in near_thresholds(claim, reading, statistics, thresholds, noise, family)]
