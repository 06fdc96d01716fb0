"""`sohoa synth year`: a generated year of dossier events loaded into the archive, with the
true ratios it was generated with (for the KPI report's demo and tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from sohoa.cli import paths
from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State, pass_state


class WithYear(click.Command):
    """`sohoa synth year …` runs the year generator; `sohoa synth DIR …` makes scans as before
    (one command name, as the issue asks, without turning `synth DIR` into a group)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] == "year":
            ctx.meta["sohoa.synth_year"] = args[1:]
            return []
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        rest = ctx.meta.get("sohoa.synth_year")
        if rest is not None:
            return synth_year.main(rest, prog_name="sohoa synth year", standalone_mode=False,
                                   obj=ctx.find_object(State))
        return super().invoke(ctx)


@click.command()
@click.option("--year", type=int, default=2025, show_default=True, metavar="NĂM",
              help="Năm của các sự kiện.")
@click.option("--seed", type=int, default=1, show_default=True, metavar="SỐ",
              help="Hạt giống ngẫu nhiên: cùng số thì cùng một năm.")
@click.option("--dossiers", type=click.IntRange(1, 1_000_000), default=600, show_default=True,
              metavar="SỐ", help="Số hồ sơ trong năm.")
@click.option("--truth", type=paths.OUTPUT_FILE, metavar="TỆP",
              callback=paths.output_file,
              help="Ghi số liệu chỉ tiêu thật (đã dùng để tạo) vào tệp này (JSON).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def synth_year(state: State, year: int, seed: int, dossiers: int, truth: Path | None,
               as_json: bool) -> None:
    """Tạo các sự kiện hồ sơ của một năm (tất định) và nạp vào kho thử nghiệm."""
    from sohoa.pipeline import dossierdesk, synthyear

    def progress(done: int, total: int) -> None:
        if not as_json:
            out.print(f"  {done}/{total} sự kiện", end="\r")

    from sohoa.synth.year import generate

    synthyear.require_test_archive(state.settings)
    generated = generate(dossierdesk.catalogue(state.settings), dossierdesk.units(state.settings),
                         year=year, seed=seed, dossiers=dossiers)
    with dossierdesk.with_archive(state.settings) as archive:
        made = {"year": year, "seed": seed, "dossiers": dossiers,
                **synthyear.make_year(archive, state.settings, generated, progress=progress)}
    if truth:
        truth.write_text(json.dumps(made["truth"], ensure_ascii=False, indent=1),
                         encoding="utf-8")
    if as_json:
        emit_json(made)
        return
    from sohoa.pipeline.kpireport import SHORT

    out.print(f"\nđã nạp {dossiers} hồ sơ năm {year} ({sum(made['events'].values())} sự kiện)")
    # What the generator made, for the manager to hold the report's figures against: the
    # indicator's name first, its code in brackets as the report prints it (tester16 F3).
    out.print("số liệu bộ sinh đã tạo (để đối chiếu với báo cáo chỉ số):")
    for code, value in made["truth"]["overall"].items():
        out.print(f"  {SHORT.get(code, code)} [{code}]: "
                  f"{value['numerator']}/{value['denominator']}")
