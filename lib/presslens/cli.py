"""The ``presslens`` command: ``init`` and ``check`` a story folder, ``run`` the report suite, ``refresh-notebooks`` in place.

Exit codes: 0 done (also when no document of the corpus was usable: the
reports say so, and ``run`` prints one line saying so even with ``--no-progress``);
1 a notebook failed or the run stopped on an error;
2 the command was refused before anything started (bad parameter or parameter out
of range, notebook, folder, a broken ``sources.yml`` or ``entities.yml``); 3 another run holds the output folder's lock; 130 Ctrl-C; 143 SIGTERM.
Errors the library raises on purpose print as one line, never a traceback; so
does a folder that cannot be written (read-only, no permission, full, over quota: exit 1).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .errors import MetadataError, ParameterError, PresslensError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (separate so ``--help`` output can be tested and documented)."""
    parser = argparse.ArgumentParser(
        prog="presslens",
        description="Compare how outlets told one story: run the notebook suite into HTML reports.",
    )
    parser.add_argument("--version", action="version", version=f"presslens {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="build the data and run every notebook into OUT (data, reports, index, run.json)",
        description="Build the data tables, run the notebooks with papermill and publish HTML reports. "
        "The previous outputs are replaced only when the run completes.",
    )
    run.add_argument("--corpus", metavar="DIR", help="corpus folder (default: the project's seeds/)")
    run.add_argument("--out", metavar="DIR", help="output folder (default: the project's outputs/)")
    _add_notebooks_option(run, keeps=True)
    run.add_argument("-p", "--param", dest="params", action="append", default=[], metavar="NAME=VALUE",
                     help="set a notebook parameter (repeatable); values read like YAML scalars, "
                     "strings stay strings")
    run.add_argument("-f", "--params-file", metavar="FILE",
                     help="YAML file of parameters; a bare name like 'weekly' means notebooks/params/weekly.yaml")
    run.add_argument("--with-code", action="store_true", help="keep code cells in the HTML reports")
    run.add_argument("--plotly", choices=["inline", "shared"], default="inline",
                     help="inline: each report embeds plotly.js and opens alone (default); shared: one "
                     "reports/plotly.min.js that every report loads, a lighter folder to send whole")
    _add_progress_option(run)
    run.add_argument("--strict", action="store_true", help="any rejected input file stops the run")
    run.add_argument("--max-bytes", type=int, metavar="N",
                     help="reject input files larger than N bytes (default: 20 MiB), in the build and every notebook")
    run.add_argument("--jobs", type=int, metavar="N",
                     help="processes at once: the build's workers, then notebooks run side by side (default: every core; 1: one at a time)")
    run.add_argument("--no-cache", dest="cache", action="store_false",
                     help="recompute every document instead of reusing OUT/cache")
    run.add_argument("--engine", choices=["local", "dask"], default="local",
                     help="run the per-document stages locally or on a Dask cluster")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address (with --engine dask; default: a local two-worker cluster)")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="wait this long for another run on the same OUT to finish (default: 0)")
    run.add_argument("--log", metavar="FILE", help="log file (default: OUT/logs/run.log)")
    run.set_defaults(handler=_cmd_run)

    init = sub.add_parser(
        "init",
        help="turn a folder of saved pages into a story folder: write sources.yml and entities.yml to edit",
        description="Read the pages of DIR (.html, .htm, .txt) as a run would and write DIR/sources.yml, prefilled "
        "with what each page states about itself (basis and evidence; unknown fields as comments), and "
        "DIR/entities.yml, with the names discovery finds in most sources, each marked as proposed. "
        "Existing files are kept unless --force.",
    )
    init.add_argument("folder", metavar="DIR", help="the folder of saved pages")
    init.add_argument("--force", action="store_true", help="overwrite an existing sources.yml and entities.yml")
    init.add_argument("--entities", type=int, default=None, metavar="N",
                      help="how many discovered names to propose in entities.yml (default: 30)")
    init.add_argument("--max-bytes", type=int, metavar="N", help="skip pages larger than N bytes (default: 20 MiB)")
    init.set_defaults(handler=_cmd_init)

    check = sub.add_parser(
        "check",
        help="validate a story folder: sources.yml, entities.yml, which pages are read and which rejected",
        description="Check that DIR/sources.yml and DIR/entities.yml parse and fit their schema, that every entry "
        "names a page of DIR, and list pages without an entry, rejected files and why, and what was read. "
        "Exit 0 when the folder is sound (warnings allowed), 1 otherwise.",
    )
    check.add_argument("folder", metavar="DIR", help="the story folder")
    check.add_argument("--max-bytes", type=int, metavar="N", help="as for run (default: 20 MiB)")
    check.set_defaults(handler=_cmd_check)

    refresh = sub.add_parser(
        "refresh-notebooks",
        help="re-execute notebooks/NN_*.ipynb in place with their default parameters",
        description="Re-execute the notebooks in place so their stored outputs match the seeds run "
        "(what nbval compares). A notebook that fails is left unchanged.",
    )
    _add_notebooks_option(refresh)
    _add_progress_option(refresh)
    refresh.set_defaults(handler=_cmd_refresh)
    return parser


