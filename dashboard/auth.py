"""Who may log in and what they may see: the users file, password hashes and roles.

Login is off until a province names a users file (setting ``users_file``); the demo runs
without it. The file is TOML, one table per user name::

    [users.vp_bcd]
    name = "Văn phòng thường trực BCĐ tỉnh"
    role = "secretariat"          # secretariat | province | district
    password_hash = "scrypt$16384$8$1$…"

    [users.ca_binh_luc]
    name = "Công an huyện Bình Lục"
    role = "district"
    districts = ["081"]           # district (or group) codes this user may see
    password_hash = "scrypt$16384$8$1$…"

Hashes are made with ``python -m dashboard hash-password``; a plain ``password`` key is refused.
Everything here is plain Python (no Streamlit) so the rules are tested directly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROLES = ("secretariat", "province", "district")
_SCHEME = "scrypt"
# scrypt cost: 16 MiB and ~50 ms per check, slow enough against guessing, quick enough to log in.
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
_KEY_BYTES = 32
MAX_FAILURES = 5  # failed logins in a row before a user name is locked for LOCK_SECONDS
LOCK_SECONDS = 60


class UsersFileError(ValueError):
    """The users file is missing, unreadable or breaks a rule; the message says which, in Vietnamese."""


@dataclass(frozen=True)
class User:
    """A logged-in person (or the open demo) and what they may see."""

    username: str
    name: str
    role: str  # one of ROLES
    districts: tuple[str, ...] = ()  # for the district role: the district (or group) codes

    @property
    def sees_everything(self) -> bool:
        """Province-level roles see the whole province."""
        return self.role in ("secretariat", "province")

    @property
    def sees_files(self) -> bool:
        """Only the secretariat sees the data files' details (names, messages, cell values)."""
        return self.role == "secretariat"


# Without a users file nobody logs in and the screen behaves as the secretariat's.
OPEN = User(username="", name="", role="secretariat")


@dataclass(frozen=True)
class _Entry:
    user: User
    password_hash: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$key`` for ``password`` (a fresh random salt unless one is given)."""
    if not password:
        raise ValueError("Mật khẩu không được để trống.")
    salt = salt if salt is not None else secrets.token_bytes(_SALT_BYTES)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_KEY_BYTES)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(key)}"


def _parse_hash(encoded: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != _SCHEME:
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if n < 2 or n & (n - 1) or not (1 <= r <= 64 and 1 <= p <= 16) or n * r > 2**22 or not salt or not key:
        return None  # n a power of two; bounded so a crafted file cannot make a login take minutes
    return n, r, p, salt, key


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the stored hash (compared in constant time)."""
    parsed = _parse_hash(encoded)
    if parsed is None:
        return False
    n, r, p, salt, key = parsed
    got = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(key), maxmem=2 * 128 * n * r + 2**20
    )
    return hmac.compare_digest(got, key)


def parse_users(text: str, file: str = "users.toml") -> dict[str, _Entry]:
    """The users in a users file's text; :class:`UsersFileError` names the first thing wrong."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsersFileError(f"Tệp người dùng {file} không đúng cú pháp TOML: {exc}") from exc
    table = doc.get("users")
    if not isinstance(table, dict) or not table:
        raise UsersFileError(f"Tệp người dùng {file} không có bảng [users.<tên đăng nhập>] nào.")
    entries: dict[str, _Entry] = {}
    for username, spec in table.items():
        where = f"Tệp người dùng {file}, người dùng “{username}”"
        if not isinstance(spec, dict):
            raise UsersFileError(f"{where}: phải là một bảng [users.{username}].")
        if "password" in spec:
            raise UsersFileError(
                f"{where}: không được ghi mật khẩu dạng chữ thường (password); hãy ghi password_hash "
                "tạo bằng lệnh python -m dashboard hash-password."
            )
        role = str(spec.get("role", ""))
        if role not in ROLES:
            raise UsersFileError(f"{where}: role = “{role}” phải là một trong {', '.join(ROLES)}.")
        districts = spec.get("districts", [])
        if not isinstance(districts, list) or not all(isinstance(d, str) and d.strip() for d in districts):
            raise UsersFileError(f'{where}: districts phải là danh sách mã, ví dụ ["081"].')
        if role == "district" and not districts:
            raise UsersFileError(f"{where}: người dùng cấp huyện phải có districts (mã huyện được xem).")
        password_hash = str(spec.get("password_hash", ""))
        if _parse_hash(password_hash) is None:
            raise UsersFileError(
                f"{where}: password_hash thiếu hoặc không đúng dạng; hãy tạo bằng lệnh "
                "python -m dashboard hash-password."
            )
        codes = tuple(d.strip() for d in districts) if role == "district" else ()
        user = User(str(username), str(spec.get("name") or username), role, codes)
        entries[str(username)] = _Entry(user, password_hash)
    return entries


_users_cache: dict[tuple, dict[str, _Entry]] = {}
_lock = threading.Lock()


def load_users(path: Path) -> dict[str, _Entry]:
    """The users of ``path``, re-read when the file changes (a removed user is out at the next rerun)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise UsersFileError(f"Không tìm thấy tệp người dùng {path} (thiết lập users_file).") from exc
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        if key not in _users_cache:
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsersFileError(f"Không đọc được tệp người dùng {path}: {exc}") from exc
            _users_cache.clear()
            _users_cache[key] = parse_users(text, path.name)
        return _users_cache[key]


# Failed attempts per user name, process-wide: a lock survives opening a new browser tab.
_failures: dict[str, tuple[int, float]] = {}


def locked_for(username: str, now: float | None = None) -> int:
    """Seconds left before ``username`` may try again (0 = may try now)."""
    now = time.monotonic() if now is None else now
    with _lock:
        count, since = _failures.get(username.casefold(), (0, 0.0))
    if count < MAX_FAILURES:
        return 0
    return max(0, int(LOCK_SECONDS - (now - since) + 0.999))


def authenticate(path: Path, username: str, password: str, now: float | None = None) -> User | None:
    """The user when the name and password match, else None (also while the name is locked)."""
    now = time.monotonic() if now is None else now
    key = username.strip().casefold()
    if locked_for(key, now):
        return None
    entry = next((e for name, e in load_users(path).items() if name.casefold() == key), None)
    # Unknown names cost a hash too, so timing does not tell which names exist.
    ok = verify_password(password, entry.password_hash if entry else _DUMMY)
    with _lock:
        if ok and entry is not None:
            _failures.pop(key, None)
            return entry.user
        count, _since = _failures.get(key, (0, now))
        if count >= MAX_FAILURES:  # the lock ran out: start counting again
            count = 0
        _failures[key] = (count + 1, now)
    return None


def current(path: Path, username: str) -> User | None:
    """``username`` as the users file describes them now (None once they are removed)."""
    entry = load_users(path).get(username)
    return entry.user if entry else None


_DUMMY = hash_password("not a password", salt=b"\0" * _SALT_BYTES)
