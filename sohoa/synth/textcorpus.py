"""A fast, text-only generator of Vietnamese archive documents for search benchmarks.

No images, no PDFs: each document is the catalog row and recognized text that ingest would have
stored (~400 words of administrative Vietnamese, NFC), so millions can be made in minutes.
Owners are Zipf-distributed, as at a real desk: a few citizens and companies come back again
and again, most appear once. Deterministic for a seed.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sohoa.vntext import nfc

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Kim", "Xuân")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khoa", "Long", "Nam",
         "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Anh", "Chi", "Dung", "Giang",
         "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Oanh", "Phương",
         "Thảo", "Trang", "Uyên", "Vân", "Yến")
COMPANY = ("An Phát", "Hưng Thịnh", "Phú Quý", "Minh Khang", "Đại Lộc", "Tân Tiến", "Sông Đồng",
           "Bình Minh", "Thành Công", "Việt Hưng", "Long Thành", "Đông Á")
PLACES = ("phường Tân Phong, thành phố Biên Hòa", "xã Hóa An, thành phố Biên Hòa",
          "phường Xuân An, thành phố Long Khánh", "xã Phước Thiền, huyện Nhơn Trạch",
          "thị trấn Trảng Bom, huyện Trảng Bom", "xã Xuân Lộc, huyện Xuân Lộc",
          "phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh", "xã Long An, huyện Long Thành",
          "phường Thống Nhất, thành phố Biên Hòa", "xã Gia Tân 1, huyện Thống Nhất")
UNITS = tuple(f"H19.{n:02d}" for n in range(20, 32))
# (code, title, issuing body pattern, validity in days or None = permanent, share)
TYPES = (
    ("birth_certificate", "GIẤY KHAI SINH", "UBND {place}", None, 14),
    ("citizen_id_card", "CĂN CƯỚC CÔNG DÂN", "Cục Cảnh sát QLHC về TTXH", 5475, 12),
    ("residence_confirmation", "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "Công an {place}", 365, 10),
    ("marriage_certificate", "GIẤY CHỨNG NHẬN KẾT HÔN", "UBND {place}", None, 6),
    ("business_registration", "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP",
     "Sở Kế hoạch và Đầu tư tỉnh Đồng Nai", None, 8),
    ("land_use_certificate", "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", "Sở Tài nguyên và Môi trường",
     None, 10),
    ("construction_permit", "GIẤY PHÉP XÂY DỰNG", "UBND {place}", 730, 6),
    ("application_form", "ĐƠN ĐỀ NGHỊ", "", None, 12),
    ("decision", "QUYẾT ĐỊNH", "UBND tỉnh Đồng Nai", None, 10),
    ("power_of_attorney", "GIẤY ỦY QUYỀN", "Văn phòng công chứng {place}", 365, 5),
    ("judicial_record", "PHIẾU LÝ LỊCH TƯ PHÁP", "Sở Tư pháp tỉnh Đồng Nai", 180, 7),
)
# Administrative phrases, most common first: drawn with Zipf-like weights, so some words are in
# most documents and many are rare, as in real text.
PHRASES = tuple(nfc(p) for p in (
    "của", "và", "theo", "về việc", "hồ sơ", "thủ tục hành chính", "cơ quan", "công dân",
    "Ủy ban nhân dân", "căn cứ", "quy định", "đề nghị", "giải quyết", "tiếp nhận", "kết quả",
    "trả kết quả", "bộ phận một cửa", "thời hạn", "ngày làm việc", "giấy tờ", "bản sao",
    "chứng thực", "điện tử", "số hóa", "lưu trữ", "cấp", "cấp đổi", "cấp lại", "đăng ký",
    "hộ tịch", "cư trú", "thường trú", "tạm trú", "quyền sử dụng đất", "tài sản gắn liền với đất",
    "thửa đất số", "tờ bản đồ số", "diện tích", "mét vuông", "mục đích sử dụng", "đất ở",
    "đất trồng cây lâu năm", "nguồn gốc sử dụng", "công nhận", "chuyển nhượng", "thừa kế",
    "tặng cho", "thế chấp", "xây dựng", "nhà ở riêng lẻ", "giấy phép", "công trình", "số tầng",
    "chiều cao", "mật độ xây dựng", "chỉ giới", "doanh nghiệp", "vốn điều lệ", "người đại diện",
    "theo pháp luật", "ngành nghề kinh doanh", "trụ sở chính", "mã số doanh nghiệp", "cổ đông",
    "thành viên góp vốn", "kết hôn", "khai sinh", "khai tử", "nhận cha mẹ con", "giám hộ",
    "lý lịch tư pháp", "án tích", "không có án tích", "ủy quyền", "bên ủy quyền",
    "bên được ủy quyền", "phạm vi ủy quyền", "thời hạn ủy quyền", "công chứng viên",
    "văn phòng công chứng", "chữ ký số", "dấu", "hiệu lực", "kể từ ngày ký", "chịu trách nhiệm",
    "thi hành", "nơi nhận", "lưu văn thư", "chủ tịch", "phó chủ tịch", "trưởng phòng",
    "cán bộ tiếp nhận", "người nộp hồ sơ", "số điện thoại", "địa chỉ", "nơi sinh", "quê quán",
    "dân tộc Kinh", "quốc tịch Việt Nam", "giới tính", "ngày sinh", "số định danh cá nhân",
    "căn cước", "hộ khẩu", "sổ hộ khẩu", "xác nhận", "kiểm tra", "thẩm định", "phê duyệt",
    "từ chối", "bổ sung", "hoàn thiện", "hướng dẫn", "tra cứu", "tái sử dụng", "dữ liệu",
    "cơ sở dữ liệu quốc gia về dân cư", "dịch vụ công trực tuyến", "thanh toán", "lệ phí",
    "phí", "miễn", "giảm", "đúng hạn", "quá hạn", "trễ hạn", "xin lỗi", "phản ánh", "kiến nghị",
    "khiếu nại", "tố cáo", "hòa giải", "tranh chấp", "ranh giới", "mốc giới", "đo đạc",
    "bản đồ địa chính", "quy hoạch", "kế hoạch sử dụng đất", "thu hồi đất", "bồi thường",
    "hỗ trợ", "tái định cư", "giao đất", "cho thuê đất", "gia hạn", "điều chỉnh", "đính chính",
    "sông Đồng Nai", "thành phố Biên Hòa", "tỉnh Đồng Nai", "huyện Nhơn Trạch", "Long Khánh",
    "Trảng Bom", "Xuân Lộc", "Cẩm Mỹ", "Định Quán", "Tân Phú", "Vĩnh Cửu", "Thống Nhất",
    "khu công nghiệp", "khu dân cư", "đường Phạm Văn Thuận", "đường Võ Thị Sáu", "quốc lộ 1A",
    "quốc lộ 51", "cầu Hóa An", "chợ Biên Hòa", "bệnh viện Đa khoa Đồng Nai", "trường học",
    "môi trường", "phòng cháy chữa cháy", "an toàn", "vệ sinh", "thực phẩm", "nông nghiệp",
    "cây ăn trái", "cao su", "hồ tiêu", "cà phê", "chăn nuôi", "thủy sản", "khai thác cát",
    "vật liệu xây dựng", "giao thông", "vận tải", "điện", "nước sạch", "viễn thông",
))
WORDS_PER_DOC = 400
_CHUNKS = 8192  # pre-drawn runs of phrases that documents are assembled from (for speed)
_CHUNK_PHRASES = 12


@dataclass(frozen=True)
class TextDoc:
    """One generated document: what the catalog and the search index would hold."""

    document_id: str
    doc_type: str
    title: str
    text: str
    owner_id: str
    owner_name: str
    owner_kind: str
    dossier_code: str
    unit: str
    issue_date: date
    valid_until: date | None
    document_number: str
    issuing_body: str


class Corpus:
    """``n`` documents of ``owners`` owners (Zipf, exponent ``zipf_s``), deterministic."""

    def __init__(self, n: int, *, seed: int = 7, owners: int | None = None,
                 zipf_s: float = 1.0, zipf_q: float = 200.0,
                 words: int = WORDS_PER_DOC) -> None:
        self.n = n
        self.seed = seed
        self.words = words
        self.owner_count = owners or max(1, n // 3)
        rng = random.Random(seed)
        ranks = range(1, self.owner_count + 1)
        # Zipf–Mandelbrot, p(rank) ∝ 1/(rank + q)^s: a long tail of one-time owners and a head
        # of frequent ones, without a single owner holding a tenth of the archive.
        self._owner_cum = list(itertools.accumulate(1.0 / (r + zipf_q) ** zipf_s
                                                    for r in ranks))
        # Owner ids are shuffled so that the most frequent owner is not always id 0.
        self._owner_ids = [self._owner_id(rng, i) for i in range(self.owner_count)]
        self._phrase_cum = list(itertools.accumulate(
            1.0 / (r + 3) for r in range(len(PHRASES))))
        self._type_cum = list(itertools.accumulate(t[4] for t in TYPES))
        self._chunks = [" ".join(rng.choices(PHRASES, cum_weights=self._phrase_cum,
                                             k=_CHUNK_PHRASES)) for _ in range(_CHUNKS)]
        chunk_words = sum(len(c.split()) for c in self._chunks) / _CHUNKS
        self._chunks_per_doc = max(1, round((words - 40) / chunk_words))

    @staticmethod
    def _owner_id(rng: random.Random, i: int) -> str:
        if i % 10 == 9:  # one owner in ten is a company (10-digit enterprise code)
            return f"36{rng.randrange(10**8):08d}"
        return f"0{rng.randrange(1, 96):02d}{rng.randrange(10**9):09d}"

    def owner_name(self, owner_id: str) -> str:
        rng = random.Random(owner_id)
        if len(owner_id) == 10:
            return f"Công ty TNHH {rng.choice(COMPANY)}"
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    def owners_by_frequency(self) -> list[str]:
        """Owner ids, most documents first (rank order of the Zipf law)."""
        return list(self._owner_ids)

    def sample_owners(self, rng: random.Random, k: int) -> list[str]:
        """``k`` owners drawn as lookups would be: by the same Zipf law as documents."""
        return [self._owner_ids[i] for i in
                rng.choices(range(self.owner_count), cum_weights=self._owner_cum, k=k)]

    def __iter__(self) -> Iterator[TextDoc]:
        return self.docs(0, self.n)

    def docs(self, start: int, stop: int) -> Iterator[TextDoc]:
        """Documents ``start``..``stop-1``; each depends only on (seed, index)."""
        for i in range(start, stop):
            yield self.doc(i)

    def doc(self, i: int) -> TextDoc:
        rng = random.Random(self.seed * 1_000_003 + i)
        owner = self._owner_ids[rng.choices(range(self.owner_count),
                                            cum_weights=self._owner_cum)[0]]
        name = self.owner_name(owner)
        code, title, issuer, validity, _ = TYPES[
            rng.choices(range(len(TYPES)), cum_weights=self._type_cum)[0]]
        place = rng.choice(PLACES)
        issued = date(2000, 1, 1) + timedelta(days=rng.randrange(9500))
        valid_until = issued + timedelta(days=validity) if validity else None
        number = f"{rng.randrange(1, 5000)}/{issued.year}/{code[:2].upper()}-UBND"
        unit = rng.choice(UNITS)
        body = rng.choices(self._chunks, k=self._chunks_per_doc)
        # Names, places and dates the way documents repeat them.
        mention = (f"ông/bà {name}, {place}, ngày {issued.day} tháng {issued.month} "
                   f"năm {issued.year}")
        for at in range(0, len(body), 8):
            body[at] = f"{mention} {body[at]}"
        issuing_body = issuer.format(place=place.split(",")[0]) if issuer else ""
        text = nfc(f"{title}\n{issuing_body}\nSố: {number}\n" + " ".join(body) + ".")
        return TextDoc(
            document_id=f"{self.seed:02d}{i:014x}", doc_type=code, title=title, text=text,
            owner_id=owner, owner_name=name,
            owner_kind="organization" if len(owner) == 10 else "person",
            dossier_code=f"{unit}-{issued:%y%m%d}-{i % 10000:04d}", unit=unit,
            issue_date=issued, valid_until=valid_until, document_number=number,
            issuing_body=issuing_body)

    def query_words(self, rng: random.Random, k: int) -> list[str]:
        """Realistic one- and two-word queries (phrases picked by the same frequency law)."""
        picks = rng.choices(PHRASES, cum_weights=self._phrase_cum, k=k)
        return [" ".join(p.split()[:2]) for p in picks]

    def phrases(self, rng: random.Random, k: int, size: int = 3) -> list[str]:
        """``k`` quoted ``size``-word phrases taken from generated documents."""
        out = []
        while len(out) < k:
            words = self.doc(rng.randrange(self.n)).text.split()
            at = rng.randrange(3, max(4, len(words) - size))
            out.append('"' + " ".join(w.strip(".,") for w in words[at:at + size]) + '"')
        return out
