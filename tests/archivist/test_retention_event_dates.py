"""tester10 F35: `retention event` recorded a death or a closing dated in the future as a fact,
said the day in ISO, and replaced an earlier day without a word."""

from __future__ import annotations

import json
from datetime import timedelta

from archivist_helpers import opened, store
from click.testing import CliRunner
from sqlalchemy import select

from sohoa.archive.archivist_models import RetentionEvent
from sohoa.cli.main import cli
from sohoa.clock import shown_date, vietnam_today
from sohoa.pipeline.settings import Settings


def _event(settings: Settings, *args: str) -> tuple[int, str, str]:
    ran = CliRunner().invoke(cli, ["--home", str(settings.home), "retention", "event", *args],
                             env={"SOHOA_USER": "Lê Thu Hà"})
    return ran.exit_code, ran.stdout, ran.stderr


def test_a_day_that_has_not_come_is_refused_and_a_replacement_is_said(
        settings: Settings) -> None:
    with opened(settings) as archive:
        store(archive, None, "a", owner_id="075090687246", dossier="H19.22-240816-2379")
    # two days on: not a day another clock a few minutes ahead could already be in
    later = vietnam_today() + timedelta(days=2)
    for args in (("--owner", "075090687246", "--died", f"{later:%d/%m/%Y}"),
                 ("--dossier", "H19.22-240816-2379", "--closed", "01/01/2031")):
        code, _out, err = _event(settings, *args)
        assert code == 2, (args, err)
        assert err.startswith("lỗi: ngày ") and "chưa tới" in err and "hôm nay là" in err, err
    with opened(settings) as archive, archive.transaction(write=False) as conn:
        assert conn.execute(select(RetentionEvent)).first() is None  # nothing recorded
    # today (Viet Nam's day) is no future: taken, said as papers print it
    today = vietnam_today()
    code, out, err = _event(settings, "--owner", "075090687246", "--died", f"{today:%d/%m/%Y}")
    assert code == 0, err
    assert out.strip() == f"chủ sở hữu 075090687246: mất ngày {shown_date(today)}", out
    code, out, err = _event(settings, "--owner", "075090687246", "--died", "01/01/2020")
    assert code == 0, err
    assert f"mất ngày 01/01/2020 (thay ngày {shown_date(today)} đã ghi trước đó)" in out, out
    code, out, err = _event(settings, "--owner", "075090687246", "--died", "01/01/2020",
                            "--json")
    assert code == 0 and json.loads(out)["replaced"] is None, out
