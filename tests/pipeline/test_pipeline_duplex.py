from sohoa.pipeline.stages import mark_duplex_sides
from sohoa.records import Page


def _page(source: str, index: int) -> Page:
    return Page(source=source, index=index, source_sha256="0" * 64,
                data=f"{source}{index}".encode(), mime="image/jpeg", width=10, height=10, dpi=200)


def test_sides_alternate_within_a_file_and_along_single_page_files() -> None:
    pages = [_page("a.pdf", i) for i in range(4)]
    pages += [_page(f"p{i:02d}.jpg", 0) for i in range(3)]
    pages += [_page("b.tif", i) for i in range(2)]
    sides = [p.side for p in mark_duplex_sides(pages)]
    assert sides == ["front", "back", "front", "back",
                     "front", "back", "front",
                     "front", "back"]


def test_marking_sides_keeps_the_page_identity() -> None:
    pages = [_page("a.pdf", i) for i in range(2)]
    marked = mark_duplex_sides(pages)
    assert [p.sha256 for p in marked] == [p.sha256 for p in pages]
