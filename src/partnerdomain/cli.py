"""The ``partnerdomain`` command line: the quarterly review, and demo data.

``partnerdomain review`` loads a portfolio from CRM exports (or the bundled demo),
applies the policies and the organisation's rules, and writes the review as terminal
tables, JSON or Markdown. ``partnerdomain demo-data`` writes demo portfolios of any
size as CRM-shaped files. Exit codes are listed in :data:`EXIT_CODES`; bad input is
reported with the file, the record and the field, never with a traceback.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Self, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from partnerdomain.exceptions import RecordProblem
    from partnerdomain.model import Portfolio, Quarter
    from partnerdomain.records import Reject
    from partnerdomain.review import Review
    from partnerdomain.rules import RuleSet, Severity

__all__ = ["EXIT_CODES", "build_parser", "main"]

OK = 0
FINDINGS = 1
USAGE = 2
BAD_INPUT = 3
BAD_RULES = 4
CANNOT_WRITE = 5
INTERNAL = 70

#: What each exit code means.
EXIT_CODES: dict[int, str] = {
    OK: "the review (or the demo data) was written",
    FINDINGS: "the review was written and has a risk at or above --fail-on",
    USAGE: "the command line was wrong (unknown option, bad quarter, unknown file kind, "
    "a missing optional extra)",
    BAD_INPUT: "the input data could not be read or is not consistent (file, record and "
    "field are named)",
    BAD_RULES: "a rules file or rule plugin could not be loaded",
    CANNOT_WRITE: "the output could not be written (also, silently, when the program "
    "reading the output stopped before its end, as `| head` does with a long output; a "
    "short one may be written whole first, and then the exit is 0)",
    INTERNAL: "an unexpected error (a bug: please report it; --debug shows the traceback)",
}

# The file names (stems) each kind of entity is recognised by, as CRMs name exports.
_KIND_NAMES: dict[str, tuple[str, ...]] = {
    "partners": ("partners", "partner", "accounts", "account", "companies", "company"),
    "managers": ("managers", "manager", "partner_managers", "users", "owners"),
    "account_executives": ("account_executives", "account_executive", "aes", "sales_reps"),
    "opportunities": ("opportunities", "opportunity", "deals", "deal"),
    "activities": ("activities", "activity", "tasks", "events", "engagements"),
    "commitments": ("commitments", "commitment", "promises"),
    "invoices": ("invoices", "invoice"),
    "mdf_payments": ("mdf_payments", "mdf_payment", "mdf"),
}
_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv"}
_PROGRESS_BYTES = 5_000_000
_SHOWN_REJECTS = 20
_COMPACT_JSON_PARTNERS = 10_000


class _Exit(Exception):  # noqa: N818 - a signal carrying the exit code, not an error
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _fail(code: int, message: str) -> NoReturn:
    raise _Exit(code, message)


# -- arguments ---------------------------------------------------------------------------------


def _quarter(text: str) -> Quarter:
    from partnerdomain.model import Quarter  # noqa: PLC0415 - keep --help light

    try:
        return Quarter.parse(text)
    except ValueError:
        msg = f"{text!r} is not a quarter like 2026Q3"
        raise argparse.ArgumentTypeError(msg) from None


def _currency(text: str) -> str:
    from partnerdomain.model import ISO_4217_CURRENCIES  # noqa: PLC0415 - keep --help light

    code = text.strip().upper()
    if code not in ISO_4217_CURRENCIES:
        msg = f"{text!r} is not an ISO 4217 currency code like EUR"
        raise argparse.ArgumentTypeError(msg)
    return code


#: The years a review can reach: it reads two years back (growth over the four quarters
#: before a four-quarter window).
_FIRST_YEAR, _LAST_YEAR = 3, 9999


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        msg = f"{text!r} is not a day like 2026-09-30"
        raise argparse.ArgumentTypeError(msg) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"{text!r} is not a positive whole number"
        raise argparse.ArgumentTypeError(msg)
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        msg = f"{text!r} is not a whole number (0 or more)"
        raise argparse.ArgumentTypeError(msg)
    return value


# The format --output's suffix asks for when --format is not given.
_FORMAT_OF_SUFFIX = {".json": "json", ".md": "markdown", ".markdown": "markdown"}


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``partnerdomain`` command."""
    from partnerdomain import __version__  # noqa: PLC0415 - keep the CLI's import light

    codes = "\n".join(f"  {code:>2}  {text}" for code, text in EXIT_CODES.items())
    parser = argparse.ArgumentParser(
        prog="partnerdomain",
        description=(
            "Model and review SaaS partner programs: partners, lifecycles, tiering, "
            "staffing and organisation rules."
        ),
        epilog=f"exit codes:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    _review_parser(commands, codes)
    _demo_parser(commands)
    return parser


def _review_parser(commands: Any, codes: str) -> None:  # noqa: ANN401 - argparse's private type
    review = commands.add_parser(
        "review",
        help="review a partner program for a quarter",
        description=(
            "Review a partner program for one quarter: performance bands and triangle, "
            "tiers, engagement and hours per manager, the staffing plan, program measures "
            "and risks, each with its reasons. FILES are CRM exports (.json, .jsonl, .csv) "
            "named for what they hold (partners, accounts, managers, users, "
            "account_executives, opportunities, deals, activities, commitments, invoices, "
            "mdf_payments; a prefix such as sf_accounts.csv is fine), directories of such "
            "files, or KIND=FILE to say what a file holds."
        ),
        epilog=f"exit codes:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    review.add_argument("files", nargs="*", metavar="FILES", help="CRM export files")
    review.add_argument(
        "--demo", action="store_true", help="review the demo portfolio shipped with the package"
    )
    review.add_argument(
        "--profile",
        choices=("generic", "salesforce", "hubspot"),
        help="how the files name their fields (default: generic; not with --demo)",
    )
    review.add_argument(
        "--quarter",
        type=_quarter,
        help="the quarter to review, like 2026Q3 (default: the quarter of --as-of)",
    )
    review.add_argument(
        "--as-of",
        type=_day,
        help="the day the data describes (default: the quarter's last day, or today)",
    )
    review.add_argument(
        "--currency",
        type=_currency,
        help="the reporting currency (default: the currency of the amounts; not with --demo)",
    )
    review.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="FILE.toml",
        help="declarative organisation rules (repeatable; needs the rules extra)",
    )
    review.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="NAME",
        help="enable an installed rule plugin (repeatable)",
    )
    review.add_argument(
        "--format",
        choices=("table", "json", "markdown"),
        help=(
            "table (terminal, needs the cli extra), json (schema version 1) or markdown "
            "(default: as --output's suffix asks, .json or .md, else table)"
        ),
    )
    review.add_argument("--output", type=Path, help="write to FILE instead of standard output")
    review.add_argument(
        "--limit",
        type=_count,
        default=10,
        help="rows per list in table and markdown output, 0 for all (default: 10)",
    )
    review.add_argument(
        "--no-partner-rows",
        dest="partner_rows",
        action="store_false",
        help=(
            "leave the row per partner, with its reasons, out of the JSON document (the "
            "largest part of a large review); json output only"
        ),
    )
    review.add_argument(
        "--fail-on",
        choices=("never", "error", "warning", "info"),
        default="never",
        help="exit 1 when the review has a risk this severe or worse (default: never)",
    )
    progress = review.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar on standard error",
    )
    progress.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help="never show one (default: shown for inputs over 5 MB on a terminal)",
    )
    review.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def _demo_parser(commands: Any) -> None:  # noqa: ANN401 - argparse's private type
    demo = commands.add_parser(
        "demo-data",
        help="write a demo portfolio as CRM-shaped files",
        description=(
            "Write a seeded demo portfolio (Pareto-shaped revenue, mixed partner types, "
            "six quarters of deals) as one file per kind of entity, in a CRM's shape. The "
            "same options always write the same files."
        ),
    )
    demo.add_argument("--partners", type=_positive, default=300, help="partners (default: 300)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default: 2026)")
    demo.add_argument(
        "--managers",
        type=_positive,
        help="members of the partner team, at least 4 (default: 10, or one per 30 partners)",
    )
    demo.add_argument(
        "--deals-per-partner",
        type=float,
        default=2.0,
        help="average deals a partner registers per quarter (default: 2.0)",
    )
    demo.add_argument("--profile", choices=("generic", "salesforce", "hubspot"), default="generic")
    demo.add_argument("--format", choices=("jsonl", "json", "csv"), default="jsonl")
    demo.add_argument(
        "--kinds",
        default="all",
        help="comma-separated kinds to write, e.g. partners,managers,opportunities",
    )
    demo.add_argument("--output", type=Path, required=True, metavar="DIR")


