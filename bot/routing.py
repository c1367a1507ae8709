"""Choose the receivers of an alert from the configured, ordered routes."""

from __future__ import annotations

from bot.config import RouteConfig
from bot.models import Alert


def route_alert(alert: Alert, routes: list[RouteConfig], watchlist: list[str]) -> list[str]:
    """Receivers of the first matching route, and of later ones while a match says `continue`."""
    receivers: list[str] = []
    for route in routes:
        if not _matches(route, alert, watchlist):
            continue
        if route.receiver not in receivers:
            receivers.append(route.receiver)
        if not route.continue_:
            break
    return receivers


def _matches(route: RouteConfig, alert: Alert, watchlist: list[str]) -> bool:
    tickers = watchlist if route.tickers == "watchlist" else route.tickers
    if tickers is not None and alert.ticker not in {t.upper() for t in tickers}:
        return False
    return route.kinds is None or alert.kind in route.kinds