def _add_notebooks_option(parser: argparse.ArgumentParser, *, keeps: bool = False) -> None:
    kept = "; the other reports already in OUT are kept, marked with the run that made them" if keeps else ""
    parser.add_argument("--notebooks", nargs="+", default=[], metavar="NB",
                        help="only these notebooks: number (01), name (01_source_comparison) or file name; "
                        f"comma-separated or repeated{kept}")


def _add_progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-progress", action="store_true", help="print nothing unless something fails (cron)")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``presslens`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ParameterError as exc:
        return _fail(exc, EXIT_USAGE)
    except PresslensError as exc:
        from .report import LockBusyError

        return _fail(exc, EXIT_LOCKED if isinstance(exc, LockBusyError) else EXIT_FAILED)
    except OSError as exc:
        from .report import write_problem

        problem = write_problem(exc)
        if problem is None:
            raise
        return _fail(exc, EXIT_FAILED, message=f"cannot write {exc.filename or 'a file'}: {problem}")
    except KeyboardInterrupt as exc:
        _quiet_asyncio()
        return _fail(exc, EXIT_INTERRUPTED, message="interrupted")
    except BaseException as exc:
        from .report import RunTerminated

        if isinstance(exc, RunTerminated):
            _quiet_asyncio()
            return _fail(exc, EXIT_TERMINATED)
        raise


def _quiet_asyncio() -> None:
    """An interrupted kernel client leaves a task asyncio would report at exit; the one line says enough."""
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)


def _fail(exc: BaseException, code: int, *, message: str | None = None) -> int:
    """One line on stderr (plus where the partial run was kept, when there is one)."""
    text = message or str(exc) or type(exc).__name__
    notes = [n for n in getattr(exc, "__notes__", []) if n]
    print(f"presslens: error: {'; '.join([text, *notes])}", file=sys.stderr)
    return code


def _cmd_run(args: argparse.Namespace) -> int:
    from . import report

    try:
        plan = report.plan_run(
            corpus_dir=args.corpus, out_dir=args.out, selection=args.notebooks, param_texts=args.params,
            params_file=args.params_file, with_code=args.with_code, strict=args.strict, wait=args.wait,
            log_file=args.log, max_bytes=args.max_bytes, jobs=args.jobs, cache=args.cache,
            engine=args.engine, scheduler=args.scheduler, plotly=args.plotly,
        )
    except MetadataError as exc:  # a broken sources.yml or entities.yml refuses the run before it starts
        return _fail(exc, EXIT_USAGE)
    printer = None if args.no_progress else ProgressPrinter(sys.stderr)
    result = report.run_suite(plan, progress=printer)
    if printer:
        print_warnings(result.manifest.get("warnings") or [], where=plan.out / "reports" / "index.html")
    if (result.manifest.get("counts") or {}).get("documents") == 0:
        rejected = len(result.manifest.get("rejected") or [])
        print(f"presslens: no document of the corpus was usable ({rejected} file(s) rejected, "
              f"listed in {plan.out / 'reports' / 'index.html'}); every report says so", file=sys.stderr)
    failed = [r for r in result.notebooks if r.status != "ok"]
    if failed:
        names = ", ".join(r.name for r in failed)
        print(f"presslens: {len(failed)} of {len(result.notebooks)} notebooks failed: {names} "
              f"(see {plan.out / 'reports' / 'index.html'})", file=sys.stderr)
        return EXIT_FAILED
    kept = result.manifest.get("kept") or []
    if printer and kept:
        print(f"presslens: kept {len(kept)} report(s) from earlier runs: {', '.join(kept)}", file=sys.stderr)
    if printer:
        print(f"presslens: reports in {plan.out / 'reports' / 'index.html'}", file=sys.stderr)
    return EXIT_OK


def _quiet_library_log() -> None:
    """``init`` and ``check`` say what the library would log (rejected files...) in their own report."""
    logging.getLogger("presslens").addHandler(logging.NullHandler())


