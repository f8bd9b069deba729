import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_quickstart_script_runs_and_reports_the_quarter():
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        check=True,
        capture_output=True,
        text=True,
    )
    assert "Portfolio as of 2026-09-30 (2026Q3), 2 partners" in done.stdout
    assert "won 48,000.00 EUR in 2026Q3" in done.stdout
