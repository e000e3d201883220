"""The pipeline's modules type-check (the files listed in mypy.ini)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pipeline_modules_type_check(tmp_path):
    # a cache of its own: a stale shared one could hide an error
    run = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found in 19 source files" in run.stdout
