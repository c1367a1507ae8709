"""The build beyond pyproject.toml: the rule engine's hot modules compiled to C with mypyc.

Where they cannot be compiled (no C compiler, or ``CATALYST_BOT_PURE_PYTHON=1`` for work on
them without a rebuild after each edit) the same modules run as plain Python, slower.
"""

import os
import runpy
from pathlib import Path

from setuptools import setup

# Named in rules/compiled.py, read as a file: the build does not import the package.
MODULES = runpy.run_path(str(Path(__file__).parent / "rules" / "compiled.py"))["MODULES"]
# mypy checks the compiled modules only: the rest of the code and untyped packages are Any to it.
MYPY_OPTIONS = ["--ignore-missing-imports", "--follow-imports=silent", "--disable-error-code=func-returns-value"]


def extensions() -> list:
    if os.environ.get("CATALYST_BOT_PURE_PYTHON") == "1":
        return []
    from mypyc.build import mypycify

    paths = [f"rules/{name}.py" for name in MODULES]
    built = mypycify(paths + MYPY_OPTIONS, opt_level="3", group_name="catalyst_bot_rules")
    for extension in built:
        extension.optional = True  # a failed compile falls back to the plain modules
    return built


setup(ext_modules=extensions())