# -- loading -----------------------------------------------------------------------------------


def _kind_of(path: Path) -> str | None:
    """Tell a file's kind from the words of its name; longer names are tried first."""
    stem = path.name
    while Path(stem).suffix.lower() in _SUFFIXES:
        stem = stem[: -len(Path(stem).suffix)]
    words = stem.lower().replace("-", "_").replace(" ", "_").replace(".", "_").split("_")
    names = sorted(
        ((name.split("_"), kind) for kind, names in _KIND_NAMES.items() for name in names),
        key=lambda item: (-len(item[0]), item[0]),
    )
    for name, kind in names:
        width = len(name)
        if any(words[i : i + width] == name for i in range(len(words) - width + 1)):
            return kind
    return None


def _existing(path: Path) -> Path:
    if not path.exists():
        _fail(BAD_INPUT, f"{path}: no such file or folder")
    return path


def _sources(arguments: Sequence[str]) -> dict[str, Path]:
    found: dict[str, Path] = {}

    def add(kind: str, path: Path) -> None:
        if kind in found:
            _fail(USAGE, f"two files hold {kind}: {found[kind]} and {path}; give one")
        found[kind] = path

    for argument in arguments:
        kind, sep, rest = argument.partition("=")
        if sep and kind in _KIND_NAMES:
            add(kind, Path(rest))
            continue
        path = _existing(Path(argument))
        if path.is_dir():
            for child in sorted(path.iterdir()):
                child_kind = _kind_of(child)
                if child.suffix.lower() in _SUFFIXES and child_kind is not None:
                    add(child_kind, child)
            continue
        guessed = _kind_of(path)
        if guessed is None:
            names = ", ".join(n for names in _KIND_NAMES.values() for n in names[:1])
            _fail(
                USAGE,
                f"{path}: cannot tell what the file holds from its name; name it for its "
                f"kind ({names}, ...) or write KIND={path}",
            )
        add(guessed, path)
    if "partners" not in found:
        _fail(USAGE, "no partners file given (e.g. partners.csv, accounts.json, or partners=FILE)")
    return found


