"""End-to-end: the command line run in a subprocess, as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from partnerdomain.cli import EXIT_CODES, main
from partnerdomain.review import review_schema

# The review tests' small JSON Schema checker (keeps jsonschema out of the test extra).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))
from _schema_check import problems


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "partnerdomain", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=300,
    )


def assert_clean_failure(done, code, *needles):
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in done.stderr


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A small demo program written as Salesforce-shaped JSON Lines."""
    folder = tmp_path_factory.mktemp("salesforce")
    done = run(
        "demo-data",
        "--partners",
        "40",
        "--seed",
        "9",
        "--profile",
        "salesforce",
        "--output",
        folder,
    )
    assert done.returncode == 0, done.stderr
    return folder


class TestTheDemo:
    def test_the_demo_review_prints_tables_and_exits_zero(self):
        done = run("review", "--demo")
        assert done.returncode == 0, done.stderr
        for title in ("Quarterly partner review 2026Q3", "Program measures", "Staffing plan"):
            assert title in done.stdout
        assert done.stderr == ""

    def test_the_json_output_follows_the_schema(self):
        done = run("review", "--demo", "--format", "json")
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        assert list(problems(data, review_schema())) == []
        assert data["summary"]["partners"] == 300

    def test_markdown_goes_to_the_output_file_with_its_chart(self, tmp_path):
        report = tmp_path / "review.md"
        done = run("review", "--demo", "--format", "markdown", "--output", report)
        assert done.returncode == 0, done.stderr
        assert done.stdout == ""
        assert "xychart-beta" in report.read_text("utf-8")

    def test_fail_on_error_exits_one_when_the_review_has_errors(self):
        done = run("review", "--demo", "--format", "json", "--fail-on", "error")
        assert done.returncode == 1
        assert json.loads(done.stdout)["summary"]["risks"]["error"] > 0

    @pytest.mark.parametrize(
        ("name", "given", "starts"),
        [
            ("review.json", None, "{"),
            ("review.MD", None, "# Quarterly partner review"),
            ("review.txt", None, "Quarterly partner review"),
            ("review.json", "markdown", "# Quarterly partner review"),  # --format wins
        ],
    )
    def test_the_output_suffix_chooses_the_format_unless_format_is_given(
        self, tmp_path, name, given, starts
    ):
        output = tmp_path / name
        chosen = [] if given is None else ["--format", given]
        assert main(["review", "--demo", "--output", str(output), *chosen]) == 0
        text = output.read_text("utf-8")
        assert text.startswith(starts)
        if starts == "{":
            assert json.loads(text)["quarter"] == "2026Q3"

    def test_json_without_partner_rows_is_the_same_document_less_its_rows(self, tmp_path):
        whole, summary = tmp_path / "whole.json", tmp_path / "summary.json"
        assert main(["review", "--demo", "--output", str(whole)]) == 0
        assert main(["review", "--demo", "--output", str(summary), "--no-partner-rows"]) == 0
        data = json.loads(summary.read_text("utf-8"))
        assert list(problems(data, review_schema())) == []
        expected = json.loads(whole.read_text("utf-8"))
        assert len(expected.pop("partners")) == 300
        assert data == expected

    @pytest.mark.parametrize("output", [[], ["--format", "markdown"]])
    def test_no_partner_rows_outside_json_is_a_usage_error(self, capsys, output):
        assert main(["review", "--demo", "--no-partner-rows", *output]) == 2
        assert "--no-partner-rows needs JSON output" in capsys.readouterr().err

    def test_a_profile_with_the_demo_is_a_usage_error(self, capsys):
        assert main(["review", "--demo", "--profile", "hubspot"]) == 2
        assert "--profile tells how FILES name their fields" in capsys.readouterr().err

    @pytest.mark.parametrize("limit", ["-1", "ten"])
    def test_a_limit_below_zero_or_not_a_number_is_a_usage_error(self, capsys, limit):
        with pytest.raises(SystemExit) as info:
            main(["review", "--demo", "--limit", limit])
        assert info.value.code == 2
        assert "is not a whole number (0 or more)" in capsys.readouterr().err


