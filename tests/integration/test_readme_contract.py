"""The README's "Testing your own adapter" example runs as printed, as a user's project would run
it (a fresh directory: no project configuration, so pytest-asyncio's strict mode; only the
pytest-asyncio plugin, not every plugin of this development environment), and the contract
catches a broken copy of it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
PLUGINS = ("-p", "pytest_asyncio.plugin")


def contract_example() -> str:
    section = README.read_text().split("## Testing your own adapter", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "the README's adapter-testing section has no python example"
    return match.group(1)


def run_pytest(folder: Path, code: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_dict_blob_store.py").write_text(code)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *PLUGINS, "test_dict_blob_store.py"],
        cwd=folder,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_readme_blob_store_passes_the_contract(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, contract_example())
    assert done.returncode == 0, done.stdout + done.stderr
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed, done.stdout
    assert int(passed.group(1)) >= 10, done.stdout
    assert "failed" not in done.stdout


def test_a_blob_store_that_drops_the_last_byte_of_a_range_fails_the_contract(tmp_path: Path) -> None:
    code = contract_example()
    broken = code.replace(
        "stop = len(data) if end is None else end + 1", "stop = len(data) if end is None else end"
    )
    assert broken != code
    done = run_pytest(tmp_path, broken)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "test_reads_byte_ranges_inclusive" in done.stdout