class _Progress:
    """A progress bar on standard error (rich), or nothing."""

    def __init__(self, *, enabled: bool) -> None:
        self._bar: Any = None
        if not enabled:
            return
        try:
            from rich.console import Console  # noqa: PLC0415 - optional dependency
            from rich.progress import (  # noqa: PLC0415
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
        except ImportError:
            return
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed:,} records"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )

    def __enter__(self) -> Self:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def counter(self, description: str) -> Callable[[int], object] | None:
        """A task on the bar, and the function that sets how many records are read."""
        if self._bar is None:
            return None
        bar = self._bar
        task = bar.add_task(description, total=None)

        def count(read: int) -> None:
            bar.update(task, completed=read)

        return count

    def step(self, description: str) -> None:
        if self._bar is not None:
            self._bar.add_task(description, total=None)


def _read(kind: str, path: Path, profile_name: str, progress: _Progress) -> tuple[Any, ...]:
    from partnerdomain.exceptions import RecordError  # noqa: PLC0415
    from partnerdomain.records import from_file  # noqa: PLC0415

    try:
        result = from_file(
            _ENTITY_TYPES()[kind],
            path,
            profile=profile_name,
            on_error="collect",
            progress=progress.counter(f"reading {path.name}"),
        )
    except FileNotFoundError:
        _fail(BAD_INPUT, f"{path}: no such file")
    except OSError as exc:
        _fail(BAD_INPUT, f"{path}: cannot read it ({exc.strerror or exc})")
    except RecordError as exc:
        problems = "; ".join(str(p) for p in exc.problems)
        where = "" if exc.line is None else f"line {exc.line}: "
        _fail(BAD_INPUT, f"{path}: {where}{problems}")
    if result.rejects:
        _fail(BAD_INPUT, _rejected(kind, path, result.rejects))
    return result.entities


