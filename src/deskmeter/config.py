"""Configuration: one TOML file, overridden by ``DESKMETER_*`` environment variables and flags.

Precedence, highest first: command-line flags, environment (``DESKMETER_STORE``,
``DESKMETER_TIMEZONE``, nested keys with ``__`` such as ``DESKMETER_TRACKER__SOURCE``), the TOML
file (``--config``/``DESKMETER_CONFIG``, default ``$XDG_CONFIG_HOME/deskmeter/config.toml``),
built-in defaults. Every problem is reported as one line that names the key.
"""

from __future__ import annotations

import logging
import os
import socket
import tomllib
from contextvars import ContextVar
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from deskmeter import localzone, paths
from deskmeter.logs import redact, register_secret
from deskmeter.models import workspace_label

_file_data: ContextVar[dict[str, Any]] = ContextVar("deskmeter_config_file")


class ConfigError(ValueError):
    """A configuration problem; ``str()`` is one line naming the key and the problem."""


def system_timezone() -> str:
    """The machine's time zone name (``TZ``, ``/etc/timezone``, ``/etc/localtime``), else UTC.

    A copied (not symlinked) ``/etc/localtime`` is recognised too: see deskmeter/localzone.py.
    """
    return localzone.system_timezone()


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrackerSettings(_Section):
    #: A row of ``deskmeter.registry.workspace_sources.WORKSPACE_SOURCES``, or ``auto``.
    source: str = "auto"
    #: How often the open interval's heartbeat is saved: at most this much is lost on a crash.
    #: At least 1 s: a tiny value would spin the CPU and write the store in a loop.
    heartbeat_seconds: float = Field(30.0, ge=1, le=3600)
    #: How often the ``wmctrl`` source polls.
    poll_seconds: float = Field(1.0, gt=0, le=60)
    #: A gap between wall clock and monotonic clock above this is taken as a suspend.
    suspend_threshold_seconds: float = Field(5.0, gt=0)
    #: Seconds to wait between attempts to reach the X server.
    retry_seconds: float = Field(5.0, gt=0, le=300)
    #: No input for this long = away, counted from the last input (0 turns away detection off).
    away_after_seconds: float = Field(300.0, ge=0, le=86_400)
    #: After an away stretch longer than this, the panel and the dashboard ask what it was.
    ask_after_away_seconds: float = Field(600.0, ge=0, le=7 * 86_400)
    #: What sees input: an idle row of ``registry.presence_sources.PRESENCE_SOURCES`` (x11,
    #: mutter, wayland), ``auto`` (from the session) or ``none``.
    #: The screen lock and suspend come from logind (and GNOME's lock).
    presence: str = "auto"
    #: Listen to systemd-logind (session Lock/Unlock, PrepareForSleep) on the system bus.
    logind: bool = True

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        from deskmeter.registry.workspace_sources import check_source_name

        return check_source_name(value)

    @field_validator("presence")
    @classmethod
    def _known_presence(cls, value: str) -> str:
        from deskmeter.registry.presence_sources import check_presence_name

        return check_presence_name(value)


class WorkspaceSettings(_Section):
    #: Names for workspaces by index (first = workspace 1); they win over the X names.
    labels: list[str] = Field(default_factory=list)


class WebSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8765, ge=1, le=65535)
    mode: Literal["local", "portfolio"] = "local"
    #: The bearer token that any writing endpoint requires (unset: nothing can write).
    token: SecretStr | None = None
    #: Deprecated: ``[portfolio] path_depth`` is the one knob (``true`` = ``path_depth = 1``,
    #: its default). Still loaded, with a deprecation message.
    coarsen_tasks: bool | None = None
    #: The name in the page title and header.
    title: str = Field("Deskmeter", min_length=1, max_length=60)
    #: Rows per page of the switches list (the API's ``per_page`` default).
    per_page: int = Field(50, ge=1, le=500)
    #: gunicorn worker processes (``deskmeter web --gunicorn``).
    workers: int = Field(2, ge=1, le=64)
    #: How many reverse proxies (Nginx) set ``X-Forwarded-*`` in front of the dashboard.
    proxies: int = Field(0, ge=0, le=5)
    #: A sign-in lasts this long (then the token is asked again); logout ends it at once.
    session_hours: float = Field(12.0, gt=0, le=24 * 31)
    #: Sign-in attempts allowed per client address per minute (then 429, Retry-After).
    login_attempts_per_minute: int = Field(5, ge=1, le=1000)
    #: The random per-installation key that signs session cookies (created 0600 on first
    #: use; default ``$XDG_DATA_HOME/deskmeter/web-session.key``).
    session_key_file: Path | None = None

    @field_validator("token", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        """``token = ""`` (or ``DESKMETER_WEB__TOKEN=`` set empty) means no token at all."""
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, SecretStr) and not value.get_secret_value().strip():
            return None
        return value


