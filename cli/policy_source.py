"""Builds the triage engine from the policy directory chosen on the command line.

Users point `--policies` at an edited copy of the policy files to try a change before deploying
it; a broken file must then read as a clear message naming the file, not as a traceback.
"""

from typing import TYPE_CHECKING

from cli.failure import EXIT_UNUSABLE, CliFailure

if TYPE_CHECKING:
    from policies.engine import TriageEngine


def load_engine(directory: str | None) -> "TriageEngine":
    """The engine for `directory` (None: $TRIAGE_POLICY_DIR, else the shipped policies).

    Raises CliFailure (exit 2) when a policy file is missing, is not YAML, breaks its schema, or
    loads but cannot be used (e.g. a setting the deadline clock refuses).
    """
    # Imported here: pydantic, YAML and the policies cost start-up time `triage --help` should not pay.
    from policies.engine import TriageEngine
    from policies.loader import PolicyError, load_policy

    try:
        policy = load_policy(directory)
    except PolicyError as exc:
        raise CliFailure(f"policy not loaded: {exc}", EXIT_UNUSABLE) from exc
    try:
        return TriageEngine(policy)
    except ValueError as exc:
        raise CliFailure(f"policy in {policy.directory} not usable: {exc}", EXIT_UNUSABLE) from exc