def _problem_key(problem: RecordProblem) -> tuple[str, str, str]:
    return problem.field, problem.expected, repr(problem.value)


def _rejected(kind: str, path: Path, rejects: Sequence[Reject]) -> str:
    """Name the bad records of a file; a problem every one of them has is named once."""
    noun = "record" if len(rejects) == 1 else "records"
    lines = [f"{len(rejects)} bad {kind} {noun} in {path} (records count from 1):"]
    shared: set[tuple[str, str, str]] = set()
    if len(rejects) > 1:
        shared = set.intersection(
            *({_problem_key(p) for p in reject.error.problems} for reject in rejects)
        )
        header = _csv_header(path)
        for problem in rejects[0].error.problems:
            if _problem_key(problem) in shared:
                missing = header is not None and problem.field not in {*header, "*"}
                hint = f" (the file has no column {problem.field!r})" if missing else ""
                lines.append(f"{path}: every one of the {len(rejects)}: {problem}{hint}")
    individual = [
        (reject, own)
        for reject in rejects
        if (own := [p for p in reject.error.problems if _problem_key(p) not in shared])
    ]
    for reject, own in individual[:_SHOWN_REJECTS]:
        where = f"record {reject.index + 1}"
        said = [] if reject.line is None else [f"line {reject.line}"]
        if reject.error.record_id is not None:
            said.append(f"id {reject.error.record_id!r}")
        if said:
            where += f" ({', '.join(said)})"
        lines += [f"{path}: {where}: {problem}" for problem in own]
    more = len(individual) - _SHOWN_REJECTS
    if more > 0:
        lines.append(f"... and {more} more bad record(s) in {path}")
    return "\n".join(lines)


def _csv_header(path: Path) -> set[str] | None:
    """The column names of a CSV file's header row; None for other files.

    The header is the first row with a cell that is not blank, as the loaders read it.
    A file that is no regular file (a pipe) is not opened again: it is read once.
    """
    if path.suffix.lower() != ".csv" or not path.is_file():
        return None
    with path.open(encoding="utf-8-sig", newline="") as rows:
        return set(next((row for row in csv.reader(rows) if any(map(str.strip, row))), []))


def _ENTITY_TYPES() -> dict[str, type[Any]]:  # noqa: N802 - a lazy constant
    from partnerdomain import model  # noqa: PLC0415

    return {
        "partners": model.Partner,
        "managers": model.PartnerManager,
        "account_executives": model.AccountExecutive,
        "opportunities": model.Opportunity,
        "activities": model.Activity,
        "commitments": model.Commitment,
        "invoices": model.Invoice,
        "mdf_payments": model.MdfPayment,
    }


def _currency_of(loaded: dict[str, tuple[Any, ...]]) -> str:
    for kind, attribute in (
        ("opportunities", "amount"),
        ("invoices", "amount"),
        ("mdf_payments", "amount"),
        ("account_executives", "quota"),
    ):
        for entity in loaded.get(kind, ()):
            money = getattr(entity, attribute)
            if money is not None:
                return str(money.currency)
    return "EUR"