class SyncSettings(_Section):
    #: The remote MongoDB (through the SSH tunnel), e.g. ``mongodb://127.0.0.1:27018/deskmeter``.
    remote: str | None = None
    #: Changes applied to the remote per ``bulk_write`` (and per checkpoint).
    batch_size: int = Field(500, ge=1, le=100_000)
    #: How often the SQLite change log is polled when its file cannot be watched (inotify
    #: unavailable); MongoDB: how long the change stream waits in the server per read.
    poll_seconds: float = Field(0.2, gt=0, le=60)
    #: SQLite: the watched file wakes sync on every commit; this slow poll is the safety net
    #: (file systems where inotify misses other machines' writes: NFS, some FUSE mounts).
    safety_poll_seconds: float = Field(30.0, ge=1, le=3600)
    #: First wait after a failure; doubled after each further failure ...
    backoff_initial_seconds: float = Field(1.0, gt=0, le=3600)
    #: ... up to this cap (the remote may be away for hours: keep trying, never give up).
    backoff_max_seconds: float = Field(300.0, gt=0, le=86_400)
    #: How long to wait for the remote to answer before counting it as unreachable.
    timeout_seconds: float = Field(10.0, gt=0, le=600)
    #: How often the daemon records that it is alive (``deskmeter sync status``).
    heartbeat_seconds: float = Field(15.0, gt=0, le=3600)

    @field_validator("remote")
    @classmethod
    def _mongodb_uri(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("mongodb://", "mongodb+srv://")):
            raise ValueError("must be a mongodb:// or mongodb+srv:// URI")
        return value.strip()


class ViewsSettings(_Section):
    """``[views]``: how every page and report cuts and shows the days."""

    #: When a day begins, local wall time (``"04:00"``: a night's work counts to the day before).
    #: A multiple of 15 minutes, 12:00 at the latest.
    day_starts_at: str = "00:00"
    #: Colours by task or area (``"work" = "#3366cc"``); the rest come from a hash of the area.
    colors: dict[str, str] = Field(default_factory=dict)
    #: The heat scale of the calendar: hours of a full day (unset: the user's own 90th
    #: percentile of the last 90 worked days).
    full_day_hours: float | None = Field(None, gt=0, le=24)

    @field_validator("day_starts_at")
    @classmethod
    def _day_start(cls, value: str) -> str:
        from deskmeter.dates import parse_day_start

        offset = parse_day_start(value)
        if offset.total_seconds() % 900:
            raise ValueError("must be a multiple of 15 minutes (e.g. 04:00 or 05:30)")
        return value

    @field_validator("colors")
    @classmethod
    def _hex_colours(cls, value: dict[str, str]) -> dict[str, str]:
        for key, colour in value.items():
            text = colour.strip()
            if len(text) not in (4, 7) or not text.startswith("#"):
                raise ValueError(f"{key}: expected #rgb or #rrggbb, got {colour!r}")
            try:
                int(text[1:], 16)
            except ValueError:
                raise ValueError(f"{key}: expected #rgb or #rrggbb, got {colour!r}") from None
        return value

    @property
    def day_start(self) -> timedelta:
        from deskmeter.dates import parse_day_start

        return parse_day_start(self.day_starts_at)


class PortfolioSettings(_Section):
    """``[portfolio]``: what a public (portfolio mode) dashboard shows."""

    #: The switches list (every interval to the second): off unless turned on.
    show_switches: bool = False
    #: Exact clock times (timeline, first start, last end): off unless turned on.
    show_times: bool = False
    #: Levels of a task path shown (1: ``work``; 2: ``work/client-a``; 0: the whole path).
    #: The one privacy knob for task paths; default 1.
    path_depth: int = Field(1, ge=0, le=10)
    #: Workspace names (a workspace named after a client tells what ``path_depth`` hides).
    show_workspaces: bool = False
    #: Host names (the workstations' own names).
    show_hosts: bool = False
    #: Public names for hosts (``desk = "workstation"``): shown even with ``show_hosts`` off.
    host_aliases: dict[str, str] = Field(default_factory=dict)
    #: What runs now, and whether its owner is away (the header, ``/api/v1/state``).
    show_presence: bool = True

    @field_validator("host_aliases")
    @classmethod
    def _aliases(cls, value: dict[str, str]) -> dict[str, str]:
        from deskmeter.hosts import host_problem

        for real, alias in value.items():
            if (problem := host_problem(alias)) is not None:
                raise ValueError(f"the alias of {real[:60]!r} {problem}")
        if len(set(value.values())) != len(value):
            raise ValueError("two hosts have the same alias")
        return value


