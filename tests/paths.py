"""Where tests find the repository and the optional `../shared` evaluation data beside the clone."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE_FEED = REPO / "bot" / "data" / "sample_feed.xml"