def _load_files(
    files: Sequence[str], args: argparse.Namespace, as_of: date, progress: _Progress
) -> Portfolio:
    from partnerdomain.exceptions import ReferentialIntegrityError  # noqa: PLC0415
    from partnerdomain.model import Portfolio  # noqa: PLC0415

    sources = _sources(files)
    # Every file is read before failing, so that one run names the bad records of all.
    loaded: dict[str, tuple[Any, ...]] = {}
    failures: list[str] = []
    for kind, path in sources.items():
        try:
            loaded[kind] = _read(kind, path, args.profile, progress)
        except _Exit as exc:
            if exc.code != BAD_INPUT:
                raise
            failures.append(exc.message)
    if failures:
        _fail(BAD_INPUT, "\n".join(failures))
    currency = args.currency or _currency_of(loaded)
    try:
        return Portfolio(as_of=as_of, currency=currency, **loaded)
    except ReferentialIntegrityError as exc:
        files_of = {kind.rstrip("s").replace("_", " "): path for kind, path in sources.items()}
        files_of["opportunity"] = sources.get("opportunities", Path("opportunities"))
        files_of["activity"] = sources.get("activities", Path("activities"))
        files_of["mdf payment"] = sources.get("mdf_payments", Path("mdf_payments"))
        lines = [f"{files_of.get(p.source_kind, '?')}: {p}" for p in exc.dangling[:20]]
        lines += [f"{files_of.get(p.kind, '?')}: {p}" for p in exc.duplicates[:20]]
        lines += list(exc.currency_problems[:20])
        more = len(exc.dangling) + len(exc.duplicates) + len(exc.currency_problems) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more")
        _fail(BAD_INPUT, "the files do not fit together:\n  " + "\n  ".join(lines))
    except ValueError as exc:
        _fail(BAD_INPUT, str(exc))


def _load_rules(args: argparse.Namespace) -> RuleSet | None:
    if not args.rules and not args.plugin:
        return None
    from partnerdomain.exceptions import PluginError, RuleLoadError  # noqa: PLC0415
    from partnerdomain.rules import RuleSet, load_plugins, load_rules  # noqa: PLC0415

    rules = RuleSet()
    try:
        for path in args.rules:
            rules |= load_rules(path)
        if args.plugin:
            rules |= load_plugins(args.plugin)
    except (RuleLoadError, PluginError) as exc:
        # A missing optional extra is a set-up problem, not a bad rules file.
        missing_extra = isinstance(exc, RuleLoadError) and isinstance(
            exc.__cause__ or exc.__context__, ImportError
        )
        _fail(USAGE if missing_extra else BAD_RULES, str(exc))
    except OSError as exc:
        _fail(BAD_RULES, f"{exc.filename}: cannot read the rules ({exc.strerror or exc})")
    except ValueError as exc:
        _fail(BAD_RULES, str(exc))
    return rules


# -- commands ----------------------------------------------------------------------------------


def _dates(args: argparse.Namespace, default_day: date) -> tuple[Quarter, date]:
    from partnerdomain.model import Quarter  # noqa: PLC0415

    quarter: Quarter | None = args.quarter
    as_of: date | None = args.as_of
    if as_of is None:
        as_of = quarter.last_day if quarter is not None else default_day
    if quarter is None:
        quarter = Quarter.from_date(as_of)
    if not _FIRST_YEAR <= quarter.year <= _LAST_YEAR:
        _fail(
            USAGE,
            f"{quarter} cannot be reviewed: a review reads two years back, so its quarter "
            f"runs from {_FIRST_YEAR:04d}Q1 to {_LAST_YEAR}Q4",
        )
    return quarter, as_of


def _render(review: Review, args: argparse.Namespace, stream: TextIO | None) -> str:
    from partnerdomain.review import (  # noqa: PLC0415
        MissingExtraError,
        render_markdown,
        render_table,
    )

    if args.format == "markdown":
        return render_markdown(review, limit=args.limit)
    to_terminal = stream is not None and stream.isatty()
    width = shutil.get_terminal_size((120, 40)).columns if to_terminal else 120
    try:
        return render_table(review, limit=args.limit, width=width, color=to_terminal)
    except MissingExtraError as exc:
        _fail(USAGE, str(exc))


def _wants_progress(args: argparse.Namespace) -> bool:
    if args.progress is not None:
        return bool(args.progress)
    if not sys.stderr.isatty():
        return False
    size = 0
    for argument in args.files:
        path = Path(argument.partition("=")[2] or argument)
        if path.is_dir():
            size += sum(p.stat().st_size for p in path.iterdir() if p.is_file())
        elif path.is_file():
            size += path.stat().st_size
    return size > _PROGRESS_BYTES