def _cmd_init(args: argparse.Namespace) -> int:
    from .story import DEFAULT_ENTITIES, init_story

    _quiet_library_log()
    limit = DEFAULT_ENTITIES if args.entities is None else args.entities
    if limit < 0:
        raise ParameterError(f"--entities must be 0 or more, found {limit}")
    result = init_story(args.folder, force=args.force, entities=limit, max_bytes=args.max_bytes)
    print(f"presslens init: {result.documents} page(s) read in {result.folder}, "
          f"{result.comments} comment(s); {len(result.rejected)} file(s) rejected")
    for info in result.rejected:
        print(f"  rejected  {info.file}: {info.reason}")
    for written in result.files:
        print(f"  {written.action:<9} {written.path} ({written.detail})")
    if any(w.action == "kept" for w in result.files):
        print("  (existing files are never overwritten without --force)")
    print("next: edit sources.yml (correct or fill in what each page does not state) and entities.yml "
          "(check each proposed entry), then")
    for command in result.next_commands:
        print(f"  {command}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from .story import check_story

    _quiet_library_log()
    try:
        result = check_story(args.folder, max_bytes=args.max_bytes)
    except Exception as exc:  # noqa: BLE001 - check reports, never a traceback
        print(f"presslens check: {args.folder}: could not be checked: {type(exc).__name__}: {exc}")
        return EXIT_FAILED
    print(f"presslens check: {result.folder}")
    for finding in result.findings:
        print(f"  {finding.level:<8} {finding.message}")
    if result.documents:
        print(f"  {result.documents} document(s), {result.comments} comment(s), {result.words:,} words")
    if result.ok:
        print("presslens check: the folder is sound" + (" (see the warnings)" if result.findings and any(
            f.level == "warning" for f in result.findings) else ""))
        return EXIT_OK
    print(f"presslens check: {len(result.errors)} problem(s) to fix")
    return EXIT_FAILED


def _cmd_refresh(args: argparse.Namespace) -> int:
    from . import report

    printer = None if args.no_progress else ProgressPrinter(sys.stderr)
    results = report.refresh_notebooks(selection=args.notebooks, progress=printer)
    failed = [r for r in results if r.status != "ok"]
    for r in failed:
        print(f"presslens: {r.name} failed and was left unchanged: {r.error}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


#: warnings printed on the console at most; the rest are in the index page and run.json
CONSOLE_WARNINGS = 8


def print_warnings(warnings: list[dict], *, where: Path, stream=None, limit: int = CONSOLE_WARNINGS) -> None:
    """The run's warnings (missing metadata or codebook, comment counts that differ, ...) on the console.

    >>> import io
    >>> out = io.StringIO()
    >>> print_warnings([{"file": "a.html", "warning": "page states 9 comments, 7 found"}] * 3, where=Path("i.html"), stream=out, limit=2)
    >>> print(out.getvalue().rstrip())
    presslens: 3 warning(s) (all in i.html):
      a.html: page states 9 comments, 7 found
      a.html: page states 9 comments, 7 found
      ... and 1 more
    """
    stream = stream or sys.stderr
    if not warnings:
        return
    print(f"presslens: {len(warnings)} warning(s) (all in {where}):", file=stream)
    for w in warnings[:limit]:
        print(f"  {w.get('file', '')}: {w.get('warning', '')}", file=stream)
    if len(warnings) > limit:
        print(f"  ... and {len(warnings) - limit} more", file=stream)


class ProgressPrinter:
    """Progress lines with elapsed time on stderr; a terminal sees each notebook start."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.started = ""  # the notebook whose start a terminal shows on the current line

    def __call__(self, event) -> None:  # noqa: ANN001 - report.Progress, imported lazily
        line = self._format(event)
        if line is None:
            return
        text, end = line
        print(text, end=end, file=self.stream, flush=True)

    def _format(self, e) -> tuple[str, str] | None:  # noqa: ANN001
        if e.stage == "build":
            if e.status == "start":
                return f"presslens: building data from {e.detail} ...", "\n"
            return f"presslens: data built in {e.seconds:.1f} s ({e.detail or 'no counts'})", "\n"
        if e.stage == "notebook":
            prefix = f"[{e.index}/{e.total}] {e.name}"
            if e.status == "start":
                self.started = e.name if self.tty else ""
                return (f"{prefix} ... ", "") if self.tty else None
            verdict = f"ok ({e.seconds:.1f} s)" if e.status == "ok" else f"FAILED ({e.seconds:.1f} s): {e.detail}"
            # notebooks run at once are announced only when they end: the verdict then carries the name
            own_line = self.started == e.name
            self.started = ""
            return (verdict if own_line else f"{prefix} {verdict}"), "\n"
        return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
