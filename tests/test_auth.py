"""Passwords, the users file and the login lock: plain functions, no Streamlit."""

from __future__ import annotations

import pytest

from dashboard import auth

SECRET = "mật khẩu dài 2026!"


def users_toml(**hashes: str) -> str:
    return "\n".join(
        [
            "[users.vp]",
            'name = "Văn phòng thường trực"',
            'role = "secretariat"',
            f'password_hash = "{hashes.get("vp", auth.hash_password(SECRET))}"',
            "[users.yen_son]",
            'name = "Công an huyện Yên Sơn"',
            'role = "district"',
            'districts = ["082"]',
            f'password_hash = "{hashes.get("yen_son", auth.hash_password(SECRET))}"',
        ]
    )


def test_hash_round_trip_and_salt():
    first, second = auth.hash_password(SECRET), auth.hash_password(SECRET)
    assert first != second, "a fresh salt each time"
    assert SECRET not in first
    assert auth.verify_password(SECRET, first) and auth.verify_password(SECRET, second)
    assert not auth.verify_password(SECRET + " ", first)
    assert not auth.verify_password("", first)


@pytest.mark.parametrize(
    "stored",
    ["", "plain text", "scrypt$16384$8$1$!!$!!", "scrypt$3$8$1$AAAA$AAAA", "scrypt$1073741824$8$1$AAAA$AAAA"],
)
def test_malformed_or_abusive_hashes_never_verify(stored):
    assert not auth.verify_password("anything", stored)


def test_users_file_is_read(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text(users_toml(), encoding="utf-8")
    users = auth.load_users(path)
    assert users["yen_son"].user == auth.User("yen_son", "Công an huyện Yên Sơn", "district", ("082",))
    assert users["vp"].user.sees_files and users["vp"].user.sees_everything
    assert not users["yen_son"].user.sees_everything


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[users.a]\nrole = "province"\npassword = "123456"', "không được ghi mật khẩu dạng chữ thường"),
        ('[users.a]\nrole = "admin"\npassword_hash = "x"', "role = “admin” phải là một trong"),
        ('[users.a]\nrole = "district"\npassword_hash = "{h}"', "phải có districts"),
        ('[users.a]\nrole = "province"\npassword_hash = "md5:abc"', "password_hash thiếu hoặc không"),
        ("[users", "không đúng cú pháp TOML"),
        ('title = "x"', "không có bảng [users.<tên đăng nhập>]"),
    ],
)
def test_users_file_errors_say_what_is_wrong(text, message):
    with pytest.raises(auth.UsersFileError, match=message.replace("[", r"\[").replace(".", r"\.")):
        auth.parse_users(text.replace("{h}", auth.hash_password(SECRET)))


def test_authenticate_and_lock_after_repeated_failures(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text(users_toml(), encoding="utf-8")
    now = 1_000.0
    assert auth.authenticate(path, "Yen_Son", SECRET, now=now).districts == ("082",)  # name case ignored
    assert auth.authenticate(path, "nobody", SECRET, now=now) is None
    for _ in range(auth.MAX_FAILURES):
        assert auth.authenticate(path, "yen_son", "wrong", now=now) is None
    assert auth.locked_for("yen_son", now=now + 1) == auth.LOCK_SECONDS - 1
    # Locked: even the right password is refused until the lock runs out.
    assert auth.authenticate(path, "yen_son", SECRET, now=now + 1) is None
    assert auth.authenticate(path, "vp", SECRET, now=now + 1) is not None  # other names are not locked
    later = now + auth.LOCK_SECONDS + 1
    assert auth.locked_for("yen_son", now=later) == 0
    assert auth.authenticate(path, "yen_son", SECRET, now=later) is not None


def test_removed_user_is_gone_at_the_next_read(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text(users_toml(), encoding="utf-8")
    assert auth.current(path, "yen_son") is not None
    path.write_text(users_toml().split("[users.yen_son]")[0] + "\n# removed\n", encoding="utf-8")
    assert auth.current(path, "yen_son") is None


def test_hash_password_command_prints_a_usable_hash(monkeypatch, capsys):
    from dashboard.__main__ import main

    answers = iter([SECRET, SECRET])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["hash-password"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    assert printed.startswith('password_hash = "') and printed.endswith('"')
    assert auth.verify_password(SECRET, printed.split('"')[1])
    answers = iter(["ngắn", "ngắn"])
    assert main(["hash-password"]) == 1