class TestCrmExports:
    def test_a_salesforce_export_is_reviewed_with_the_salesforce_profile(self, exported):
        done = run(
            "review", exported, "--profile", "salesforce", "--quarter", "2026Q3", "--format", "json"
        )
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        assert data["as_of"] == "2026-09-30"
        assert data["summary"]["partners"] == 40

    def test_files_can_be_named_by_kind(self, exported, tmp_path):
        renamed = tmp_path / "sf_accounts_export.jsonl"
        renamed.write_text((exported / "partners.jsonl").read_text("utf-8"), "utf-8")
        done = run(
            "review",
            renamed,
            f"managers={exported / 'managers.jsonl'}",
            "--profile",
            "salesforce",
            "--quarter",
            "2026Q3",
            "--format",
            "json",
        )
        assert done.returncode == 0, done.stderr

    def test_rules_flags_reach_the_review_and_a_bad_rules_file_exits_four(self, tmp_path):
        rules = tmp_path / "org.toml"
        rules.write_text(
            '[[rules]]\nid = "big-open-deal"\napplies_to = "opportunity"\n'
            "when = 'amount >= 150000'\n"
            'flag = { message = "big deal: executive review", severity = "info" }\n',
            "utf-8",
        )
        done = run("review", "--demo", "--rules", rules, "--format", "json")
        assert done.returncode == 0, done.stderr
        kinds = {r["kind"] for r in json.loads(done.stdout)["risks"]}
        assert "rule_flag" in kinds
        rules.write_text('[[rules]]\nid = "x"\napplies_to = "partner"\nwhen = "nope ==="\n')
        assert_clean_failure(run("review", "--demo", "--rules", rules), 4, "org.toml")

    def test_an_unknown_plugin_exits_four_naming_it(self):
        done = run("review", "--demo", "--plugin", "no-such-plugin")
        assert_clean_failure(done, 4, "no-such-plugin")


SF_ACCOUNT = {
    "attributes": {"type": "Account"},
    "Id": "001A000001",
    "Name": "Acme IT",
    "Type": "Managed Service Provider",
    "Partner_Stage__c": "Active",
    "Partner_Stage_Since__c": "2026-01-05",
    "Partner_Since__c": "2025-06-01",
}


