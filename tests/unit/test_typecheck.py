"""The code type-checks: every module in lib/ and pages/, and app.py (mypy.ini)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engine_and_pages_type_check(tmp_path):
    # a cache of its own: a stale shared one could hide an error
    run = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    checked = re.search(r"Success: no issues found in (\d+) source files", run.stdout)
    modules = [*(ROOT / "lib").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    assert checked and int(checked.group(1)) == len(modules), run.stdout
