"""BagIt packages (RFC 8493): writing one, and validating one written by anybody.

A bag is a directory with ``bagit.txt`` (version and tag-file encoding), a ``data/`` payload,
``manifest-sha256.txt`` (the checksum of every payload file), ``bag-info.txt`` (who, when, how
much: ``Payload-Oxum`` is octets.files) and ``tagmanifest-sha256.txt`` (the checksums of the tag
files). Paths in manifests use ``/`` and percent-encode CR, LF and ``%``.

:class:`BagWriter` writes each payload file atomically (temp file, fsync, rename) and skips one
that is already there with the same bytes, so an export interrupted half-way is resumed by
writing the same files again. The tag files are written last: a directory without
``tagmanifest-sha256.txt`` is an unfinished bag and never validates.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from sohoa.archive.blobs import write_atomically
from sohoa.clock import vietnam_today
from sohoa.errors import ConfigError
from sohoa.vntext import nfc

VERSION = "1.0"
ALGORITHMS = ("sha256", "sha512")
_CHUNK = 1 << 20


def encode_path(path: str) -> str:
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(path: str) -> str:
    return path.replace("%0D", "\r").replace("%0A", "\n").replace("%0d", "\r") \
        .replace("%0a", "\n").replace("%25", "%")


def file_digest(path: Path, algorithm: str = "sha256") -> tuple[str, int]:
    h = hashlib.new(algorithm)
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


DECLARATION = "bagit.txt"
_DECLARATION_TEXT = f"BagIt-Version: {VERSION}\nTag-File-Character-Encoding: UTF-8\n"


class BagWriter:
    """Writes a bag into ``root`` (created if absent)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.payload: dict[str, tuple[str, int]] = {}  # "data/…" → (sha256, size)
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        # the declaration first: a folder interrupted mid-export is known for a bag of ours by
        # it, never a folder that merely has a data/ of its own (review17 N13)
        _atomic_write(self.root / DECLARATION, _DECLARATION_TEXT.encode("utf-8"))
        for stray in (self.root / "data").rglob(".tmp-*"):  # an interrupted write's leftovers
            stray.unlink(missing_ok=True)

    def put(self, relpath: str, data: bytes) -> bool:
        """Write ``data/relpath``; return False when identical bytes were already there."""
        rel = _safe_relpath(relpath)
        sha = hashlib.sha256(data).hexdigest()
        key = f"data/{rel}"
        self.payload[key] = (sha, len(data))
        path = self.root / key
        if path.is_file() and path.stat().st_size == len(data) \
                and file_digest(path)[0] == sha:
            return False
        _atomic_write(path, data)
        return True

    def discard(self) -> None:
        """Remove the payload files this writer put (and the folders under ``data/`` they
        leave empty), never any other file: the bag stays one an export can go on with."""
        for key in self.payload:
            (self.root / key).unlink(missing_ok=True)
        folders = sorted({p for key in self.payload for p in (self.root / key).parents
                          if self.root / "data" in p.parents},
                         key=lambda p: len(p.parts), reverse=True)
        for folder in folders:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty

    def finish(self, info: Mapping[str, str]) -> dict[str, int]:
        """Write the manifests and tag files; return the payload's octets and files."""
        octets = sum(size for _, size in self.payload.values())
        manifest = "".join(f"{sha}  {encode_path(p)}\n"
                           for p, (sha, _) in sorted(self.payload.items()))
        lines = [f"{k}: {nfc(str(v))}" for k, v in info.items()]
        lines += [f"Bagging-Date: {vietnam_today().isoformat()}",
                  f"Payload-Oxum: {octets}.{len(self.payload)}",
                  f"Bag-Size: {_human(octets)}"]
        tags = {
            DECLARATION: _DECLARATION_TEXT,
            "manifest-sha256.txt": manifest,
            "bag-info.txt": "".join(f"{line}\n" for line in lines),
        }
        digests = []
        for name, text in tags.items():
            data = text.encode("utf-8")
            _atomic_write(self.root / name, data)
            digests.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
        _atomic_write(self.root / "tagmanifest-sha256.txt", "".join(digests).encode("utf-8"))
        return {"octets": octets, "files": len(self.payload)}