class TestBadInput:
    def test_a_bad_field_is_named_with_its_file_and_record(self, tmp_path):
        bad = dict(SF_ACCOUNT, Id="001A000002", Partner_Stage__c="Dormant")
        accounts = tmp_path / "accounts.json"
        accounts.write_text(json.dumps({"records": [SF_ACCOUNT, bad]}), "utf-8")
        done = run("review", accounts, "--profile", "salesforce", "--quarter", "2026Q3")
        assert_clean_failure(
            done, 3, str(accounts), "record 2", "'001A000002'", "Partner_Stage__c", "Dormant"
        )

    def test_a_bad_csv_row_is_named_with_its_row_and_every_bad_field(self, tmp_path):
        partners = tmp_path / "partners.csv"
        partners.write_text(
            "id,name,partner_type,stage,stage_since,certifications\n"
            "P-1,Acme,msp,active,2026-01-05,2\n"
            "P-2,Beta,plumber,active,2026-13-01,two\n",
            "utf-8",
        )
        done = run("review", partners, "--quarter", "2026Q3")
        assert_clean_failure(
            done, 3, str(partners), "record 2", "partner_type", "stage_since", "certifications"
        )

    def test_the_bad_records_of_every_file_are_named_in_one_run(self, tmp_path):
        partners = tmp_path / "partners.csv"
        partners.write_text(
            "id,name,partner_type,stage,stage_since\nP-1,Acme,plumber,active,2026-01-05\n",
            "utf-8",
        )
        deals = tmp_path / "opportunities.csv"
        deals.write_text(
            "id,source,amount,currency,stage,stage_since,registered_on,partner_id\n"
            "O-1,partner_sourced,10,EUR,won,2026-02-30,2026-01-01,P-1\n",
            "utf-8",
        )
        done = run("review", partners, deals, "--quarter", "2026Q3")
        assert_clean_failure(
            done, 3, f"{partners}: record 1", "partner_type", f"{deals}: record 1", "stage_since"
        )

    def test_a_missing_column_is_named_once_not_once_per_record(self, tmp_path, capsys):
        partners = tmp_path / "partners.csv"
        partners.write_text(
            "id,name,partner_type,stage_since,joined_on\n"
            "P-1,Acme,msp,2026-01-05,2025-06-01\n"
            "P-2,Globex,bogus,2026-01-05,2025-06-01\n"
            "P-3,Initech,var,2026-01-05,2025-06-01\n",
            "utf-8",
        )
        assert main(["review", str(partners), "--as-of", "2026-09-30"]) == 3
        err = capsys.readouterr().err
        assert err.count("stage: expected a value (required)") == 1
        assert "every one of the 3: stage: expected" in err
        assert "(the file has no column 'stage')" in err
        # What only one record has wrong is still named with that record.
        assert "record 2 (line 3, id 'P-2'): partner_type: expected one of" in err
        assert "record 1" not in err
        assert "record 3" not in err

    def test_a_file_that_is_not_json_exits_three(self, tmp_path):
        deals = tmp_path / "deals.json"
        deals.write_text("{not json", "utf-8")
        partners = tmp_path / "partners.jsonl"
        partners.write_text("", "utf-8")
        done = run("review", partners, deals, "--quarter", "2026Q3")
        assert_clean_failure(done, 3, str(deals), "JSON")

    def test_every_line_that_is_not_json_is_named_in_one_run(self, tmp_path):
        partner = {"id": "P-1", "name": "Acme", "partner_type": "msp", "stage": "active"}
        partner["stage_since"] = "2026-01-05"
        partners = tmp_path / "partners.jsonl"
        lines = [json.dumps(partner), "{oops", "", json.dumps(partner | {"id": "P-2"}), "[1,"]
        partners.write_text("\n".join(lines) + "\n", "utf-8")
        done = run("review", partners, "--quarter", "2026Q3")
        assert_clean_failure(
            done,
            3,
            "2 bad partners records",
            "record 2 (line 2): *: expected a JSON record (Expecting property name",
            "record 4 (line 5): *: expected a JSON record (Expecting value at column 4)",
        )

    @pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".json"])
    def test_text_that_is_not_utf8_is_bad_input_in_every_format(self, tmp_path, suffix):
        # The loaders name it as a record problem: the command line needs no case of its own.
        partners = tmp_path / f"partners{suffix}"
        texts = {
            ".jsonl": '{"id": "P-1", "name": "Café"}\n',
            ".csv": "id,name\nP-1,Café\n",
            ".json": '[{"id": "P-1", "name": "Café"}]',
        }
        partners.write_bytes(texts[suffix].encode("latin-1"))
        done = run("review", partners, "--quarter", "2026Q3")
        assert_clean_failure(done, 3, str(partners), "UTF-8 text (")

    def test_a_problem_every_row_shares_is_named_once_with_a_true_hint(self, tmp_path):
        partners = tmp_path / "partners.csv"
        rows = ["P-1,Acme,msp,bogus,2026-01-05", "P-2,Beta,var,bogus,2026-01-05"]
        partners.write_text("\nid,name,partner_type,stage,stage_since\n" + "\n".join(rows), "utf-8")
        done = run("review", partners, "--quarter", "2026Q3")
        assert_clean_failure(done, 3, "every one of the 2: stage: expected one of")
        assert "has no column" not in done.stderr  # the header follows a blank line
        # A comma too many on every row: one line, and no hint about a column '*'.
        partners.write_text(
            "id,name,partner_type,stage,stage_since\n"
            + "\n".join(f"P-{n},Acme,msp,active,2026-01-05," for n in range(1, 4))
            + "\nP-4,Delta,msp,active,2026-01-05\nP-5,Echo,msp,active,2026-01-05,\n",
            "utf-8",
        )
        done = run("review", partners, "--quarter", "2026Q3")
        assert_clean_failure(done, 3, "every one of the 4: *: expected at most 5 cells per row")
        assert "has no column" not in done.stderr

    def test_a_reference_to_a_missing_partner_names_the_file(self, tmp_path):
        partners = tmp_path / "partners.jsonl"
        partners.write_text(
            json.dumps(
                {
                    "id": "P-1",
                    "name": "Acme",
                    "partner_type": "msp",
                    "stage": "active",
                    "stage_since": "2026-01-05",
                }
            )
            + "\n",
            "utf-8",
        )
        deals = tmp_path / "opportunities.jsonl"
        deals.write_text(
            json.dumps(
                {
                    "id": "O-1",
                    "source": "partner_sourced",
                    "amount": "1000",
                    "currency": "EUR",
                    "stage": "won",
                    "stage_since": "2026-08-01",
                    "registered_on": "2026-07-01",
                    "partner_id": "P-9",
                }
            )
            + "\n",
            "utf-8",
        )
        done = run("review", partners, deals, "--quarter", "2026Q3")
        assert_clean_failure(done, 3, str(deals), "'O-1'", "partner_id", "'P-9'")

    def test_a_missing_file_exits_three(self, tmp_path):
        done = run("review", tmp_path / "partners.csv", "--quarter", "2026Q3")
        assert_clean_failure(done, 3, "no such file")

    def test_a_missing_folder_is_named_as_missing(self, tmp_path):
        done = run("review", tmp_path / "no-such-export")
        assert_clean_failure(done, 3, "no-such-export: no such file or folder")

    def test_rules_without_the_rules_extra_are_a_usage_error(self, tmp_path, monkeypatch, capsys):
        rules = tmp_path / "org.toml"
        rules.write_text(
            '[[rules]]\nid = "x"\napplies_to = "partner"\nwhen = "revenue > 1"\n'
            'flag = { message = "m" }\n',
            "utf-8",
        )
        monkeypatch.setitem(sys.modules, "rule_engine", None)  # as if not installed
        assert main(["review", "--demo", "--rules", str(rules)]) == 2
        assert "pip install 'partnerdomain[rules]'" in capsys.readouterr().err

    def test_a_file_whose_kind_cannot_be_told_is_a_usage_error(self, tmp_path):
        mystery = tmp_path / "export.csv"
        mystery.write_text("id\n", "utf-8")
        assert_clean_failure(run("review", mystery), 2, "KIND=")

    def test_an_output_that_cannot_be_written_exits_five(self, tmp_path):
        done = run("review", "--demo", "--output", tmp_path / "missing" / "dir" / "out.txt")
        assert_clean_failure(done, 5, "cannot write")


