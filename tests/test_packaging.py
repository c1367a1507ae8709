"""The Docker image and CI install through one command; the image gets no test extras."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from rules.compiled import MODULES, compiled_modules
from tests.paths import REPO


def install_args(tmp_path: Path, *args: str) -> str:
    """What `.ci/install ARGS` asks pip for, with a stand-in `python` that prints its arguments."""
    stand_in = tmp_path / "python"
    stand_in.write_text('#!/bin/sh\necho "$@"\n')
    stand_in.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([REPO / ".ci" / "install", *args], env=env, capture_output=True, text=True, check=True).stdout


def test_the_image_installs_the_runtime_only_and_ci_adds_the_test_extras(tmp_path):
    dockerfile = (REPO / "Dockerfile").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    installs = [line.strip() for line in dockerfile.splitlines() if ".ci/install" in line and not line.startswith("COPY")]
    assert installs == ["&& .ci/install \\"]  # once, with no extras, in the step with the C compiler
    assert any(line.startswith(".ci/install test") for line in ci.splitlines())
    assert install_args(tmp_path) == "-m pip install --quiet --no-cache-dir -e .\n"
    assert install_args(tmp_path, "test") == "-m pip install --quiet --no-cache-dir -e .[test]\n"


def test_the_image_compiles_the_bytecode_of_every_package_it_copies():
    lines = (REPO / "Dockerfile").read_text().splitlines()
    copied = {line.split()[1] for line in lines if line.startswith("COPY ") and (REPO / line.split()[1] / "__init__.py").exists()}
    compiled = [line.split()[5:] for line in lines if line.startswith("RUN python -m compileall -q ")]
    assert copied == {"bot", "adapters", "rules"}
    assert len(compiled) == 1 and set(compiled[0]) == copied


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="a developer may install with CATALYST_BOT_PURE_PYTHON=1")
def test_ci_tests_the_rule_engine_as_the_image_runs_it_compiled():
    assert compiled_modules() == list(MODULES)
