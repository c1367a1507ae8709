"""Discord adapter: alerts as embeds with buttons, `/catalysts` through discord.py, and webhook-only mode."""