def _review(args: argparse.Namespace) -> int:
    from partnerdomain.model._bulk import collector_paused  # noqa: PLC0415
    from partnerdomain.rules import Severity  # noqa: PLC0415

    if args.demo and args.files:
        _fail(USAGE, "give FILES or --demo, not both")
    if not args.demo and not args.files:
        _fail(USAGE, "nothing to review: give CRM export FILES, or --demo for the demo portfolio")
    if args.demo and args.profile is not None:
        _fail(USAGE, "--profile tells how FILES name their fields; --demo reads no files")
    if args.demo and args.currency is not None:
        _fail(USAGE, "--currency is the reporting currency of FILES; the demo's is EUR")
    if args.profile is None:
        args.profile = "generic"
    if args.format is None:
        suffix = args.output.suffix.lower() if args.output is not None else ""
        args.format = _FORMAT_OF_SUFFIX.get(suffix, "table")
    if not args.partner_rows and args.format != "json":
        _fail(USAGE, "--no-partner-rows needs JSON output: --format json, or an --output FILE.json")
    rules = _load_rules(args)
    # The whole run builds objects that form no reference cycles; the library pauses
    # the cyclic collector in each step, and the command keeps it paused between them.
    # The portfolio and the review are gone (freed as usual) before it resumes, so it
    # never scans a million deals only to find them all alive.
    with collector_paused():
        worst = _review_and_write(args, rules)
    if args.fail_on != "never":
        order = [Severity.ERROR, Severity.WARNING, Severity.INFO]
        threshold = order.index(Severity(args.fail_on))
        if worst is not None and order.index(worst) <= threshold:
            return FINDINGS
    return OK


def _review_and_write(args: argparse.Namespace, rules: RuleSet | None) -> Severity | None:
    """Load, review and write; return the worst severity the review found."""
    from partnerdomain.exceptions import PartnerDomainError  # noqa: PLC0415
    from partnerdomain.review import quarterly_review  # noqa: PLC0415

    with _Progress(enabled=_wants_progress(args)) as progress:
        if args.demo:
            from partnerdomain.demo import DEMO_SPEC, load_demo  # noqa: PLC0415

            quarter, as_of = _dates(args, DEMO_SPEC.as_of)
            portfolio = load_demo()
            # The demo knows nothing after its own day: a later day would only pretend
            # to (commitments falling overdue in a future nobody recorded). The review
            # notes a quarter that runs past it. An earlier day is the demo as it stood
            # then only if nothing in it happened later (see _settle_day).
            if as_of < portfolio.as_of:
                portfolio = _settle_day(portfolio, as_of, args, ceiling=portfolio.as_of)
        else:
            # The command line may read the clock; the library never does.
            today = date.today()  # noqa: DTZ011 - the user's local day
            quarter, as_of = _dates(args, today)
            portfolio = _load_files(args.files, args, as_of, progress)
            portfolio = _settle_day(portfolio, as_of, args, ceiling=today)
        progress.step(f"reviewing {len(portfolio.partners):,} partners")
        try:
            review = quarterly_review(portfolio, quarter, rules=rules)
        except PartnerDomainError as exc:
            _fail(BAD_INPUT, f"the portfolio cannot be reviewed: {exc}")
        progress.step("rendering")
        if args.format == "json":
            _write_json(review, args.output, partners=args.partner_rows)
        else:
            _write(_render(review, args, None if args.output else sys.stdout), args.output)
    return review.worst_severity()


def _settle_day(
    portfolio: Portfolio, as_of: date, args: argparse.Namespace, *, ceiling: date
) -> Portfolio:
    """The portfolio as of ``as_of``, if its data is a snapshot of that day.

    Data that records events after the day describes a later day: stages, tiers, open
    deals and managers are as they were then. A day given with ``--as-of`` is then a
    usage error. A day taken from ``--quarter`` gives way to the day the data
    describes, its latest event, but never past ``ceiling`` (today, or the demo's own
    day), and the command says so on standard error. A day that is today stays: later
    events are planned or mistyped, and the review notes them.
    """
    import attrs  # noqa: PLC0415

    from partnerdomain.review._review import latest_recorded  # noqa: PLC0415

    latest = latest_recorded(portfolio)
    settled = as_of
    if latest is not None and latest[0] > as_of:
        day, event = latest
        if args.as_of is not None:
            _fail(
                USAGE,
                f"the data records events after --as-of {as_of.isoformat()} (the latest: "
                f"{event}), so it is not a snapshot of that day: give --as-of "
                f"{day.isoformat()} or later (with --quarter for an earlier quarter), or "
                "data exported as it stood then",
            )
        if args.quarter is not None:
            settled = max(as_of, min(day, ceiling))
            print(  # noqa: T201 - the command line's own notice
                f"partnerdomain review: {args.quarter} reviewed as of {settled.isoformat()}, "
                f"the day the data describes (its latest event: {event}); --as-of sets "
                "another day",
                file=sys.stderr,
            )
    return portfolio if portfolio.as_of == settled else attrs.evolve(portfolio, as_of=settled)


