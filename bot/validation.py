"""Everything `check` and `run` find wrong with a loaded config: one list, used by both."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import BotConfig, RouteConfig
from bot.errors import ConfigError, StoreError
from bot.ingest.edgar_access import edgar_problems
from bot.store.engines import POSTGRES_SCHEMES
from bot.suggest import did_you_mean
from rules.packs import load_rules

_CHANNEL_HINT = "Developer Mode → Copy Channel ID"
_WEBHOOK_URL = re.compile(r"/webhooks/(?P<id>\d{15,25})/(?P<token>[\w-]{20,})/?$")


@dataclass
class Findings:
    """Errors stop `run`; missing secrets stop `run` too but are warnings for `check` (errors with --strict)."""

    errors: list[str] = field(default_factory=list)
    missing_secrets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def raise_for_run(self, source: Path | str | None) -> None:
        """Raise ConfigError naming every problem that keeps `run` from starting."""
        problems = self.errors + self.missing_secrets
        if problems:
            raise ConfigError(*(f"{source or 'config'}: {problem}" for problem in problems))


def validate_config(config: BotConfig) -> Findings:
    """Every problem of `config` that `run` would hit: receivers, rules, kinds, EDGAR access, feeds and secrets."""
    findings = Findings()
    findings.errors += _receiver_errors(config)
    findings.errors += _rule_errors(config)
    findings.errors += edgar_problems(config)
    findings.missing_secrets += _missing_secrets(config)
    findings.errors += _webhook_url_errors(config)
    findings.warnings += _feed_warnings(config)
    return findings


def _route_labels(config: BotConfig) -> list[tuple[str, RouteConfig]]:
    labels = [(f"routes[{i}]", route) for i, route in enumerate(config.routes)]
    return labels + ([("default_route", config.default_route)] if config.default_route else [])


def _receiver_errors(config: BotConfig) -> list[str]:
    receivers = [(f"{label}.receiver", route.receiver) for label, route in _route_labels(config)]
    if config.ops is not None:
        receivers.append(("ops.receiver", config.ops.receiver))
    errors = []
    discord = config.adapters.discord if config.adapters.discord and config.adapters.discord.enabled else None
    slack = config.adapters.slack if config.adapters.slack and config.adapters.slack.enabled else None
    if discord is not None and not discord.bot and not discord.webhooks:
        errors.append("adapters.discord: bot is false and no webhooks are listed, so it would do nothing")
    for key, receiver in receivers:
        platform, _, target = receiver.partition(":")
        where = f"{key} {receiver!r}"
        if platform == "console" and not config.adapters.console.enabled:
            errors.append(f"{where}: adapters.console.enabled is false, so nothing would be shown")
        elif platform == "slack" and slack is None:
            errors.append(f"{where}: add an enabled [adapters.slack] section, or these alerts can never be posted")
        elif platform in ("discord", "discord-webhook") and discord is None:
            errors.append(f"{where}: add an enabled [adapters.discord] section, or these alerts can never be posted")
        elif platform == "discord" and not discord.bot:
            errors.append(f"{where}: adapters.discord.bot is false; post through discord-webhook:NAME instead")
        elif platform == "discord" and not target.isdigit():
            errors.append(f"{where}: use the channel's numeric id ({_CHANNEL_HINT})")
        elif platform == "discord-webhook" and target.upper() not in {n.upper() for n in discord.webhooks}:
            errors.append(
                f"{where}: add {target!r} to adapters.discord.webhooks and set {discord.webhook_env(target)}"
            )
    return errors


def _rule_errors(config: BotConfig) -> list[str]:
    loaded = load_rules(config.rules)
    errors = list(loaded.errors)
    kinds = set(loaded.kinds_by_id.values())
    for label, route in _route_labels(config):
        for kind in route.kinds or []:
            if kind not in kinds:
                errors.append(f"{label}.kinds: unknown kind {kind!r}{did_you_mean(kind, kinds)}")
    for pattern in config.rules.disable:
        if not any(fnmatch.fnmatchcase(rule_id, pattern) for rule_id in loaded.kinds_by_id):
            errors.append(f"rules.disable: {pattern!r} matches no rule{did_you_mean(pattern, loaded.kinds_by_id)}")
    return errors


def _missing_secrets(config: BotConfig) -> list[str]:
    needed: list[tuple[str, list[str]]] = []
    slack, discord = config.adapters.slack, config.adapters.discord
    if slack is not None and slack.enabled:
        needed.append(("adapters.slack", list(slack.secret_envs())))
    if discord is not None and discord.enabled:
        names = ([discord.token_env] if discord.bot else []) + [discord.webhook_env(n) for n in discord.webhooks]
        needed.append(("adapters.discord", names))
    if config.store.password_env:
        needed.append(("store.password_env", [config.store.password_env]))
    return [message for section, names in needed if (message := missing_secret_message(section, names))]


def parse_webhook_url(url: str) -> tuple[int, str]:
    """The id and token of a Discord webhook URL (https://discord.com/api/webhooks/ID/TOKEN)."""
    match = _WEBHOOK_URL.search(url.strip())
    if match is None:
        raise ValueError("not a Discord webhook URL (https://discord.com/api/webhooks/ID/TOKEN)")
    return int(match["id"]), match["token"]


def _webhook_url_errors(config: BotConfig) -> list[str]:
    """A webhook variable that is set but holds no webhook URL (never the value: it is a secret)."""
    discord = config.adapters.discord
    if discord is None or not discord.enabled:
        return []
    errors = []
    for env in (discord.webhook_env(name) for name in discord.webhooks):
        try:
            if os.environ.get(env):
                parse_webhook_url(os.environ[env])
        except ValueError as exc:
            errors.append(f"{env}: {exc}")
    return errors


def store_errors(config: BotConfig) -> list[str]:
    """What keeps `run` from opening a PostgreSQL store: no connection, or a schema newer than this version.

    Only `check` asks (`run` opens the store itself). A SQLite file is made on first use, so it is
    not opened here; an unset password is a missing secret.
    """
    password_env = config.store.password_env
    if not (config.store.url or "").startswith(POSTGRES_SCHEMES) or (password_env and not os.environ.get(password_env)):
        return []
    # The store module is loaded only when there is a database to reach.
    from bot.store.database import Store

    try:
        store = Store.from_config(config, migrate=False)
    except StoreError as exc:
        return [str(exc)]
    try:
        problem = store.schema_problem()
    finally:
        store.close()
    return [problem] if problem else []


def missing_secret_message(section: str, names: list[str]) -> str | None:
    """What to say when some of the environment variables `names` that `section` needs are unset."""
    missing = [name for name in names if not os.environ.get(name)]
    if not missing:
        return None
    verb = "is" if len(missing) == 1 else "are"
    return f"{section} is configured but the environment variable(s) {', '.join(missing)} {verb} not set"


def _feed_warnings(config: BotConfig) -> list[str]:
    if not config.feeds:
        return ["no [[feeds]]: `run` would poll nothing"]
    warnings = []
    for index, feed in enumerate(config.feeds):
        location = config.feed_location(feed)
        if feed.is_local and not Path(location.removeprefix("file://")).is_file():
            warnings.append(f"feeds[{index}].url: no such file {location} (the feed would fail on every poll)")
    return warnings
