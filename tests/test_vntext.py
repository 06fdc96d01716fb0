"""fold keeps a word's fold (sohoa.vntext): a kept answer is the fold itself, for words of
every case and mark, and a text longer than a word is folded the same way, afresh."""

from __future__ import annotations

from sohoa.vntext import _fold, _fold_word, fold


def test_a_kept_fold_is_the_fold() -> None:
    words = ["Đồng", "NGUYỄN", "hữu", "Ưng", "qUỳnh", "đ", "", "Lưu:", "(Ký,"]
    for word in words * 3:  # asked again: from the cache
        assert fold(word) == _fold(word)
    assert _fold_word.cache_info().hits >= len(words)
    assert [fold(w) for w in words[:3]] == ["dong", "nguyen", "huu"]
    text = "Cộng hòa xã hội chủ nghĩa Việt Nam — Độc lập, Tự do, Hạnh phúc " * 3
    misses = _fold_word.cache_info().currsize
    assert fold(text) == _fold(text) and _fold_word.cache_info().currsize == misses
