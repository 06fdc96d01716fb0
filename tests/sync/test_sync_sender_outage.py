"""The background sender during a long outage: it waits longer and longer and says so
rarely (tester14 F9: a warning every 2 s per worker for as long as PostgreSQL was down)."""

from __future__ import annotations

from sohoa.pipeline.sync import SenderOutage


def test_a_night_long_outage_is_said_a_few_times_and_waits_grow() -> None:
    outage = SenderOutage(poll_s=2.0)
    now, said, waits = 0.0, [], []
    while now < 8 * 3600:  # a night with the catalog down
        line = outage.failed(ConnectionError("Mất kết nối tới máy chủ PostgreSQL"), now)
        if line:
            said.append(line)
        waits.append(outage.wait_s)
        now += outage.wait_s
    assert said[0].startswith("đồng bộ: bộ gửi dừng (Mất kết nối")
    assert "vẫn chưa chạy lại được" in said[-1] and "lần" in said[-1]
    assert len(said) < 60  # one every ten minutes at most once the waits are long
    assert waits[:4] == [2.0, 4.0, 8.0, 16.0] and max(waits) == SenderOutage.MAX_WAIT_S


def test_a_failure_long_after_the_last_is_a_new_outage() -> None:
    outage = SenderOutage(poll_s=2.0)
    for n in range(6):
        outage.failed(OSError("x"), float(n))
    assert outage.wait_s > 2.0
    line = outage.failed(OSError("y"), 10_000.0)
    assert outage.wait_s == 2.0 and line == "đồng bộ: bộ gửi dừng (y); đang chạy lại"


def test_after_a_recovery_the_next_failure_is_said_at_once() -> None:
    outage = SenderOutage(poll_s=2.0)
    for n in range(9):
        outage.failed(OSError("x"), float(n))
    outage.reset()  # the sender ran a while (review14a N5)
    assert outage.failed(OSError("z"), 20.0) == "đồng bộ: bộ gửi dừng (z); đang chạy lại"
    assert outage.wait_s == 2.0
