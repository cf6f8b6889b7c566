"""The login form, the session's user and its timeout (only when a users file is configured).

The user is kept in the session as a user name and re-read from the users file on every rerun,
so removing someone from the file or changing their districts takes effect at their next rerun.
"""

from __future__ import annotations

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
_FORM = "login_form"

# Session keys that hold data of the logged-in user; cleared when the session ends.
_DATA_KEYS = ("_page_context",)


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
    user = _session_user(cfg)
    if user is not None:
        if not st.session_state.pop(K_AUTO, False):
            st.session_state[K_SEEN] = time.time()
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


def _end(note: str) -> None:
    for key in (K_USER, K_SEEN, K_AUTO, *_DATA_KEYS):
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
    st.rerun()