def validate(root: Path) -> list[str]:
    """Every way ``root`` is not a complete, valid bag, in words; empty when it is one."""
    root = Path(root)
    problems: list[str] = []
    declaration = root / "bagit.txt"
    if not root.is_dir():
        return [f"{root} không phải thư mục"]
    if not declaration.is_file():
        return [f"{root} không phải gói BagIt: thiếu tệp bagit.txt"]
    lines = declaration.read_text(encoding="utf-8-sig").splitlines()
    if len(lines) < 2 or not lines[0].startswith("BagIt-Version: ") \
            or not lines[1].startswith("Tag-File-Character-Encoding: "):
        problems.append("bagit.txt phải khai báo BagIt-Version và Tag-File-Character-Encoding")
    encoding = lines[1].split(": ", 1)[1].strip() if len(lines) > 1 and ": " in lines[1] \
        else "UTF-8"
    if not (root / "data").is_dir():
        problems.append("thiếu thư mục dữ liệu data/")
    manifests = [(a, root / f"manifest-{a}.txt") for a in ALGORITHMS
                 if (root / f"manifest-{a}.txt").is_file()]
    if not manifests:
        return [*problems, "thiếu bảng kê dữ liệu (manifest-sha256.txt)"]
    on_disk = {p.relative_to(root).as_posix() for p in (root / "data").rglob("*")
               if p.is_file()} if (root / "data").is_dir() else set()
    for algorithm, path in manifests:
        listed = _read_manifest(path, encoding, problems)
        for rel in sorted(set(on_disk) - set(listed)):
            problems.append(f"{rel} có trong data/ nhưng không có trong {path.name}")
        for rel, expected in sorted(listed.items()):
            if not rel.startswith("data/"):
                problems.append(f"{path.name} ghi {rel}, nằm ngoài data/")
                continue
            target = root / rel
            if not target.is_file():
                problems.append(f"{rel} có trong {path.name} nhưng không còn tệp")
                continue
            actual, _ = file_digest(target, algorithm)
            if actual != expected:
                problems.append(f"{rel} đã bị sửa đổi: mã {algorithm} nay là {actual}, bảng kê "
                                f"ghi {expected}")
    for algorithm in ALGORITHMS:
        tagmanifest = root / f"tagmanifest-{algorithm}.txt"
        if not tagmanifest.is_file():
            continue
        for rel, expected in sorted(_read_manifest(tagmanifest, encoding, problems).items()):
            target = root / rel
            if not target.is_file():
                problems.append(f"tệp mô tả {rel} có trong {tagmanifest.name} nhưng không "
                                "còn tệp")
            elif file_digest(target, algorithm)[0] != expected:
                problems.append(f"tệp mô tả {rel} đã bị sửa đổi ({tagmanifest.name})")
    if not any((root / f"tagmanifest-{a}.txt").is_file() for a in ALGORITHMS):
        problems.append("thiếu tagmanifest-sha256.txt: gói chưa ghi xong (chạy lại lệnh "
                        "xuất để hoàn tất)")
    oxum = _bag_info(root / "bag-info.txt", encoding).get("Payload-Oxum")
    if oxum:
        octets = sum((root / r).stat().st_size for r in on_disk)
        if oxum != f"{octets}.{len(on_disk)}":
            problems.append(f"Payload-Oxum ghi {oxum} nhưng dữ liệu thực có "
                            f"{octets}.{len(on_disk)} (số byte.số tệp)")
    return problems


def bag_info(root: Path) -> dict[str, str]:
    return _bag_info(Path(root) / "bag-info.txt", "UTF-8")


def _bag_info(path: Path, encoding: str) -> dict[str, str]:
    if not path.is_file():
        return {}
    info: dict[str, str] = {}
    last = None
    for line in path.read_text(encoding=encoding).splitlines():
        if line[:1] in (" ", "\t") and last:  # a continuation line
            info[last] += " " + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            last = key.strip()
            info[last] = value.strip()
    return info


def _read_manifest(path: Path, encoding: str, problems: list[str]) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding=encoding).splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2:
            problems.append(f"{path.name} dòng {number} không có dạng 'mã_băm đường_dẫn'")
            continue
        rel = decode_path(parts[1].strip())
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts:
            problems.append(f"{path.name} dòng {number} ghi đường dẫn ra ngoài gói: {rel}")
            continue
        entries[rel] = parts[0].lower()
    return entries


def _safe_relpath(relpath: str) -> str:
    pure = PurePosixPath(nfc(relpath))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ConfigError(f"đường dẫn {relpath!r} trong gói BagIt phải nằm trong data/")
    return pure.as_posix()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)


def _human(octets: int) -> str:
    size = float(octets)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{octets} bytes"
