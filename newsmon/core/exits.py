"""What a newsmon process's exit status means: the same codes for every command.

README.md's exit-status table and ``newsmon --help`` are generated from `EXIT_CODES`
(`newsmon.present.docs.exit_codes_table`); tests/test_docs.py fails when they drift.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit status of a newsmon command."""

    OK = 0
    ERROR = 1
    USAGE = 2
    NO_ARTICLE = 3
    PARTIAL = 4
    INTERRUPTED = 130
    PIPE_CLOSED = 141


EXIT_CODES: dict[ExitCode, str] = {
    ExitCode.OK: "success: everything asked for was done",
    ExitCode.ERROR: (
        "a newsmon error, named on stderr (a file, key, URL or id), or nothing could be done: "
        "every source failed, no input line or archive could be read"
    ),
    ExitCode.USAGE: (
        "bad usage: an unknown command or option, a value that does not parse, "
        "`--until` before `--since`, an unknown `--status`"
    ),
    ExitCode.NO_ARTICLE: (
        "`extract` found no article (no text, or fewer than `clean.min_text_chars` characters)"
    ),
    ExitCode.PARTIAL: (
        "done with errors: what worked is stored and printed, and each failure is named on "
        "stderr: some sources could not be polled, some input lines or archive records were "
        "rejected, an archive was damaged, an alert could not be delivered, a stored page "
        "could not be cleaned again by `reprocess`"
    ),
    ExitCode.INTERRUPTED: (
        "interrupted by Ctrl-C before the work was done (`serve` stopped by Ctrl-C or SIGTERM "
        "exits 0)"
    ),
    ExitCode.PIPE_CLOSED: (
        "the reader closed the pipe (`newsmon export | head -1`): output stops quietly, "
        "as if by SIGPIPE"
    ),
}