class GoalSettings(_Section):
    """One ``[[goals]]`` entry: a target or a cap for a task or an area, per day or week."""

    #: A task path or an area (a prefix: ``work`` covers ``work/a`` and ``work/b``).
    path: str = Field(min_length=1, max_length=200)
    per: Literal["day", "week"] = "day"
    #: At least this many hours per period.
    target_hours: float | None = Field(None, gt=0, le=168)
    #: At most this many hours per period.
    max_hours: float | None = Field(None, gt=0, le=168)
    #: At most this share of the period's tracked time.
    max_percent: float | None = Field(None, gt=0, le=100)

    @field_validator("path")
    @classmethod
    def _a_task_path(cls, value: str) -> str:
        from deskmeter.tasks.taskfile import validate_path

        text = value.strip().strip("/")
        if not text:
            raise ValueError("is blank: give a task path or an area (e.g. work)")
        validate_path(text)  # ValueError: one line naming the problem
        return text

    @model_validator(mode="after")
    def _means_something(self) -> GoalSettings:
        """A goal that can never mean anything is an error, not silently ignored."""
        if self.target_hours is None and self.max_hours is None and self.max_percent is None:
            raise ValueError(
                f"goal {self.path!r} has no target_hours, max_hours or max_percent: give one"
            )
        hours = 24 if self.per == "day" else 168
        for name, value in (("target_hours", self.target_hours), ("max_hours", self.max_hours)):
            if value is not None and value > hours:
                raise ValueError(f"goal {self.path!r}: {name} {value:g} is more than a {self.per}")
        if (
            self.target_hours is not None
            and self.max_hours is not None
            and self.target_hours > self.max_hours
        ):
            raise ValueError(
                f"goal {self.path!r}: target_hours {self.target_hours:g} is above max_hours "
                f"{self.max_hours:g}: it can never be met"
            )
        return self


