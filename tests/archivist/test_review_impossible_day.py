"""tester10 F28: `review set ID issue_date 2020-02-30` was answered "không phải ngày … chạy lại
với --force", offering to store 30 February. A day the calendar lacks is refused outright,
--force or not; --force stays for what is unlikely but possible (a check digit, a form)."""

from __future__ import annotations

from archivist_helpers import opened, store
from click.testing import CliRunner, Result

from sohoa.cli.main import cli
from sohoa.pipeline.settings import Settings


def test_an_impossible_day_is_refused_without_offering_force(settings: Settings) -> None:
    with opened(settings) as archive:
        doc_id = store(archive, None, "card")

    def review_set(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--home", str(settings.home), "review", "set", doc_id,
                                        *args, "--by", "lan"],
                                  env={"SOHOA_HOME": None, "COLUMNS": "250"})

    for typed in ("2020-02-30", "30/02/2020"):
        refused = review_set("issue_date", typed)
        assert refused.exit_code == 2, refused.output
        assert "ngày không tồn tại: tháng 2 năm 2020 không có ngày 30" in refused.output
        assert "--force" not in refused.output, refused.output
        forced = review_set("issue_date", typed, "--force", "--reason", "giấy ghi vậy")
        assert forced.exit_code == 2 and "ngày không tồn tại" in forced.output, forced.output
    # review11 L3: year 0 is said as such, not as a month lacking a day
    zero = review_set("issue_date", "01/02/0000")
    assert zero.exit_code == 2 and "ngày không tồn tại: không có năm 0" in zero.output, (
        zero.output)
    # text that is no day at all may still be what the paper says: --force is offered
    odd = review_set("issue_date", "mùa xuân 2020")
    assert odd.exit_code == 2 and "--force" in odd.output, odd.output
    # tester11 F5: the caption typed, unaccented too; the message says the caption, not the key
    caption = review_set("ngay cap", "31/04/2021")
    assert caption.exit_code == 2, caption.output
    assert "Ngày cấp '31/04/2021': ngày không tồn tại" in caption.output, caption.output
    assert "issue_date" not in caption.output, caption.output
    assert "Ngày cấp 'mùa xuân 2020'" in odd.output, odd.output
    assert review_set("issue_date", "29/02/2020").exit_code == 0
