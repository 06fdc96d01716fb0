"""Settings: one frozen object built once from ``sohoa.toml`` and ``SOHOA_*`` variables.

Lookup order for every key: environment variable, then the config file, then the default.
The home directory holds the embedded stores and the config file:
``--home`` (the ``home`` argument) > ``SOHOA_HOME`` > ``~/.local/share/sohoa``, the usual order
of an option over the environment. ``{home}`` in a value expands to it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.errors import ConfigError
from sohoa.pipeline.officerkeys import OfficerToken, parse_officers

CONFIG_NAME = "sohoa.toml"

WORKFLOWS = ("agency-copy", "desk")

DEFAULTS: dict[str, object] = {
    "db": "sqlite:///{home}/catalog.db",
    "blobs": "file:///{home}/blobs",
    "search": "tantivy:///{home}/index",
    "broker": "",
    "s3.endpoint": "",
    "s3.region": "",
    "s3.access_key_id": "",
    "s3.secret_access_key": "",
    "unit": "",
    "agency": "UBND tỉnh Đồng Nai",
    "signing.pkcs12": "{home}/keys/dev-signer.p12",
    "signing.password_file": "{home}/keys/dev-signer.pass",
    "signing.trust_roots": ["{home}/keys/dev-root.pem"],
    "signing.level": "auto",
    "signing.tsa_url": "",
    # Who signs a digitized paper: "agency-copy", the agency's key and "SAO Y" stamp at the top
    # right (NĐ 30/2020); "desk", the personal key of the officer who digitized it, whose name
    # and time of copying are stamped at the top left (TT 01/2023 Điều 8.1). {user} is
    # signing.officer, else SOHOA_USER, else the OS user.
    "signing.workflow": "agency-copy",
    "signing.officer": "",
    "signing.officer_pkcs12": "{home}/keys/officers/{user}.p12",
    "signing.officer_password_file": "{home}/keys/officers/{user}.pass",
    # Officers whose personal key is on a PKCS#11 token ([[signing.officers]], see
    # sohoa.pipeline.officerkeys), and the token module they use unless an entry names its own.
    "signing.officers": [],
    "signing.pkcs11_module": "",
    # Decree 23/2015 Art. 20: the certifying official signs a certified copy with their own
    # key. Only when this is set may `certify copy` sign with the agency's key for an official
    # without one; the statement and register then say it is the agency's signature.
    "signing.certify_with_agency_key": False,
    "ocr.lang": "vie",
    "ocr.jobs": 0,
    "ocr.timeout_s": 60.0,
    "scan.code_pattern": "",
    # Pages not scanned in colour at 200 dpi or more (TT 01/2023): "warn" (stored, reported and
    # noted on the document) or "refuse" (quarantined with the reason).
    "scan.colour": "warn",
    "review.threshold": 0.6,
    "review.rounds": 2,
    "review.sample_ratio": 0.05,
    "queue.max_retries": 3,
    "queue.retry_backoff_s": 10.0,
    "queue.time_limit_s": 600.0,
    "queue.heartbeat_s": 60.0,
    # The reuse loop: a province's own data files (empty: the Đồng Nai sample shipped with
    # sohoa) and the TT 01/2023 Điều 10 digitization code of every stored paper.
    "dossiers.procedures": "",
    "dossiers.units": "",
    "dossiers.kpi": "",
    "dossiers.code_format": "{owner}.{procedure}.{component}.{nn:02d}",
    # How long a catalog write waits for another process's lock (SQLite) before the command
    # stops with the reason (exit 2); nothing is half-written, the same command goes on.
    "catalog.busy_timeout_s": 30.0,
    # The exchange with the one-stop system and the portal (sohoa.pipeline.synctargets).
    "sync.url": "",
    "sync.secret": "",
    "sync.targets": [],
    "sync.backoff_s": 2.0,
    "sync.max_backoff_s": 600.0,
    "sync.lease_s": 60.0,
    "sync.batch": 50,
    "sync.poll_s": 2.0,
    "sync.ingest_budget_s": 10.0,
}


@dataclass(frozen=True)
class Settings:
    home: Path
    db: str
    blobs: str
    search: str
    broker: str
    unit: str
    agency: str
    pkcs12: Path
    password_file: Path
    trust_roots: tuple[Path, ...]
    signing_level: str
    tsa_url: str
    ocr_lang: str
    ocr_jobs: int
    ocr_timeout_s: float
    code_pattern: str
    review_threshold: float
    review_rounds: int = 2
    review_sample_ratio: float = 0.05
    queue_max_retries: int = 3
    queue_retry_backoff_s: float = 10.0
    queue_time_limit_s: float = 600.0
    queue_heartbeat_s: float = 60.0
    catalog_busy_timeout_s: float = 30.0
    signing_workflow: str = "agency-copy"
    scan_colour: str = "warn"
    officer: str = ""
    officer_pkcs12: str = ""  # with {user}
    officer_password_file: str = ""
    officers: tuple[OfficerToken, ...] = ()  # officers whose key is on a PKCS#11 token
    certify_with_agency_key: bool = False
    s3_endpoint: str = ""
    s3_region: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = field(default="", repr=False)
    config_file: Path | None = None
    raw: Mapping[str, object] = field(default_factory=dict, repr=False)


def default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sohoa"


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _env_name(key: str) -> str:
    return "SOHOA_" + key.replace(".", "_").upper()


def _coerce(key: str, value: object, default: object, source: str) -> object:
    if isinstance(value, str) and not isinstance(default, str):
        text = value.strip()
        try:
            if isinstance(default, bool):
                return text.lower() in {"1", "true", "yes", "on"}
            if isinstance(default, int):
                return int(text)
            if isinstance(default, float):
                return float(text)
            if isinstance(default, list):
                return [part for part in text.split(os.pathsep) if part]
        except ValueError as exc:
            kind = "số nguyên" if isinstance(default, int) else "một số"
            raise ConfigError(f"{source}: {key} = {value!r} phải là {kind}") from exc
    if isinstance(default, (int, float)) and not isinstance(value, (int, float)):
        raise ConfigError(f"{source}: {key} phải là một số, nhưng đang là {value!r}")
    return value


def load_settings(home: Path | None = None, config_file: Path | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings. Raises ConfigError with the file and key at fault."""
    env = os.environ if environ is None else environ
    if home is None and env.get("SOHOA_HOME"):
        home = Path(env["SOHOA_HOME"])
    home = (home or default_home()).expanduser().resolve()
    if config_file is None and env.get("SOHOA_CONFIG"):
        config_file = Path(env["SOHOA_CONFIG"])
    if config_file is None and (home / CONFIG_NAME).is_file():
        config_file = home / CONFIG_NAME

    from_file: dict[str, object] = {}
    if config_file is not None:
        try:
            from_file = _flatten(tomllib.loads(config_file.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise ConfigError(f"không có tệp cấu hình {config_file}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_file} không phải TOML hợp lệ: {exc}") from exc
        unknown = sorted(set(from_file) - set(DEFAULTS) - {"home"})
        if unknown:
            raise ConfigError(
                f"{config_file}: không có thiết lập {', '.join(unknown)}; "
                f"các thiết lập có: {', '.join(sorted(DEFAULTS))}"
            )

    values: dict[str, object] = {}
    for key, default in DEFAULTS.items():
        if _env_name(key) in env:
            value, source = env[_env_name(key)], f"biến môi trường {_env_name(key)}"
        else:
            value, source = from_file.get(key, default), str(config_file or "giá trị mặc định")
        values[key] = _coerce(key, value, default, source)

    def expand(value: object) -> str:
        return str(value).replace("{home}", str(home))

    jobs = int(values["ocr.jobs"])  # type: ignore[arg-type]
    if jobs <= 0:
        jobs = os.cpu_count() or 1
    level = str(values["signing.level"]).upper()
    if level == "AUTO":
        # Archived documents must stay verifiable for decades: B-LTA whenever a timestamp
        # authority is configured; without one, B-B is all that can be made.
        level = "B-LTA" if values["signing.tsa_url"] else "B-B"
    if level not in {"B-B", "B-T", "B-LT", "B-LTA"}:
        raise ConfigError(f"signing.level {level!r}: hãy chọn auto, B-B, B-T, B-LT hoặc "
                          "B-LTA")
    rounds = int(values["review.rounds"])  # type: ignore[call-overload]
    if not 1 <= rounds <= 5:
        raise ConfigError(f"review.rounds = {rounds}: hãy chọn từ 1 (một lượt kiểm tra) đến 5; "
                          "hồ sơ mời thầu của tỉnh yêu cầu 2 (một lượt kiểm tra và một lượt "
                          "kiểm tra chéo)")
    ratio = float(values["review.sample_ratio"])  # type: ignore[arg-type]
    if not 0.0 <= ratio <= 1.0:
        raise ConfigError(f"review.sample_ratio = {ratio}: tỷ lệ giấy tờ, từ 0 đến 1 (0.05 là "
                          "kiểm tra một trong hai mươi giấy tờ máy đọc chắc chắn)")
    workflow = str(values["signing.workflow"]).strip().lower()
    if workflow not in WORKFLOWS:
        raise ConfigError(f"signing.workflow {workflow!r}: hãy chọn agency-copy (chữ ký sao y "
                          "của cơ quan) hoặc desk (chữ ký riêng của cán bộ số hóa)")
    colour = str(values["scan.colour"]).strip().lower()
    if colour not in ("warn", "refuse"):
        raise ConfigError(f"scan.colour {colour!r}: hãy chọn warn (vẫn lưu và báo bản quét "
                          "xám hoặc đen trắng) hoặc refuse (đưa chúng vào cách ly)")
    roots = values["signing.trust_roots"]
    if isinstance(roots, str):
        roots = [roots]
    return Settings(
        home=home,
        db=expand(values["db"]),
        blobs=expand(values["blobs"]),
        search=expand(values["search"]),
        broker=expand(values["broker"]),
        unit=str(values["unit"]),
        agency=str(values["agency"]),
        pkcs12=Path(expand(values["signing.pkcs12"])),
        password_file=Path(expand(values["signing.password_file"])),
        trust_roots=tuple(Path(expand(r)) for r in roots),  # type: ignore[union-attr]
        signing_level=level,
        tsa_url=str(values["signing.tsa_url"]),
        ocr_lang=str(values["ocr.lang"]),
        ocr_jobs=jobs,
        ocr_timeout_s=float(values["ocr.timeout_s"]),  # type: ignore[arg-type]
        code_pattern=str(values["scan.code_pattern"]),
        review_threshold=float(values["review.threshold"]),  # type: ignore[arg-type]
        review_rounds=rounds,
        review_sample_ratio=ratio,
        queue_max_retries=max(0, int(values["queue.max_retries"])),  # type: ignore[call-overload]
        queue_retry_backoff_s=float(values["queue.retry_backoff_s"]),  # type: ignore[arg-type]
        queue_time_limit_s=float(values["queue.time_limit_s"]),  # type: ignore[arg-type]
        queue_heartbeat_s=float(values["queue.heartbeat_s"]),  # type: ignore[arg-type]
        catalog_busy_timeout_s=max(0.1, float(values["catalog.busy_timeout_s"])),  # type: ignore[arg-type]
        signing_workflow=workflow,
        scan_colour=colour,
        officer=str(values["signing.officer"]),
        officer_pkcs12=expand(values["signing.officer_pkcs12"]),
        officer_password_file=expand(values["signing.officer_password_file"]),
        officers=parse_officers(values["signing.officers"],
                                module=str(values["signing.pkcs11_module"]).strip(),
                                source=str(config_file or "defaults"), expand=expand),
        certify_with_agency_key=bool(values["signing.certify_with_agency_key"]),
        s3_endpoint=str(values["s3.endpoint"]).strip(),
        s3_region=str(values["s3.region"]).strip(),
        s3_access_key_id=str(values["s3.access_key_id"]).strip(),
        s3_secret_access_key=str(values["s3.secret_access_key"]).strip(),
        config_file=config_file,
        raw=values,
    )


CONFIG_TEMPLATE = """\
# Cấu hình sohoa. Mọi khóa đều đặt lại được bằng biến môi trường
# SOHOA_<MỤC>_<KHÓA>, ví dụ SOHOA_DB, SOHOA_SIGNING_LEVEL, SOHOA_OCR_JOBS.
# {{home}} là thư mục này.

# Mỗi loại kho một địa chỉ (DESIGN.md, "Embedded by default, a cluster when outgrown").
db = "sqlite:///{{home}}/catalog.db"     # hoặc "postgresql+psycopg://user:pw@host/sohoa"
blobs = "file:///{{home}}/blobs"         # hoặc "s3://bucket/prefix" (xem mục [s3] bên dưới)
search = "tantivy:///{{home}}/index"     # hoặc "http://host:9200" (Elasticsearch)
broker = ""                            # "" = xử lý ngay trong tiến trình; hoặc "redis://host:6379/0"

unit = "{unit}"                        # mã đơn vị tiếp nhận, ví dụ H19.22
agency = "{agency}"

[signing]
# Khóa ký dưới đây do `sohoa init` tạo để dùng thử, KHÔNG DÙNG CHO VẬN HÀNH THẬT.
# Khi dùng thật, trỏ pkcs12/password_file tới chứng thư số của cơ quan.
pkcs12 = "{{home}}/keys/dev-signer.p12"
password_file = "{{home}}/keys/dev-signer.pass"
trust_roots = ["{{home}}/keys/dev-root.pem"]
level = "auto"                         # có tsa_url: B-LTA, không: B-B; hoặc B-B/B-T/B-LT/B-LTA
tsa_url = ""
workflow = "agency-copy"               # hoặc "desk": chữ ký riêng của cán bộ số hóa
# officer_pkcs12 = "{{home}}/keys/officers/{{user}}.p12"   # desk: mỗi cán bộ một khóa
# Cán bộ có khóa trên USB token (PKCS#11); mã PIN lấy từ một tệp chỉ người đó đọc được,
# hoặc từ một biến môi trường, không bao giờ ghi ở đây:
# [[signing.officers]]
# user = "lan"
# token = "Nguyen Thi Lan"              # nhãn của token (hoặc slot = 0)
# key = "ky-so"                         # nhãn của khóa (và chứng thư của nó) trên token
# pin_file = "{{home}}/keys/officers/lan.pin"   # hoặc pin_env = "SOHOA_PIN_LAN"
# module = "/usr/lib/softhsm/libsofthsm2.so"   # thư viện PKCS#11 của token

[ocr]
lang = "vie"
jobs = 0                               # 0 = mỗi lõi CPU một tiến trình
timeout_s = 60.0                       # mỗi trang; quá hạn thì giữ trang không có chữ, chờ rà soát

[scan]
code_pattern = ""                      # "" = mẫu mã hồ sơ mặc định (H19.22-241105-0042)

[review]
threshold = 0.6                        # độ tin cậy dưới mức này thì giấy tờ vào rà soát
rounds = 2                             # số lượt: 1 = kiểm tra, 2 = kiểm tra + kiểm tra chéo
sample_ratio = 0.05                    # tỷ lệ giấy tờ máy đọc chắc chắn vẫn được kiểm tra, mỗi lượt

[queue]                                # chỉ khi có broker (`sohoa worker`)
max_retries = 3                        # trang hoặc hồ sơ lỗi được thử lại, rồi mới cách ly
retry_backoff_s = 10.0                 # thử lại lần đầu sau chừng này giây, gấp đôi dần, tới 10 lần
time_limit_s = 600.0                   # cho mỗi việc một trang (việc một hồ sơ được gấp 4)
heartbeat_s = 60.0                     # máy xử lý im lặng chừng này là đã chết: làm lại việc

[s3]                                   # chỉ khi blobs = "s3://…"; để trống = mặc định của AWS
endpoint = ""                          # ví dụ "https://s3.example.gov.vn", dịch vụ không phải AWS
region = ""                            # ví dụ "us-east-1"; để trống = AWS_REGION hoặc mặc định
access_key_id = ""                     # để trống = AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws, vai trò
secret_access_key = ""                 # tốt hơn: SOHOA_S3_SECRET_ACCESS_KEY trong môi trường

[sync]                                 # sự kiện gửi hệ thống một cửa / cổng DVC (`sohoa sync`)
url = ""                               # một đích nhận: địa chỉ của nó (hoặc SOHOA_SYNC_URL) …
secret = ""                            # … và khóa HMAC của nó (nên dùng SOHOA_SYNC_SECRET)
backoff_s = 2.0                        # lần gửi lỗi được thử lại sau chừng này giây, gấp đôi dần
max_backoff_s = 600.0                  # … tới mức này (Retry-After của bên nhận được tôn trọng)
lease_s = 60.0                         # bộ gửi bị tắt giữa chừng còn giữ sự kiện chừng này giây
# Thêm đích nhận, mỗi đích có khóa, chứng thư máy khách (TLS hai chiều), loại sự kiện riêng:
# [[sync.targets]]
# name = "mot-cua"
# url = "https://motcua.example.gov.vn/sohoa/events"
# secret = "…"
# events = ["document.stored", "document.disposed", "dossier.status_changed",
#           "dossier.status_corrected", "document.reused", "result.issued"]
# timeout_s = 10.0
"""


def worker_log(settings: Settings) -> Path:
    """Where recognition workers' own diagnostics go (Tesseract and Leptonica messages). Here,
    not in ``services``, so that ``sohoa ocr`` does not import the archive and signing rooms
    (a second of start-up) to find a log file."""
    logs = settings.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs / "ocr-workers.log"


def desk_officer(settings: Settings) -> str:
    """The officer whose personal key signs desk digitization on this machine."""
    import getpass

    return (settings.officer or os.environ.get("SOHOA_USER") or getpass.getuser()).strip()
