"""A bounded atheris run of the parse-rules-render path must finish without a crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import SAMPLE_FEED

pytest.importorskip("atheris")
HARNESS = Path(__file__).resolve().parent / "fuzz" / "fuzz_pipeline.py"


def test_fuzzing_the_pipeline_finds_no_crash(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "export").write_bytes(b"Nvidia wins export licence for H20 chips <b>@everyone</b>")
    (seeds / "feed").write_bytes(SAMPLE_FEED.read_bytes())
    result = subprocess.run(
        [sys.executable, str(HARNESS), "-runs=4000", "-max_len=4096", "-seed=1", str(seeds)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done 4000 runs" in result.stderr
