"""Which feed URLs are EDGAR's browse-edgar Atom feeds (a check `check` can make without the feed parsers)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

_ACTIONS = {"getcurrent", "getcompany"}
_PATH = "/cgi-bin/browse-edgar"


def is_edgar_feed(url: str) -> bool:
    """True for EDGAR's browse-edgar Atom feeds (latest filings or one company's), on any host."""
    if _PATH not in url:  # asked on every poll: most URLs are told apart without parsing them
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    query = {key.lower(): values[-1].lower() for key, values in parse_qs(parts.query).items()}
    return (
        parts.path.rstrip("/").endswith(_PATH)
        and query.get("action") in _ACTIONS
        and query.get("output") == "atom"
    )
