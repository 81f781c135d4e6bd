"""Command line: ``python -m analysis <command>``.

Commands::

    run        execute the numbered notebooks headless into reports/  (see analysis.runner)
    check      load a corpus and print per-file accounting, warnings and rejects (analysis.check)
    evaluate   score a method on a gold file                           (see analysis.evaluate)

Options::

    --version      print the package version and exit
    -v, --verbose  more detail on stderr (debug log); anywhere on the line
    -q, --quiet    warnings and errors only, no progress bars

Progress and diagnostics go to stderr (the ``analysis`` logger, see
:mod:`analysis.logs`); stdout carries only each command's result.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from analysis.logs import configure_logging, split_verbosity

    verbosity, argv = split_verbosity(sys.argv[1:] if argv is None else argv)
    configure_logging(verbosity)
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__.strip())
        return 0 if argv else 2
    if argv[0] in {"-V", "--version"}:
        from analysis import __version__

        print(f"war-analysis {__version__}")
        return 0
    command, rest = argv[0], argv[1:]
    if command == "run":
        from analysis.runner import main as run_main

        return run_main(rest)
    if command == "check":
        from analysis.check import main as check_main

        return check_main(rest)
    if command == "evaluate":
        from analysis.evaluate import main as evaluate_main

        return evaluate_main(rest)
    print(f"unknown command {command!r}\n\n{__doc__.strip()}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
