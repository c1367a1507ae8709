"""Load and validate the bot's TOML configuration; errors name the file and the key path.

Over ~400 lines because it is the whole file format in one place: one pydantic model per section.
"""

from __future__ import annotations

import os
import tomllib
from collections import Counter
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.durations import parse_duration
from bot.errors import ConfigError
from bot.models import Direction, Severity
from bot.plain_errors import plain_message
from bot.suggest import did_you_mean
from rules.settings import RulesSettings

Seconds = Annotated[float, BeforeValidator(parse_duration)]
DATA_DIR_ENV = "CATALYST_BOT_DATA_DIR"
BUNDLED_PREFIX = "bundled:"  # a feed file shipped in the package, e.g. "bundled:sample_feed.xml"
_SECRET_WORDS = ("token", "secret", "password", "webhook_url")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeedConfig(_Section):
    """One RSS/Atom feed to poll."""

    name: str = Field(min_length=1)
    url: str = Field(min_length=1)
    interval: Seconds = Field(default=300.0, gt=0)
    tags: list[str] = []
    baseline: bool | None = None
    silent_after: Seconds | None = Field(default=None, gt=0)

    @field_validator("url")
    @classmethod
    def _supported_scheme(cls, value: str) -> str:
        scheme = value.split("://", 1)[0].lower() if "://" in value else ""
        if scheme not in {"", "http", "https", "file"}:
            raise ValueError(f"unsupported URL scheme {scheme!r}: use http, https or file (or a local path)")
        if value.startswith(BUNDLED_PREFIX) and not _bundled_file(value).is_file():
            raise ValueError(f"no bundled feed {value.removeprefix(BUNDLED_PREFIX)!r} (try bundled:sample_feed.xml)")
        return value

    @property
    def is_local(self) -> bool:
        return not self.url.lower().startswith(("http://", "https://"))


class PollerConfig(_Section):
    """How feeds are fetched and how failures back off."""

    tick: Seconds = Field(default=5.0, gt=0)
    timeout: Seconds = Field(default=20.0, gt=0)
    max_bytes: int = Field(default=5_000_000, gt=0)
    concurrency: int = Field(default=500, gt=0)
    per_host: int = Field(default=50, gt=0)
    jitter: float = Field(default=0.1, ge=0, le=0.5)
    backoff_base: Seconds = Field(default=60.0, gt=0)
    backoff_cap: Seconds = Field(default=3600.0, gt=0)
    max_failures: int = Field(default=8, gt=0)
    baseline: bool = True
    allow_file: bool = True


SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use an IANA name, e.g. America/New_York)") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_timezone)]


class QuietHoursConfig(_Section):
    """A daily window (local time) in which a route's alerts are held for its digest instead of posted."""

    start: time
    end: time
    timezone: TimeZoneName = "UTC"
    weekends: bool = False

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHoursConfig:
        if self.start == self.end and not self.weekends:
            raise ValueError("start and end are equal: the window would be empty")
        return self


class DigestConfig(_Section):
    """When a route's summary of the period is posted (crontab fields, in `timezone`)."""

    cron: str = Field(min_length=1)
    timezone: TimeZoneName = "UTC"

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        try:
            from bot.crontab import (
                crontab_trigger,  # APScheduler: loaded only for configs with digests
            )

            crontab_trigger(value)
        except ValueError as exc:
            raise ValueError(f"not a crontab expression {value!r}: {exc}") from None
        return value


def _known_receiver(value: str) -> str:
    platform = value.split(":", 1)[0]
    if platform not in {"console", "slack", "discord", "discord-webhook"}:
        raise ValueError(
            f"unknown receiver {value!r}: use console, slack:#channel, "
            "discord:CHANNEL_ID or discord-webhook:NAME"
        )
    return value


ReceiverName = Annotated[str, Field(min_length=1), AfterValidator(_known_receiver)]


