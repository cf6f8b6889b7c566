"""The login form, the session's user and its timeout (only when a users file is configured).

The user is kept in the session as a user name and re-read from the users file on every rerun,
so removing someone from the file or changing their districts takes effect at their next rerun.

A Streamlit session lives as long as one browser tab's connection, so a reload or a typed address
would log the user out. A random token in a browser cookie (``SameSite=Strict``, gone when the
browser closes) names the login on the server instead; the server keeps the token, its user and
its last activity in memory, so logging out, an idle timeout or a server restart ends it.
"""

from __future__ import annotations

import json
import secrets
import threading
import time

import streamlit as st

from dashboard import auth
from dashboard.auth import User
from dashboard.config import Config
from dashboard.i18n import t
from dashboard.ui import cards

K_USER = "_auth_user"  # user name of the logged-in person
K_SEEN = "_auth_seen"  # wall-clock time of their last action
K_NOTE = "_auth_note"  # why the login form is shown again (expired, removed, logged out)
K_AUTO = "_auth_auto"  # set by the refresh timer: the rerun it starts is not the user's action
K_TOKEN = "_auth_token"  # this session's login token (also in the browser's cookie)
K_COOKIE_SENT = "_auth_cookie_sent"
COOKIE = "bcd_session"
_FORM = "login_form"

# Session keys that hold data of the logged-in user; cleared when the session ends.
_DATA_KEYS = ("_page_context",)

# Login tokens of this server process: token -> [user name, time of last action].
_tokens: dict[str, list] = {}
_tokens_lock = threading.Lock()
_TOKEN_MAX_AGE = 24 * 3600  # seconds; any session timeout is shorter than this


def enabled(cfg: Config) -> bool:
    """Login is required: a users file is configured."""
    return cfg.users_file is not None


def gate(cfg: Config) -> User | None:
    """The user of this session, or None after drawing the login form (or a users-file error)."""
    if not enabled(cfg):
        return auth.OPEN
    assert cfg.users_file is not None
    try:
        auth.load_users(cfg.users_file)
    except auth.UsersFileError as exc:
        st.error(str(exc), icon=":material/error:")
        return None
    _resume_from_cookie()
    user = _session_user(cfg)
    if user is not None:
        if not st.session_state.pop(K_AUTO, False):
            st.session_state[K_SEEN] = time.time()
            _touch(st.session_state.get(K_TOKEN))
        _send_cookie()
        _sidebar(user)
        return user
    _form(cfg)
    return None


def expired(cfg: Config, now: float | None = None) -> bool:
    """The logged-in session has been idle longer than ``session_timeout_minutes``."""
    if not enabled(cfg) or not st.session_state.get(K_USER):
        return False
    now = time.time() if now is None else now
    return now - st.session_state.get(K_SEEN, 0.0) > cfg.session_timeout_minutes * 60


def mark_automatic() -> None:
    """The next rerun is started by the refresh timer, not by the user: it does not extend the session."""
    st.session_state[K_AUTO] = True


def _session_user(cfg: Config) -> User | None:
    username = st.session_state.get(K_USER)
    if not username:
        return None
    assert cfg.users_file is not None
    user = auth.current(cfg.users_file, username)
    if user is None:
        _end(t("login.removed"))
    elif expired(cfg):
        _end(t("login.expired", minutes=cfg.session_timeout_minutes))
    else:
        return user
    return None


def _resume_from_cookie() -> None:
    """A new tab or a reload of a logged-in browser: take the login over from the cookie's token."""
    if st.session_state.get(K_USER):
        return
    token = st.context.cookies.get(COOKIE)
    with _tokens_lock:
        entry = _tokens.get(token) if token else None
        if entry is None:
            return
        username, seen = entry
    st.session_state[K_USER], st.session_state[K_SEEN], st.session_state[K_TOKEN] = username, seen, token
    st.session_state[K_COOKIE_SENT] = True  # the browser has it already


def _touch(token: str | None) -> None:
    with _tokens_lock:
        if token in _tokens:
            _tokens[token][1] = time.time()


def _new_token(username: str) -> str:
    token = secrets.token_urlsafe(32)
    now = time.time()
    with _tokens_lock:
        for old in [k for k, (_name, seen) in _tokens.items() if now - seen > _TOKEN_MAX_AGE]:
            del _tokens[old]  # tabs closed without logging out; their sessions have expired long ago
        _tokens[token] = [username, now]
    return token


def _send_cookie() -> None:
    """Give the browser this session's token once (an invisible element with a line of script)."""
    token = st.session_state.get(K_TOKEN)
    if not token or st.session_state.get(K_COOKIE_SENT):
        return
    value = json.dumps(f"{COOKIE}={token}; path=/; SameSite=Strict")
    st.sidebar.html(f"<script>document.cookie = {value};</script>", unsafe_allow_javascript=True)
    st.session_state[K_COOKIE_SENT] = True


def _end(note: str) -> None:
    token = st.session_state.get(K_TOKEN)
    if token:
        with _tokens_lock:
            _tokens.pop(token, None)
    for key in (K_USER, K_SEEN, K_AUTO, K_TOKEN, K_COOKIE_SENT, *_DATA_KEYS):
        st.session_state.pop(key, None)
    st.session_state[K_NOTE] = note


def _logout() -> None:
    _end(t("login.logged_out"))


def _sidebar(user: User) -> None:
    side = st.sidebar
    side.markdown(t("login.who", name=cards.plain(user.name), role=t(f"role.{user.role}")))
    side.button(t("login.logout"), key="logout", icon=":material/logout:", on_click=_logout)


def _form(cfg: Config) -> None:
    assert cfg.users_file is not None
    st.title(t("login.title"))
    note = st.session_state.pop(K_NOTE, None)
    if note:
        st.info(note, icon=":material/info:")
    st.write(t("login.intro"))
    with st.form(_FORM, enter_to_submit=True):
        username = st.text_input(t("login.username"), key="login_username", autocomplete="username")
        # No key: the password never stays in the session state.
        password = st.text_input(t("login.password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if not submitted:
        return
    wait = auth.locked_for(username.strip())
    user = None if wait else auth.authenticate(cfg.users_file, username, password)
    if user is None:
        wait = wait or auth.locked_for(username.strip())
        st.error(t("login.locked", seconds=wait) if wait else t("login.failed"), icon=":material/error:")
        return
    st.session_state[K_USER] = user.username
    st.session_state[K_SEEN] = time.time()
    st.session_state[K_TOKEN] = _new_token(user.username)
    st.rerun()
