"""Feeds in, NewsItems out: fetch over HTTP or from disk, conditional GET, parse, normalise."""
