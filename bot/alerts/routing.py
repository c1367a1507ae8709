"""Choose the routes of an alert from the configured, ordered routes, and say why."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import SEVERITY_RANK, BotConfig, RouteConfig
from bot.models import Alert


@dataclass(frozen=True)
class RouteCheck:
    """One route's verdict on an alert: `selected` routes get it; `why` says what decided."""

    route: RouteConfig
    matched: bool
    selected: bool
    why: str


def explain_routes(alert: Alert, config: BotConfig, watchlist: list[str]) -> list[RouteCheck]:
    """Every route's verdict, in order: the first match wins unless it says `continue`.

    The default route is selected only when no other route matched. A receiver already chosen
    by an earlier route is not chosen twice.
    """
    checks: list[RouteCheck] = []
    receivers: set[str] = set()
    stopped_by: str | None = None
    for route in config.routes:
        mismatch = _mismatch(route, alert, watchlist)
        if mismatch:
            checks.append(RouteCheck(route, False, False, mismatch))
        elif stopped_by:
            checks.append(RouteCheck(route, True, False, f"matches, but {stopped_by} matched first without `continue`"))
        else:
            checks.append(_select(route, receivers, "matches"))
            if not route.continue_:
                stopped_by = route.name
    if config.default_route is not None:
        if receivers:
            checks.append(RouteCheck(config.default_route, True, False, "not used: another route matched"))
        else:
            checks.append(_select(config.default_route, receivers, "no other route matched"))
    return checks


def selected_routes(alert: Alert, config: BotConfig, watchlist: list[str]) -> list[RouteConfig]:
    return [check.route for check in explain_routes(alert, config, watchlist) if check.selected]


def _select(route: RouteConfig, receivers: set[str], why: str) -> RouteCheck:
    if route.receiver in receivers:
        return RouteCheck(route, True, False, f"{why}, but {route.receiver} already gets it from an earlier route")
    receivers.add(route.receiver)
    return RouteCheck(route, True, True, why + ("; continuing" if route.continue_ else ""))


def _mismatch(route: RouteConfig, alert: Alert, watchlist: list[str]) -> str | None:
    """Why the route does not match the alert, or None when it does."""
    if route.tickers == "watchlist":
        if alert.ticker not in watchlist:
            return f"ticker {alert.ticker} is not on the watchlist"
    elif route.tickers is not None and alert.ticker not in route.tickers:
        return f"ticker {alert.ticker} not in {route.tickers}"
    if route.kinds is not None and alert.kind not in route.kinds:
        return f"kind {alert.kind} not in {route.kinds}"
    if route.min_severity is not None and SEVERITY_RANK[alert.severity] < SEVERITY_RANK[route.min_severity]:
        return f"severity {alert.severity} is below {route.min_severity}"
    if route.directions is not None and alert.direction not in route.directions:
        return f"direction {alert.direction or 'unknown'} not in {route.directions}"
    if route.tags is not None and not set(route.tags) & set(alert.tags):
        return f"feed tags {list(alert.tags)} share none of {route.tags}"
    return None
