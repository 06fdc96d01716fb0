from pathlib import Path

import pytest

from sohoa.errors import ConfigError
from sohoa.pipeline.settings import CONFIG_TEMPLATE, load_settings


def test_defaults_live_in_home(tmp_path: Path) -> None:
    s = load_settings(home=tmp_path, environ={})
    assert s.db == f"sqlite:///{tmp_path}/catalog.db"
    assert s.blobs == f"file:///{tmp_path}/blobs"
    assert s.search == f"tantivy:///{tmp_path}/index"
    assert s.broker == ""
    assert s.ocr_jobs >= 1
    assert s.signing_level == "B-B"


def test_file_then_environment_override(tmp_path: Path) -> None:
    (tmp_path / "sohoa.toml").write_text(
        CONFIG_TEMPLATE.format(unit="H19.22", agency="UBND huyện Vĩnh Cửu"), encoding="utf-8")
    s = load_settings(home=tmp_path, environ={})
    assert s.unit == "H19.22"
    assert s.agency == "UBND huyện Vĩnh Cửu"
    env = {"SOHOA_HOME": str(tmp_path), "SOHOA_DB": "postgresql+psycopg://x/y",
           "SOHOA_OCR_JOBS": "3", "SOHOA_SIGNING_LEVEL": "b-t"}
    s = load_settings(environ=env)
    assert s.db == "postgresql+psycopg://x/y"
    assert s.ocr_jobs == 3
    assert s.signing_level == "B-T"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("db = ", "không phải TOML hợp lệ"),
        ("colour = 'red'", "không có thiết lập colour"),
        ("[signing]\nlevel = 'B-X'", "hãy chọn auto, B-B"),
        ("[ocr]\njobs = 'many'", "ocr.jobs = 'many' phải là số nguyên"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "sohoa.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(home=tmp_path, environ={})


def test_bad_environment_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SOHOA_OCR_JOBS"):
        load_settings(home=tmp_path, environ={"SOHOA_OCR_JOBS": "two"})


def test_archival_level_follows_the_timestamp_authority(tmp_path: Path) -> None:
    assert load_settings(home=tmp_path, environ={}).signing_level == "B-B"
    env = {"SOHOA_SIGNING_TSA_URL": "http://127.0.0.1:9/tsa"}
    assert load_settings(home=tmp_path, environ=env).signing_level == "B-LTA"
    env["SOHOA_SIGNING_LEVEL"] = "B-T"
    assert load_settings(home=tmp_path, environ=env).signing_level == "B-T"