class RouteConfig(_Section):
    """Which alerts go to which receiver, and how often; the first matching route wins unless `continue`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    receiver: ReceiverName
    name: str | None = Field(default=None, min_length=1)
    tickers: list[str] | Literal["watchlist"] | None = None
    kinds: list[str] | None = None
    min_severity: Severity | None = None
    directions: list[Direction] | None = None
    tags: list[str] | None = None
    continue_: bool = Field(default=False, alias="continue")
    cooldown: Seconds = 4 * 3600.0
    cooldown_key: list[Literal["ticker", "kind", "direction", "rule", "source"]] = Field(
        default=["ticker", "kind"], min_length=1
    )
    group_wait: Seconds = 30.0
    follow_ups: Literal["thread", "edit", "both", "none"] = "thread"
    follow_up_window: Seconds | None = None
    news_to_channel: bool = False
    quiet_hours: QuietHoursConfig | None = None
    digest: DigestConfig | None = None

    @field_validator("tickers")
    @classmethod
    def _upper_tickers(cls, value: list[str] | str | None) -> list[str] | str | None:
        return [ticker.strip().upper() for ticker in value] if isinstance(value, list) else value

    @model_validator(mode="after")
    def _quiet_hours_need_a_digest(self) -> RouteConfig:
        if self.quiet_hours is not None and self.digest is None:
            raise ValueError("quiet_hours hold alerts for the route's digest: add a [digest] with a cron")
        return self

    @property
    def follow_up_seconds(self) -> float:
        """How long after a story's first message another outlet's report is a follow-up (default: the cooldown)."""
        return self.cooldown if self.follow_up_window is None else self.follow_up_window

    @property
    def matchers(self) -> dict[str, object]:
        """The match conditions that are set (an empty dict matches every alert)."""
        keys = ("tickers", "kinds", "min_severity", "directions", "tags")
        return {key: getattr(self, key) for key in keys if getattr(self, key) is not None}



class RateLimitConfig(_Section):
    """A token bucket per channel: `per_second` posts on average, bursts of up to `burst`."""

    per_second: float = Field(gt=0)
    burst: int = Field(default=1, gt=0)


class DeliveryConfig(_Section):
    """How the outbox is drained: retries, give-up time, send timeout and per-channel rate limits."""

    give_up_after: Seconds = Field(default=3600.0, gt=0)
    backoff_base: Seconds = Field(default=5.0, gt=0)
    backoff_cap: Seconds = Field(default=300.0, gt=0)
    send_timeout: Seconds = Field(default=30.0, gt=0)
    rate_limits: dict[str, RateLimitConfig] = {
        "slack": RateLimitConfig(per_second=1.0, burst=3),
        "discord": RateLimitConfig(per_second=1.0, burst=5),
        "discord-webhook": RateLimitConfig(per_second=0.5, burst=5),
    }

    def rate_limit_for(self, receiver: str) -> RateLimitConfig | None:
        """The limit for a channel: its own entry (`slack:#desk`), else its platform's (`slack`)."""
        return self.rate_limits.get(receiver) or self.rate_limits.get(receiver.split(":", 1)[0])


class OpsConfig(_Section):
    """Where operational notices go (a feed disabled, a feed silent for too long)."""

    receiver: ReceiverName
    silent_after: Seconds = Field(default=86400.0, gt=0)


