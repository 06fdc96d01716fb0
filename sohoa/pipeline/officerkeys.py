"""Where each desk officer's personal signing key is (TT 01/2023 Điều 8.1): a PKCS#11 token
(the USB token a licensed CA issues, or an HSM slot) or a PKCS#12 file.

``[[signing.officers]]`` in sohoa.toml lists the officers whose key is on a token::

    [[signing.officers]]
    user = "lan"                        # signing.officer, SOHOA_USER or the OS user at the desk
    token = "Nguyen Thi Lan"            # the token's label, and/or slot = 0 (slot index)
    key = "ky-so"                       # the label of the key (and of its certificate) on it
    pin_file = "{home}/keys/officers/lan.pin"   # or pin_env = "SOHOA_PIN_LAN"
    # module = "/usr/lib/…/libxxx.so"   # else signing.pkcs11_module
    # certificate = "…pem"; chain = ["…ca.pem"]  # when the token holds only the key

The PIN is read from a file only its owner can read, or from an environment variable, never
from the command line or sohoa.toml itself (a config file is copied, shown and committed; a
command line is visible to every user of the machine in ``ps``). An officer who is not listed
keeps the PKCS#12 path of ``signing.officer_pkcs12``. The name on the stamp is always the
certificate's, whatever the config calls the officer.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import ConfigError, SigningError, os_said
from sohoa.vntext import nfc

_KEYS = ("user", "module", "token", "slot", "key", "pin_env", "pin_file", "certificate",
         "chain")


@dataclass(frozen=True)
class OfficerToken:
    """One officer's key on a PKCS#11 token, as configured (paths already expanded)."""

    user: str
    module: str
    key: str
    token: str | None = None
    slot: int | None = None
    pin_env: str | None = None
    pin_file: Path | None = None
    certificate: Path | None = None
    chain: tuple[Path, ...] = ()

    def pin(self, environ: Mapping[str, str] | None = None) -> str:
        """The PIN, from the officer's environment variable or PIN file."""
        env = os.environ if environ is None else environ
        if self.pin_env:
            value = env.get(self.pin_env)
            if not value:
                raise SigningError(
                    f"Chưa có mã PIN token của cán bộ {self.user!r}: biến môi trường "
                    f"{self.pin_env} chưa được đặt trong phiên làm việc này.")
            return value.strip()
        assert self.pin_file is not None
        try:
            mode = self.pin_file.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise SigningError(
                    f"Tệp PIN {self.pin_file} của cán bộ {self.user!r} để người khác đọc được: "
                    f"chỉ chủ tệp được đọc (chmod 600 {self.pin_file}).")
            return self.pin_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SigningError(
                f"Không đọc được tệp PIN {self.pin_file} của cán bộ {self.user!r}: "
                f"{os_said(exc)}.") from exc


def parse_officers(entries: object, *, module: str, source: str,
                   expand: Callable[[object], str]) -> tuple[OfficerToken, ...]:
    """``[[signing.officers]]`` as records; ConfigError naming the entry at fault."""
    if entries in (None, "", []):
        return ()
    if not isinstance(entries, Sequence) or isinstance(entries, str) \
            or not all(isinstance(e, Mapping) for e in entries):
        raise ConfigError(f"{source}: signing.officers là danh sách bảng [[signing.officers]], "
                          "mỗi bảng một cán bộ")
    officers: list[OfficerToken] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        where = f"{source}: [[signing.officers]] thứ {n}"
        if "pin" in entry:
            raise ConfigError(f"{where}: không ghi mã PIN trong tệp cấu hình; dùng pin_file "
                              "(tệp chỉ chủ được đọc) hoặc pin_env (tên biến môi trường)")
        unknown = sorted(set(entry) - set(_KEYS))
        if unknown:
            raise ConfigError(f"{where}: không biết khóa {', '.join(unknown)}; "
                              f"các khóa dùng được: {', '.join(_KEYS)}")
        user = nfc(str(entry.get("user", ""))).strip()
        if not user:
            raise ConfigError(f"{where}: thiếu user (tên đăng nhập của cán bộ)")
        if user in seen:
            raise ConfigError(f"{where}: cán bộ {user!r} đã được khai báo ở trên")
        seen.add(user)
        key = str(entry.get("key", "")).strip()
        if not key:
            raise ConfigError(f"{where}: thiếu `key` (nhãn của khóa ký trên token)")
        token = str(entry.get("token", "")).strip() or None
        slot = entry.get("slot")
        if slot is not None and (isinstance(slot, bool) or not isinstance(slot, int)
                                 or slot < 0):
            raise ConfigError(f"{where}: slot là số thứ tự khe (0, 1, …), không phải {slot!r}")
        if token is None and slot is None:
            raise ConfigError(f"{where}: cho biết token nào: `token` (nhãn token) hoặc `slot`")
        pin_env = str(entry.get("pin_env", "")).strip() or None
        pin_file = str(entry.get("pin_file", "")).strip() or None
        if (pin_env is None) == (pin_file is None):
            raise ConfigError(f"{where}: cần đúng một trong pin_file hoặc pin_env")
        chosen = str(entry.get("module", "")).strip() or module
        if not chosen:
            raise ConfigError(f"{where}: thiếu đường dẫn mô-đun PKCS#11 (module, hoặc "
                              "signing.pkcs11_module cho mọi cán bộ)")
        chain = entry.get("chain", [])
        if isinstance(chain, str):
            chain = [chain]
        officers.append(OfficerToken(
            user=user, module=expand(chosen), key=key, token=token, slot=slot,
            pin_env=pin_env, pin_file=Path(expand(pin_file)) if pin_file else None,
            certificate=Path(expand(entry["certificate"])) if entry.get("certificate")
            else None,
            chain=tuple(Path(expand(c)) for c in chain)))
    return tuple(officers)


def token_of(officers: Sequence[OfficerToken], user: str) -> OfficerToken | None:
    """The token entry of ``user`` (NFC, exact), or None: that officer signs with PKCS#12."""
    wanted = nfc(user).strip()
    return next((o for o in officers if o.user == wanted), None)
