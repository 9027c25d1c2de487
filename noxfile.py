"""Task sessions. They run inside the project's locked uv environment (`uv run nox ...`),
so no session builds a virtualenv of its own: `uv.lock` is the single source of versions."""

from __future__ import annotations

import os

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "typecheck", "tests"]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, and import-linter for the layer rules."""
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("lint-imports")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the pure domain, then on the adapters and entrypoints too."""
    session.run("mypy", "--strict", "src/v3core")
    session.run("mypy", "--strict", "src")


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite: unit, contract (in-memory, SQLite, PostgreSQL), integration, e2e.

    One pytest-xdist worker per core (each with its own throw-away databases); pass ``-n 0``
    after ``--`` to run in one process. The 15 slowest steps are listed at the end (the suite's
    5-minute budget is watched there)."""
    session.run("pytest", "-n", "auto", "--durations=15", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks of QUALITY.md; results go to docs/performance.md by hand from the printed table."""
    session.run("python", "benchmarks/run_all.py", *session.posargs)


@nox.session(default=False)
def fuzz(session: nox.Session) -> None:
    """Schemathesis over the whole API against PostgreSQL, 200 examples per operation and mode
    (positive and negative): no 5xx, no schema violation. Long (tens of minutes), so not a default
    session; the default suite runs the same test with 6 examples on SQLite and PostgreSQL.
    ``FUZZ_EXAMPLES=N`` changes the count. Fails (never skips) without PostgreSQL."""
    examples = os.environ.get("FUZZ_EXAMPLES") or "200"
    session.run(
        "pytest",
        "tests/e2e/fuzz",
        "-m",
        "postgres",
        "-p",
        "no:cacheprovider",
        "-q",
        *session.posargs,
        env={"FUZZ_EXAMPLES": examples, "CI": "1"},
    )


@nox.session(default=False)
def mutate(session: nox.Session) -> None:
    """mutmut over ``src/v3core`` with the fast tests (``[tool.mutmut]`` in pyproject.toml): every
    mutant must make a test fail. Long (the domain is ~6 900 mutants), so not a default
    session; pass mutant name globs after ``--`` to run a part, e.g.
    ``nox -s mutate -- "v3core.lifecycle*"``. Mutated copies go to ``mutants/`` (ignored by git);
    ``mutmut results`` lists the survivors, ``mutmut show NAME`` shows one. docs/testing.md keeps
    the score."""
    session.run("mutmut", "run", *session.posargs)
    session.run("mutmut", "results")
