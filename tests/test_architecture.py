"""The package's shape: layers, public names, and an import free of side effects."""

import subprocess
import sys

from importlinter.cli import lint_imports

import partnerdomain

CONTRACT_NAMES = {
    "Money",
    "Quarter",
    "Partner",
    "PartnerType",
    "PartnerStage",
    "PartnerManager",
    "PartnerSuccessManager",
    "AccountExecutive",
    "Opportunity",
    "OpportunityStage",
    "Activity",
    "Commitment",
    "Portfolio",
}


def test_layers_of_the_design_hold():
    assert lint_imports(no_cache=True) == 0


def test_top_level_exports_every_contract_name_of_the_model():
    assert set(partnerdomain.__all__) >= CONTRACT_NAMES


def test_every_exported_name_exists_and_is_documented():
    for name in partnerdomain.__all__:
        obj = getattr(partnerdomain, name)
        assert obj.__doc__, name


def test_import_loads_no_heavy_optional_dependency():
    code = (
        "import sys, partnerdomain; "
        "heavy = {'statemachine', 'cattrs', 'rich', 'rule_engine', 'hypothesis'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert out == "[]"


def test_command_line_without_a_command_prints_help_and_succeeds():
    done = subprocess.run(
        [sys.executable, "-m", "partnerdomain"], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "usage: partnerdomain" in done.stdout
