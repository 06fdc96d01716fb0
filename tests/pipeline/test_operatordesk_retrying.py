"""The jobs page's "đang xử lý lại" list names the files a server thread re-ingests: the
citizens' papers, so it follows the quarantine list's rule (review #9): desk staff see their
own unit's, a desk user with no unit none, an admin all."""

from __future__ import annotations

from pathlib import Path

from sohoa.archive.policy import Caller
from sohoa.pipeline import operatordesk
from sohoa.pipeline.home import init_home
from sohoa.pipeline.operatordesk import OperatorDesk
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings


def test_the_retry_list_shows_each_caller_only_their_units_files(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    init_home(home, unit="H19.22", agency="UBND tỉnh Đồng Nai", dev_key=False)
    settings = load_settings(home=home, environ={})
    monkeypatch.setattr(operatordesk, "_RUNNING", {"/q/ho-so-a.pdf": "H19.22",
                                                   "/q/ho-so-b.pdf": "H19.23"})
    with open_archive(settings) as archive:
        desk = OperatorDesk(archive, settings)

        def seen(role: str, unit: str) -> list[str]:
            return desk.status(Caller("lan", role, unit, "web"))["retrying"]

        assert seen("desk", "H19.22") == ["ho-so-a.pdf"]
        assert seen("desk", "H19.23") == ["ho-so-b.pdf"]
        assert seen("desk", "") == []  # no unit: no other unit's file names
        assert seen("admin", "") == ["ho-so-a.pdf", "ho-so-b.pdf"]
