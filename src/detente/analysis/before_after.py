"""The forecast before and after a change: outcomes per issue and model, and the
agreement verdict, side by side (``whatif`` and ``flip``)."""

from __future__ import annotations

from typing import Any

__all__ = ["compare_documents"]


def compare_documents(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Outcomes per issue and model, and the agreement verdict, before and after."""
    rows = []
    for issue_b, issue_a in zip(before["issues"], after["issues"], strict=True):
        for entry_b, entry_a in zip(issue_b["forecasts"], issue_a["forecasts"], strict=True):
            old, new = entry_b["outcome"], entry_a["outcome"]
            row: dict[str, Any] = {
                "issue": issue_b["id"],
                "model": entry_b["model"],
                "before": old,
                "after": new,
                "change": None if old is None or new is None else new - old,
                "anchor_before": (entry_b.get("nearest_anchor") or {}).get("label"),
                "anchor_after": (entry_a.get("nearest_anchor") or {}).get("label"),
            }
            if "p_agreement" in entry_b:
                row["p_agreement"] = [entry_b["p_agreement"], entry_a.get("p_agreement")]
            rows.append(row)
    out: dict[str, Any] = {"outcomes": rows}
    if "agreement" in before:
        old_a, new_a = before["agreement"], after["agreement"]
        out["agreement"] = {
            "possible": [old_a["possible"], new_a["possible"]],
            "changed": old_a["possible"] != new_a["possible"],
            "gaps": {k: [_gap(old_a, k), _gap(new_a, k)] for k in old_a["issues"]},
            "explanation": [old_a["explanation"], new_a["explanation"]],
        }
    return out


def _gap(agreement: dict[str, Any], issue: str) -> float:
    gap = agreement["issues"][issue]["gap"]
    return 0.0 if gap is None else float(gap["size"])
