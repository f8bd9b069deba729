"""The committed diagrams are generated from the charts and must not go stale.

Regenerate them with ``.venv/bin/python tests/lifecycle/test_diagrams.py``.
"""

import sys
from pathlib import Path

import pytest

from partnerdomain.lifecycle import CommitmentLifecycle, OpportunityLifecycle, PartnerLifecycle

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = {
    "partner-lifecycle.mmd": PartnerLifecycle,
    "opportunity-lifecycle.mmd": OpportunityLifecycle,
    "commitment-lifecycle.mmd": CommitmentLifecycle,
}


def mermaid(chart):
    return format(chart, "mermaid")


@pytest.mark.parametrize(("name", "chart"), DIAGRAMS.items())
def test_the_committed_diagram_is_the_one_the_chart_generates(name, chart):
    committed = (ROOT / "docs" / "diagrams" / name).read_text(encoding="utf-8")
    assert committed == mermaid(chart), (
        f"docs/diagrams/{name} is out of date; regenerate it with "
        ".venv/bin/python tests/lifecycle/test_diagrams.py"
    )


@pytest.mark.parametrize(("name", "chart"), DIAGRAMS.items())
def test_the_docs_page_shows_the_generated_diagram(name, chart):
    page = (ROOT / "docs" / "lifecycles.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid(chart)}```" in page, f"docs/lifecycles.md shows a stale {name}"


def test_the_diagrams_show_every_stage_and_event():
    text = mermaid(PartnerLifecycle)
    for state in PartnerLifecycle.states_map.values():
        assert f" as {state.id}" in text
    assert "Complete offboarding" in text


if __name__ == "__main__":
    for name, chart in DIAGRAMS.items():
        path = ROOT / "docs" / "diagrams" / name
        path.write_text(mermaid(chart), encoding="utf-8")
        sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")