def _write_json(review: Review, output: Path | None, *, partners: bool) -> None:
    """Stream the JSON document: a large review never sits in memory as one string."""
    from partnerdomain.review import write_json  # noqa: PLC0415

    # Indented JSON goes through json's pure-Python encoder: large reviews are
    # written compact, on one line, several times faster.
    indent = 2 if review.partners <= _COMPACT_JSON_PARTNERS else None
    if output is None:
        write_json(review, sys.stdout, partners=partners, indent=indent)
        sys.stdout.write("\n")
        sys.stdout.flush()
        return
    # Written beside the target, then moved over it: a failure leaves no half document.
    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as stream:
            write_json(review, stream, partners=partners, indent=indent)
            stream.write("\n")
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        _fail(CANNOT_WRITE, f"{output}: cannot write the review ({exc.strerror or exc})")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(CANNOT_WRITE, f"{output}: cannot write the review ({exc.strerror or exc})")


def _demo_data(args: argparse.Namespace) -> int:
    from partnerdomain.demo import ENTITY_FILES, DemoSpec, generate_portfolio  # noqa: PLC0415
    from partnerdomain.demo import write_portfolio as write  # noqa: PLC0415

    kinds = ENTITY_FILES if args.kinds == "all" else tuple(args.kinds.split(","))
    unknown = [k for k in kinds if k not in ENTITY_FILES]
    if unknown:
        _fail(USAGE, f"--kinds: unknown kind {unknown[0]!r}; choose from {', '.join(ENTITY_FILES)}")
    managers = args.managers or max(10, args.partners // 30)
    from partnerdomain.exceptions import ValidationError  # noqa: PLC0415

    try:
        spec = DemoSpec(
            partners=args.partners,
            managers=managers,
            seed=args.seed,
            deals_per_partner=args.deals_per_partner,
        )
    except ValidationError as exc:
        _fail(USAGE, str(exc))
    portfolio = generate_portfolio(spec)
    try:
        paths = write(
            portfolio, args.output, profile=args.profile, file_format=args.format, kinds=kinds
        )
    except OSError as exc:
        _fail(CANNOT_WRITE, f"{args.output}: cannot write the files ({exc.strerror or exc})")
    for path in paths:
        print(path)  # noqa: T201 - the command's output
    print(  # noqa: T201
        f"as of {spec.as_of.isoformat()}, currency {spec.currency}: partnerdomain review "
        f"{args.output} --profile {args.profile} --as-of {spec.as_of.isoformat()}",
        file=sys.stderr,
    )
    return OK


def _silence_stdout() -> None:
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's buffer)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one return per outcome
    """Run the command line and return its exit code (see :data:`EXIT_CODES`).

    Args:
        argv: The arguments, without the program name; ``sys.argv[1:]`` by default.

    Returns:
        The exit code.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stdout)
        return OK
    try:
        if args.command == "review":
            return _review(args)
        return _demo_data(args)
    except _Exit as exc:
        print(f"partnerdomain {args.command}: {exc.message}", file=sys.stderr)  # noqa: T201
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`partnerdomain review ... | head`): stop quietly. Python
        # flushes stdout once more on the way out, so it is pointed at nothing first.
        _silence_stdout()
        return CANNOT_WRITE
    except Exception as exc:
        if getattr(args, "debug", False) or os.environ.get("PARTNERDOMAIN_DEBUG"):
            raise
        print(  # noqa: T201
            f"partnerdomain {args.command}: internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback, and please report it)",
            file=sys.stderr,
        )
        return INTERNAL
