"""Running the ``workforce`` command in a child process with its standard error on a
pseudo-terminal or a pipe, for the tests of what a person sees while a command works (the test's
database and key reach the child through the environment)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
"""A terminal control sequence (rich's colours and cursor moves)."""


def run_workforce(
    args: list[str], *, on_terminal: bool, columns: int = 120
) -> tuple[int, str, str]:
    """``workforce ARGS``; returns the exit code, standard output and standard error (escape
    codes left in). On a terminal, standard error is read until the child closes it."""
    argv = [str(Path(sys.executable).with_name("workforce")), *args]
    environment = {**os.environ, "COLUMNS": str(columns)}
    if not on_terminal:
        done = subprocess.run(argv, capture_output=True, text=True, env=environment, timeout=120)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=follower, env=environment)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    out = process.communicate(timeout=120)[0]
    os.close(leader)
    return process.returncode, out.decode(), b"".join(chunks).decode(errors="replace")
