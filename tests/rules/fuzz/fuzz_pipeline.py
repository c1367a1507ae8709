"""Coverage-guided fuzzing (atheris) of parse -> normalise -> rules -> Slack/Discord/console render.

Run: python tests/fuzz/fuzz_pipeline.py -runs=100000 -max_len=8192  (libFuzzer flags).
"""

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

with atheris.instrument_imports(include=["bot", "rules", "adapters"]):
    from adapters.console import render_alert
    from adapters.discord.embeds import to_discord_embed
    from adapters.slack.blocks import to_slack_blocks
    from bot.config import load_config
    from bot.ingest.normalize import parse_feed
    from bot.models import Alert
    from rules.engine import RuleEngine

ENGINE = RuleEngine.from_settings(load_config(None).rules)
WRAP = b"<rss version='2.0'><channel><item><title>%s</title><description>%s</description></item></channel></rss>"


def one_input(data: bytes) -> None:
    half = len(data) // 2
    for body in (data, WRAP % (data[:half], data[half:])):
        for item in parse_feed(body, feed="fuzz").items:
            for catalyst in ENGINE.detect(item):
                for ticker in catalyst.tickers:
                    alert = Alert.from_catalyst(item, catalyst, ticker)
                    to_slack_blocks(alert)
                    to_discord_embed(alert)
                    render_alert(alert)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
