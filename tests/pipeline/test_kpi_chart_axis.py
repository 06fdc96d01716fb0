"""The KPI chart of dossiers received per month counts whole dossiers, written as Vietnamese
writes numbers (tester13 F16: its axis ran 0.5, 1.0 … 3.0 — half dossiers, decimal dots)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt

from sohoa.pipeline.kpireport import count_axis


def test_the_received_axis_has_whole_dossiers_only() -> None:
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=120)
    try:
        ax.bar(["10/2026", "11/2026", "12/2026"], [1, 3, 2])
        count_axis(ax.yaxis)
        fig.canvas.draw()
        ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    finally:
        plt.close(fig)
    assert ticks and all(t.isdigit() for t in ticks), ticks
    assert "3" in ticks


def test_thousands_are_apart_by_a_space_not_a_dot_or_comma() -> None:
    fig, ax = plt.subplots()
    try:
        ax.bar(["01/2026"], [12_000])
        count_axis(ax.yaxis)
        fig.canvas.draw()
        ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    finally:
        plt.close(fig)
    assert "3 000" in ticks and not [t for t in ticks if "," in t or "." in t], ticks