class HttpConfig(_Section):
    """The operator's endpoint: /healthz and /metrics (loopback by default)."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=9108, ge=0, le=65535)


class DaemonConfig(_Section):
    """How the long-running process reloads and stops."""

    reload_on_change: bool = True
    shutdown_timeout: Seconds = Field(default=15.0, gt=0)


class StoreConfig(_Section):
    """Where state is kept: a SQLite file (`path`, relative to the data directory) or a database `url`.

    `url` is `sqlite:///PATH` or `postgresql://USER@HOST:PORT/DBNAME`; the password comes from
    the variable `password_env` names (or libpq's PGPASSWORD), never from the file.
    """

    path: Path = Path("catalyst-bot.sqlite3")
    url: str | None = None
    password_env: str | None = Field(default=None, min_length=1)
    feed_lease: Seconds = Field(default=30.0, gt=0, le=300)

    @field_validator("url")
    @classmethod
    def _known_engine(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
            return value
        parts = urlsplit(value)
        if parts.scheme not in {"postgresql", "postgres"}:
            raise ValueError(f"unsupported store URL {value!r}: use sqlite:///PATH or postgresql://USER@HOST:PORT/DBNAME")
        if parts.password is not None:
            raise ValueError("the password must not be in the file: name an environment variable in password_env")
        return value

    @model_validator(mode="after")
    def _one_location(self) -> StoreConfig:
        if self.url is not None and "path" in self.model_fields_set:
            raise ValueError("set either path or url, not both")
        return self


class ConsoleAdapterConfig(_Section):
    enabled: bool = True


class SlackAdapterConfig(_Section):
    """Slack: Socket Mode (bot + app token, no public URL) or HTTP mode (bot token + signing secret)."""

    enabled: bool = True
    mode: Literal["socket", "http"] = "socket"
    token_env: str = "SLACK_BOT_TOKEN"
    app_token_env: str = "SLACK_APP_TOKEN"
    signing_secret_env: str = "SLACK_SIGNING_SECRET"
    api_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://")
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=3000, ge=0, le=65535)
    http_path: str = Field(default="/slack/events", pattern=r"^/")

    def secret_envs(self) -> tuple[str, str]:
        """The two variables this mode needs: the bot token and the app token or signing secret."""
        return (self.token_env, self.app_token_env if self.mode == "socket" else self.signing_secret_env)


class DiscordAdapterConfig(_Section):
    """Discord: a bot (token, slash commands, `discord:CHANNEL_ID`) and/or webhooks (`discord-webhook:NAME`)."""

    enabled: bool = True
    bot: bool = True
    token_env: str = "DISCORD_TOKEN"
    api_base: str = Field(default="https://discord.com/api/v10", pattern=r"^https?://")
    guilds: list[int] = []
    webhooks: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")]] = []

    @staticmethod
    def webhook_env(name: str) -> str:
        """The environment variable holding the URL of the webhook `name`."""
        return f"DISCORD_WEBHOOK_{name.upper()}"


class EdgarConfig(_Section):
    """SEC EDGAR: the declared User-Agent, the request ceiling (SEC maximum 10/s) and watchlist company feeds."""

    user_agent: str | None = None
    max_requests_per_second: int = Field(default=10, ge=1, le=10)
    base_url: str = Field(default="https://www.sec.gov", pattern=r"^https?://")
    watchlist: bool = False
    interval: Seconds = Field(default=600.0, gt=0)
    forms: str = ""
    fetch_form4: bool = True


class AdaptersConfig(_Section):
    console: ConsoleAdapterConfig = ConsoleAdapterConfig()
    slack: SlackAdapterConfig | None = None
    discord: DiscordAdapterConfig | None = None


class BotConfig(_Section):
    """The whole configuration file."""

    data_dir: Path | None = None
    watchlist: list[str] = []
    feeds: list[FeedConfig] = []
    poller: PollerConfig = PollerConfig()
    rules: RulesSettings = RulesSettings()
    routes: list[RouteConfig] = [RouteConfig(receiver="console")]
    default_route: RouteConfig | None = None
    delivery: DeliveryConfig = DeliveryConfig()
    ops: OpsConfig | None = None
    http: HttpConfig = HttpConfig()
    daemon: DaemonConfig = DaemonConfig()
    store: StoreConfig = StoreConfig()
    adapters: AdaptersConfig = AdaptersConfig()
    edgar: EdgarConfig = EdgarConfig()
    source: Path | None = Field(default=None, exclude=True)

    @field_validator("watchlist")
    @classmethod
    def _upper_tickers(cls, value: list[str]) -> list[str]:
        return [ticker.strip().upper() for ticker in value]

    @model_validator(mode="after")
    def _unique_feed_names(self) -> BotConfig:
        repeated = [name for name, n in Counter(f.name for f in self.feeds).items() if n > 1]
        if repeated:
            raise ValueError(f"feed names must be unique; repeated: {', '.join(repeated)}")
        local = [f"feeds[{i}] ({feed.name})" for i, feed in enumerate(self.feeds) if feed.is_local]
        if local and not self.poller.allow_file:
            raise ValueError(f"{', '.join(local)} read local files, but poller.allow_file is false")
        return self

    @model_validator(mode="after")
    def _name_routes(self) -> BotConfig:
        """Unnamed routes are called `routes[i]`; the default route must not match on anything."""
        self.routes = [
            route if route.name else route.model_copy(update={"name": f"routes[{i}]"})
            for i, route in enumerate(self.routes)
        ]
        if self.default_route is not None:
            if self.default_route.matchers:
                raise ValueError(f"default_route matches everything: remove {', '.join(self.default_route.matchers)}")
            if not self.default_route.name:
                self.default_route = self.default_route.model_copy(update={"name": "default"})
        repeated = [name for name, n in Counter(route.name for route in self.route_table()).items() if n > 1]
        if repeated:
            raise ValueError(f"route names must be unique; repeated: {', '.join(map(str, repeated))}")
        return self

    def route_table(self) -> list[RouteConfig]:
        """The routes in the order they are tried, the default route (if any) last."""
        return [*self.routes, *([self.default_route] if self.default_route else [])]

    def resolved_data_dir(self) -> Path:
        """The data directory: $CATALYST_BOT_DATA_DIR, else `data_dir`, else the user's."""
        configured = os.environ.get(DATA_DIR_ENV) or self.data_dir
        if configured:
            return Path(configured).expanduser()
        return Path(platformdirs.user_data_dir("catalyst-bot", appauthor=False))

    def store_path(self) -> Path:
        return self.resolved_data_dir() / self.store.path.expanduser()

    def store_url(self) -> str:
        """The store's URL: `[store] url`, else the SQLite file at `store_path()`."""
        return self.store.url or f"sqlite:///{self.store_path()}"

    def feed_location(self, feed: FeedConfig) -> str:
        """The feed's URL, with a relative file path resolved against the config's folder."""
        if feed.url.startswith(BUNDLED_PREFIX):
            return str(_bundled_file(feed.url))
        if "://" in feed.url or self.source is None or Path(feed.url).is_absolute():
            return feed.url
        return str((self.source.parent / feed.url).resolve())


def _bundled_file(url: str) -> Path:
    name = Path(url.removeprefix(BUNDLED_PREFIX)).name
    return Path(str(resources.files("bot") / "data" / name))


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    """Every key (field name or alias) of `model` and the sections nested in it."""
    seen = seen if seen is not None else set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        pending = [info.annotation]
        while pending:
            annotation = pending.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
                names |= _field_names(annotation, seen)
            pending.extend(get_args(annotation))
    return names


def load_config(path: Path | str | None = None) -> BotConfig:
    """Read and validate a TOML file; ``None`` loads the bundled default.

    Raises:
        ConfigError: the file is missing, not TOML, or does not validate.
    """
    if path is None:
        with resources.as_file(resources.files("bot") / "data" / "default.toml") as default:
            return _load_file(Path(default))
    return _load_file(Path(path))


def _load_file(path: Path) -> BotConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        config = BotConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(*_format_errors(path, exc)) from None
    source = path.resolve()
    # Relative rule-pack paths are relative to the config file, as feed paths are.
    packs = [source.parent / pack.expanduser() for pack in config.rules.packs]
    rules = config.rules.model_copy(update={"packs": packs})
    return config.model_copy(update={"source": source, "rules": rules})


def _format_errors(path: Path, exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        key = _key_path(error["loc"])
        message = plain_message(error)
        if error["type"] == "extra_forbidden":
            message = "unknown key" + did_you_mean(str(error["loc"][-1]), _field_names(BotConfig) - {"source"})
            if any(word in str(error["loc"][-1]).lower() for word in _SECRET_WORDS):
                message += " (secrets are never read from the file: name an environment variable, e.g. token_env)"
        lines.append(f"{path}: {key or '(top level)'}: {message}")
    return lines


def _key_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif "[" in part or part == "none":
            continue  # pydantic's name for a branch of a union, not a key
        else:
            parts.append(f".{part}" if parts else str(part))
    return "".join(parts)