class ActivityWatchSettings(_Section):
    """``[activitywatch]``: the tracker also reports to a running aw-server (unset: it does not)."""

    #: The aw-server's address, e.g. ``http://127.0.0.1:5600``.
    url: str | None = None
    #: How often the open interval is re-sent (a heartbeat); the pulsetime that merges
    #: heartbeats into one event is this plus 10 s.
    heartbeat_seconds: float = Field(30.0, gt=0, le=3600)
    #: How long one request may take before it counts as failed.
    timeout_seconds: float = Field(2.0, gt=0, le=60)
    #: Heartbeats waiting to be sent; when full, new ones are dropped (and counted).
    queue_size: int = Field(1000, ge=1, le=1_000_000)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL (e.g. http://127.0.0.1:5600)")
        return value.strip().rstrip("/")


class ActivityWatchRule(_Section):
    """One ``[[import.activitywatch.rules]]`` entry: window events that match → a task."""

    task: str = Field(min_length=1, max_length=500)
    #: A regular expression searched in the app name (case-insensitive; "" matches all).
    app: str = ""
    #: A regular expression searched in the window title (case-insensitive; "" matches all).
    title: str = ""

    @field_validator("app", "title")
    @classmethod
    def _regex(cls, value: str) -> str:
        import re

        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


class ActivityWatchImportSettings(_Section):
    rules: list[ActivityWatchRule] = Field(default_factory=list)


class ImportSettings(_Section):
    """``[import]``: how other tools' records map onto tasks."""

    activitywatch: ActivityWatchImportSettings = ActivityWatchImportSettings()


class _FileSource(PydanticBaseSettingsSource):
    """The TOML file's values (read by ``load_settings``)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return _file_data.get({}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_file_data.get({}))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DESKMETER_",
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,  # ``imports`` (the field) as well as ``import`` (the file's key)
    )

    #: A SQLite file path or a ``mongodb://`` URI.
    store: str = Field(default_factory=lambda: str(paths.default_store()))
    timezone: str = Field(default_factory=system_timezone)
    task_file: Path = Field(default_factory=paths.default_task_file)
    #: The name this machine writes into each switch.
    host: str = Field(default_factory=socket.gethostname)
    tracker: TrackerSettings = TrackerSettings()
    workspaces: WorkspaceSettings = WorkspaceSettings()
    web: WebSettings = WebSettings()
    sync: SyncSettings = SyncSettings()
    views: ViewsSettings = ViewsSettings()
    portfolio: PortfolioSettings = PortfolioSettings()
    goals: list[GoalSettings] = Field(default_factory=list)
    activitywatch: ActivityWatchSettings = ActivityWatchSettings()
    #: ``[import]`` in the file (``import`` is a Python keyword).
    imports: ImportSettings = Field(default_factory=ImportSettings, alias="import")

    @model_validator(mode="before")
    @classmethod
    def _web_colors_alias(cls, data: Any) -> Any:
        """``[web.colors]`` is another name for ``[views.colors]`` (the name issue 15 used).

        Given in both places it is an error (one clear line), never a silent merge.
        """
        if not isinstance(data, dict) or not isinstance(data.get("web"), dict):
            return data
        if "colors" not in data["web"]:
            return data
        web = dict(data["web"])
        colours = web.pop("colors")
        views = data.get("views")
        if isinstance(views, ViewsSettings):
            views = views.model_dump() if "colors" in views.model_fields_set else {}
        views = dict(views or {})
        if views.get("colors"):
            raise ValueError(
                "colours given twice, as [views.colors] and as [web.colors] (its other "
                "name): keep one"
            )
        views["colors"] = colours
        return {**data, "web": web, "views": views}

    @model_validator(mode="after")
    def _coarsen_tasks_is_path_depth(self) -> Settings:
        """``web.coarsen_tasks`` (deprecated) is ``portfolio.path_depth = 1``."""
        coarsen = self.web.coarsen_tasks
        if coarsen is None:
            return self
        logging.getLogger("deskmeter.config").warning(
            "web.coarsen_tasks is deprecated: use [portfolio] path_depth (levels of a task "
            "path a portfolio shows; default 1, which is what coarsen_tasks = true meant)"
        )
        if coarsen and self.portfolio.path_depth != 1:
            if "path_depth" in self.portfolio.model_fields_set:
                raise ValueError(
                    f"web.coarsen_tasks = true and portfolio.path_depth = "
                    f"{self.portfolio.path_depth} disagree: keep path_depth only"
                )
            self.portfolio.path_depth = 1
        return self

    @field_validator("host")
    @classmethod
    def _host_name(cls, value: str) -> str:
        """The rule of ``deskmeter.hosts`` (the same as ``import --host``)."""
        from deskmeter.hosts import host_problem

        if (problem := host_problem(value)) is not None:
            raise ValueError(problem)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError, UnicodeError) as exc:
            # OSError: a name that is a directory or unreadable ("Europe", "/etc"); ValueError
            # also covers NUL bytes and paths outside the zone database.
            raise ValueError(f"unknown time zone {value[:60]!r} (use an IANA name)") from exc
        return value

    @field_validator("store")
    @classmethod
    def _store_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty: give a SQLite file path or a mongodb:// URI")
        if "://" not in value:
            return str(Path(value).expanduser())
        return value

    @field_validator("task_file")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def workspace_label(self, index: int, x_name: str = "") -> str:
        labels = self.workspaces.labels
        if 0 <= index < len(labels) and labels[index]:
            return labels[index]
        return workspace_label(index, x_name)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _FileSource(settings_cls)


def register_secrets(settings: Settings) -> None:
    """Make the token never appear in a log line (URI passwords are redacted anyway)."""
    if settings.web.token is not None:
        register_secret(settings.web.token.get_secret_value())


def config_file_path(explicit: Path | str | None = None) -> tuple[Path, bool]:
    """The config file to read and whether the user named it (then it must exist)."""
    if explicit:
        return Path(explicit).expanduser(), True
    env = os.environ.get("DESKMETER_CONFIG")
    if env:
        return Path(env).expanduser(), True
    return paths.default_config_file(), False


def read_config_file(path: Path, *, required: bool) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(f"config file {path}: not found") from None
        return {}
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read: {exc.strerror}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: not valid TOML: {exc}") from exc


#: Settings whose values are never shown in an error (they are, or may hold, secrets).
SECRET_KEYS = ("web.token", "token", "sync.remote", "remote", "store")


def _plain(error: Any) -> str:
    """The problem in our own words: a validator's message without pydantic's "Value error, "."""
    raised = (error.get("ctx") or {}).get("error")
    if error["type"] in ("value_error", "assertion_error") and raised is not None:
        return str(raised)
    return str(error["msg"])


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = redact(_plain(first))
    if first["type"] == "extra_forbidden":
        message = "unknown setting"
    value = first.get("input")
    secret = any(key == k or key.startswith(k + ".") for k in SECRET_KEYS)
    if isinstance(value, dict) or first["type"] == "missing":
        shown = ""
    elif secret:
        shown = " (value not shown: it may hold a secret)"
    else:
        shown = f" (got {redact(repr(value))[:120]})"
    more = len(error.errors()) - 1
    tail = f"; and {more} more problem{'s' if more > 1 else ''}" if more else ""
    return f"{key}: {message}{shown}{tail}"


def load_settings(config: Path | str | None = None, **overrides: Any) -> Settings:
    """Read the settings; raise ``ConfigError`` with a one-line message on any problem."""
    path, required = config_file_path(config)
    data = read_config_file(path, required=required)
    token = _file_data.set(data)
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
        register_secrets(settings)
        return settings
    except ValidationError as exc:
        where = f" (config file {path}, DESKMETER_* environment or flags)"
        raise ConfigError(f"bad setting {_describe(exc)}{where}") from None
    finally:
        _file_data.reset(token)
