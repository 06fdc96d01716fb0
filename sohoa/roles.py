"""The roles a caller can have, and what each is called in Vietnamese.

Top level (not in sohoa.archive) so the CLI can name roles without importing the archive, which
would slow every command's start."""

from __future__ import annotations

ROLES = ("desk", "officer", "archivist", "admin", "integrator")

# What a clerk reads for each role (the codes stay in --json, tokens and the API).
ROLE_NAMES = {"desk": "cán bộ một cửa", "officer": "cán bộ chuyên môn",
              "archivist": "lưu trữ viên", "admin": "quản trị",
              "integrator": "hệ thống một cửa"}

# What a read of personal data was and where it came from, as the access history says it
# (the web's page and the CLI's `audit show`/`reads` alike; --json and the log keep the codes).
READ_ACTIONS = {"search": "tìm kiếm", "reuse": "tra cứu tái sử dụng", "show": "xem chi tiết",
                "pdf": "tải PDF", "page": "xem ảnh trang"}
CHANNELS = {"web": "trang web", "api": "API", "cli": "dòng lệnh"}


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)


def role_list(roles: tuple[str, ...]) -> str:
    """'cán bộ một cửa, cán bộ chuyên môn hoặc quản trị'."""
    names = [role_name(r) for r in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} hoặc {names[-1]}"
