"""A signing level that needs a timestamp authority, with none configured, is refused before
anything is signed, in Vietnamese, naming the setting to change."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sohoa.errors import ConfigError
from sohoa.pipeline.services import _need_tsa
from sohoa.vntext import nfc


def test_a_level_without_its_timestamp_authority_is_refused_in_vietnamese() -> None:
    with pytest.raises(ConfigError) as refused:
        _need_tsa(SimpleNamespace(signing_level="B-LTA", tsa_url=""))  # type: ignore[arg-type]
    said = str(refused.value)
    assert said == nfc(said) and "dấu thời gian" in said and "signing.tsa_url" in said
    assert "needs" not in said and refused.value.exit_code == 2
    _need_tsa(SimpleNamespace(signing_level="B-B", tsa_url=""))  # type: ignore[arg-type]