def test_the_help_documents_every_exit_code():
    done = run("review", "--help")
    assert done.returncode == 0
    for code in EXIT_CODES:
        assert f"  {code:>2}  " in done.stdout


def test_the_console_script_and_the_module_give_the_same_review():
    script = Path(sys.executable).with_name("partnerdomain")
    by_script = subprocess.run(
        [script, "review", "--demo", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert by_script.stdout == run("review", "--demo", "--format", "json").stdout


def test_demo_data_refuses_a_bad_spec_as_a_usage_error(tmp_path):
    done = run("demo-data", "--partners", "10", "--deals-per-partner", "0", "--output", tmp_path)
    assert_clean_failure(done, 2, "deals_per_partner")
    assert not any(tmp_path.iterdir())
    few = run("demo-data", "--partners", "10", "--managers", "1", "--output", tmp_path)
    assert_clean_failure(few, 2, "DemoSpec.managers: expected an integer >= 4, got 1")


def test_a_reader_that_stops_early_ends_the_command_quietly():
    # `partnerdomain review --demo --format json | head`: the pipe closes under the writer.
    command = [sys.executable, "-m", "partnerdomain", "review", "--demo", "--format", "json"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None
        assert child.stderr is not None
        assert child.stdout.read(100).startswith(b"{")
        child.stdout.close()
        errors = child.stderr.read().decode()
        assert child.wait(timeout=300) == 5
    assert errors == ""


class TestTheSnapshotDay:
    def test_an_earlier_quarter_of_the_demo_is_reviewed_from_the_demos_own_day(self):
        done = run("review", "--demo", "--quarter", "2026Q2", "--format", "json")
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout)
        assert (document["quarter"], document["as_of"]) == ("2026Q2", "2026-09-30")
        assert not any("records events after" in n for n in document["notes"])
        assert any(
            n.startswith("2026Q2 ended before the portfolio's snapshot of 2026-09-30")
            for n in document["notes"]
        )

    def test_an_as_of_day_the_data_has_events_after_is_a_usage_error(self):
        done = run("review", "--demo", "--quarter", "2026Q3", "--as-of", "2026-01-01")
        assert_clean_failure(
            done,
            2,
            "the data records events after --as-of 2026-01-01",
            "registered_on 2026-09-30",
            "give --as-of 2026-09-30 or later",
        )

    def test_files_reviewed_for_an_earlier_quarter_keep_the_day_their_data_describes(
        self, exported
    ):
        done = run(
            "review", exported, "--profile", "salesforce", "--quarter", "2026Q2", "--format", "json"
        )
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout)
        assert document["quarter"] == "2026Q2"
        assert document["as_of"] > "2026-06-30"
        refused = run("review", exported, "--profile", "salesforce", "--as-of", "2026-06-30")
        assert_clean_failure(refused, 2, "the data records events after --as-of 2026-06-30")


@pytest.mark.parametrize(
    ("arguments", "needle"),
    [
        (["--quarter", "0002Q2"], "its quarter runs from 0003Q1 to 9999Q4"),
        (["--as-of", "0001-05-01"], "0001Q2 cannot be reviewed"),
        (["--currency", "USD"], "the demo's is EUR"),
        (["--currency", "eur"], "the demo's is EUR"),
        (["--currency", "euro"], "'euro' is not an ISO 4217 currency code"),
    ],
)
def test_quarters_out_of_reach_and_currencies_are_usage_errors(arguments, needle):
    assert_clean_failure(run("review", "--demo", *arguments), 2, needle)


def test_a_malformed_currency_for_files_is_a_usage_error(exported):
    done = run("review", exported, "--profile", "salesforce", "--currency", "euro")
    assert_clean_failure(done, 2, "'euro' is not an ISO 4217 currency code")


def test_a_future_dated_record_never_moves_the_day_and_is_noted(tmp_path):
    done = run("demo-data", "--partners", "30", "--seed", "3", "--output", tmp_path)
    assert done.returncode == 0, done.stderr
    with (tmp_path / "activities.jsonl").open("a", encoding="utf-8") as lines:
        lines.write(
            '{"id":"A-late","actor_id":"M-001","kind":"call","occurred_on":"2031-05-01",'
            '"note":"","partner_id":"P-00001"}\n'
        )
    plain = run("review", tmp_path, "--format", "json")
    assert plain.returncode == 0, plain.stderr
    document = json.loads(plain.stdout)
    assert document["as_of"] < "2031-01-01"
    assert any("activity 'A-late', occurred_on 2031-05-01" in n for n in document["notes"])
    past = run("review", tmp_path, "--quarter", "2026Q2", "--format", "json")
    assert past.returncode == 0, past.stderr
    assert "2026Q2 reviewed as of" in past.stderr
    assert json.loads(past.stdout)["as_of"] < "2031-01-01"


def test_the_last_quarter_of_the_calendar_can_be_reviewed():
    done = run("review", "--demo", "--quarter", "9999Q4", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["quarter"] == "9999Q4"
