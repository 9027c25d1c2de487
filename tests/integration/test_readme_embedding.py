"""The README's embedding example runs as printed: brief → storyboard → approve → video, in memory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def embedding_example() -> str:
    section = README.read_text().split("## Embedding (library use)", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "the README's embedding section has no python example"
    return match.group(1)


def test_the_readme_embedding_example_plans_approves_and_renders(tmp_path: Path) -> None:
    script = tmp_path / "embed.py"
    script.write_text(embedding_example())
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    scene_lines = [line for line in lines if re.match(r"^\d+ ", line)]
    assert 3 <= len(scene_lines) <= 7
    assert "buy now" in scene_lines[-1].lower()
    assert lines[-1].startswith("completed 12.0 s, cost")
