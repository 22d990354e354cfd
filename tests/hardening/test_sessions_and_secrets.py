"""Issue 12, case 3: sessions and secrets; case 7: a skipped day, time zone values, heartbeat.

An empty token is no token; the session key cannot be computed from the configuration;
sessions expire and logout ends them (an old cookie stops working); the sign-in form is
rate-limited; cookies are ``Secure`` over HTTPS; no error or log line shows a secret.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from deskmeter.config import ConfigError, Settings, load_settings
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app
from tests.web.conftest import NOW, TOKEN, seed

SECRET_TOKEN = "Tok3n-that-must-never-show-0451"
SECRET_PASSWORD = "Pa55word-never-shown-7781"


def app_with(tmp_path: Path, **web: Any) -> Flask:
    web.setdefault("session_key_file", tmp_path / "session.key")
    settings = Settings(
        store=str(tmp_path / "s.db"),
        timezone="Europe/Madrid",
        task_file=tmp_path / "tasks.txt",
        host="test",
        web=web,
    )
    store = seed(SQLiteStore(tmp_path / "s.db"))
    app = create_app(settings, store=store, clock=lambda: NOW)
    app.config["TESTING"] = True
    return app


def csrf(client: FlaskClient, url: str = "/login") -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def sign_in(client: FlaskClient, token: str = TOKEN, **environ: Any) -> int:
    response = client.post(
        "/login", data={"token": token, "csrf_token": csrf(client)}, environ_base=environ
    )
    return response.status_code


def set_task(client: FlaskClient) -> int:
    """Switch task through the form; 403 only for want of a sign-in (the CSRF token is right)."""
    client.get("/")  # makes the session's CSRF token
    with client.session_transaction() as session:
        token = str(session.get("csrf", ""))
    response = client.post("/task", data={"path": "work/x", "csrf_token": token})
    if response.status_code == 403:
        assert "sign in with the token first" in response.get_data(as_text=True)
    return response.status_code


@pytest.mark.parametrize("source", ["file", "env"])
def test_an_empty_token_means_no_token(
    tmp_path: Path, xdg: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    config = tmp_path / "c.toml"
    if source == "file":
        config.write_text('[web]\ntoken = ""\n')
    else:
        config.write_text("")
        monkeypatch.setenv("DESKMETER_WEB__TOKEN", "")
    settings = load_settings(config)
    assert settings.web.token is None
    app = create_app(settings, store=seed(SQLiteStore(tmp_path / "s.db")), clock=lambda: NOW)
    client = app.test_client()
    assert client.get("/login").status_code == 403  # sign-in refused: nothing can write
    # the cookie the old code's key (sha256 of the empty token) would accept
    forged = URLSafeTimedSerializer(
        hashlib.sha256(b"deskmeter-web-session\0").digest(),
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    ).dumps({"signed_in": True, "csrf": "x"})
    client.set_cookie("deskmeter_session", forged)
    assert client.post("/task", data={"path": "work/x", "csrf_token": "x"}).status_code == 403
    assert client.post("/api/v1/task", json={"path": "work/x"}).status_code == 403


def test_the_session_key_is_random_per_installation_and_kept_0600(tmp_path: Path) -> None:
    app = app_with(tmp_path, token=TOKEN)
    key_file = tmp_path / "session.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_bytes()) == 32
    other = (
        app_with(tmp_path / "elsewhere", token=TOKEN)
        if (tmp_path / "elsewhere").mkdir() is None
        else None
    )
    assert other is not None and app.secret_key != other.secret_key  # same token, other key
    again = app_with(tmp_path, token=TOKEN)
    assert again.secret_key == app.secret_key  # the same installation keeps its key
    assert app.secret_key != hashlib.sha256(b"deskmeter-web-session\0" + TOKEN.encode()).digest()


def test_logout_ends_the_session_even_for_a_copied_cookie(tmp_path: Path) -> None:
    app = app_with(tmp_path, token=TOKEN)
    client = app.test_client()
    assert sign_in(client) == 302
    copy = client.get_cookie("deskmeter_session")
    assert copy is not None
    token = csrf(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("deskmeter_session", copy.value)
    assert set_task(thief) == 403  # the old cookie no longer signs anyone in


def test_sessions_expire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    app = app_with(tmp_path, token=TOKEN, session_hours=1)
    client = app.test_client()
    assert sign_in(client) == 302
    assert set_task(client) == 302
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3601)
    assert set_task(client) == 403


def test_the_login_form_is_rate_limited_per_address(tmp_path: Path) -> None:
    app = app_with(tmp_path, token=TOKEN, login_attempts_per_minute=5)
    client = app.test_client()
    codes = [sign_in(client, "wrong", REMOTE_ADDR="10.0.0.1") for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
    response = client.post(
        "/login", data={"token": TOKEN}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
    )
    assert response.status_code == 429 and 1 <= int(response.headers["Retry-After"]) <= 60
    assert sign_in(client, REMOTE_ADDR="10.0.0.2") == 302  # another address is not blocked


def test_the_cookie_is_secure_over_https_behind_the_proxy(tmp_path: Path) -> None:
    app = app_with(tmp_path, token=TOKEN, proxies=1)
    client = app.test_client()
    page = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    cookie = page.headers.get("Set-Cookie", "")
    assert "deskmeter_session=" in cookie and "Secure" in cookie
    plain = app.test_client().get("/login").headers.get("Set-Cookie", "")
    assert "Secure" not in plain  # plain http on loopback: the browser would drop it


def run_cli(tmp_path: Path, config: str, *args: str, env: dict[str, str] | None = None) -> str:
    path = tmp_path / "c.toml"
    path.write_text(config)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DESKMETER_")}
    environ.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "deskmeter", "--config", str(path), *args],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
        timeout=60,
    )
    return done.stdout + done.stderr


@pytest.mark.parametrize(
    ("config", "env"),
    [
        (f'[web]\ntoken = ["{SECRET_TOKEN}"]\n', {}),
        (f'[web]\ntoken = "{SECRET_TOKEN}"\nport = 0\n', {}),
        ("", {"DESKMETER_WEB__TOKEN": SECRET_TOKEN, "DESKMETER_WEB__PORT": "x"}),
        (f'[sync]\nremote = "mongo://u:{SECRET_PASSWORD}@remote/db"\n', {}),
        (f'[sync]\nremote = ["mongodb://u:{SECRET_PASSWORD}@remote/db"]\n', {}),
        (f'store = "mongodb://u:{SECRET_PASSWORD}@[bad/db"\n', {}),
        (
            f'store = "mongodb://u:{SECRET_PASSWORD}@127.0.0.1:1/db?serverSelectionTimeoutMS=50"\n',
            {},
        ),
    ],
)
def test_no_error_shows_a_secret(
    tmp_path: Path, xdg: Path, config: str, env: dict[str, str]
) -> None:
    output = run_cli(tmp_path, config, "status", env=env)
    assert "error" in output.lower(), output
    assert SECRET_TOKEN not in output and SECRET_PASSWORD not in output, output


def test_no_log_line_shows_the_token(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import logging

    from deskmeter.logs import setup_logging

    setup_logging()
    try:
        app = app_with(tmp_path, token=SECRET_TOKEN)
        logging.getLogger("deskmeter.test").error(
            "failed with %s and mongodb://u:%s@h/db", SECRET_TOKEN, SECRET_PASSWORD
        )
        try:
            raise RuntimeError(f"boom {SECRET_TOKEN}")
        except RuntimeError:
            logging.getLogger("deskmeter.test").exception("while %s", "working")
        del app
    finally:
        logging.getLogger().handlers.clear()
    err = capfd.readouterr().err
    assert "failed with ***" in err and "boom ***" in err
    assert SECRET_TOKEN not in err and SECRET_PASSWORD not in err


@pytest.mark.parametrize("zone", ["Europe", "", "../../etc/passwd", "a\0b", "x" * 300, "/"])
def test_time_zone_values_give_the_one_line_error(tmp_path: Path, xdg: Path, zone: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, timezone=zone)
    assert "\n" not in str(caught.value) and "timezone" in str(caught.value)


def test_a_tiny_heartbeat_is_refused(xdg: Path) -> None:
    with pytest.raises(ConfigError, match="heartbeat_seconds"):
        load_settings(None, tracker={"heartbeat_seconds": 0.0001})


def test_a_day_the_zone_skipped_is_not_a_500(tmp_path: Path) -> None:
    settings = Settings(
        store=str(tmp_path / "s.db"),
        timezone="Pacific/Apia",
        task_file=tmp_path / "tasks.txt",
        host="test",
    )
    app = create_app(settings, store=seed(SQLiteStore(tmp_path / "s.db")), clock=lambda: NOW)
    response = app.test_client().get("/day/2011-12-30")
    assert response.status_code == 404
    assert "does not exist in the time zone Pacific/Apia" in response.get_data(as_text=True)
    assert app.test_client().get("/day/2011-12-31").status_code == 200
