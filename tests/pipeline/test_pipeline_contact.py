"""bag-info's Contact-Name names a person or the agency, never a login such as "root"."""

from __future__ import annotations

from pathlib import Path

import pytest

from sohoa.pipeline.exportjob import contact_name
from sohoa.pipeline.lookup import os_user
from sohoa.pipeline.settings import load_settings


def test_contact_is_the_agency_when_only_the_login_is_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOHOA_USER", raising=False)
    settings = load_settings(home=tmp_path, environ={})
    assert contact_name(settings, os_user()) == settings.agency == "UBND tỉnh Đồng Nai"
    assert contact_name(settings, "") == settings.agency


def test_contact_is_the_named_archivist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(home=tmp_path, environ={})
    assert contact_name(settings, "Trần Thị Bích") == "Trần Thị Bích"
    monkeypatch.setenv("SOHOA_USER", os_user())  # a login chosen on purpose is a name
    assert contact_name(settings, os_user()) == os_user()
