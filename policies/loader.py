"""Loads and validates the policy files; stamps a content-hash version on the result.

A broken file fails loudly at load time with the file, the path inside it and what is wrong,
so a bad policy never reaches a running function.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from policies.alerting import AlertingPolicy
from policies.calendar import CalendarPolicy
from policies.channels import ChannelsPolicy
from policies.compliance import CompliancePolicy
from policies.concepts import ConceptLexicon
from policies.conversation import ConversationPolicy
from policies.grading_model import GradingModel, ModelError
from policies.grading_policy import GradingPolicy
from policies.intake import IntakePolicy
from policies.lifecycle import LifecyclePolicy
from policies.pii import PiiPolicy
from policies.policy_files import (
    DEFAULT_POLICY_DIR,
    POLICY_DIR_ENV,
    PolicyError,
    parse_policy_file,
    policy_dir,
    read_policy_file,
)
from policies.problems import ProblemPolicy
from policies.remedies import RemediesPolicy
from policies.review import ReviewPolicy
from policies.routing import RoutingPolicy
from policies.sla import SlaPolicy
from policies.social import SocialPolicy
from policies.ticket_note import TicketNotePolicy

# Re-exported: callers load policies from here.
__all__ = ["DEFAULT_POLICY_DIR", "POLICY_DIR_ENV", "Policy", "PolicyError", "parse_policy_file"]


@dataclass(frozen=True)
class Policy:
    """Every policy file, validated, with the version stamped on each decision."""

    grading: GradingPolicy
    concepts: ConceptLexicon
    model: GradingModel
    sla: SlaPolicy
    calendar: CalendarPolicy
    remedies: RemediesPolicy
    compliance: CompliancePolicy
    routing: RoutingPolicy
    conversation: ConversationPolicy
    ticket_note: TicketNotePolicy
    alerting: AlertingPolicy
    pii: PiiPolicy
    intake: IntakePolicy
    social: SocialPolicy
    problems: ProblemPolicy
    channels: ChannelsPolicy
    lifecycle: LifecyclePolicy
    review: ReviewPolicy
    version: str
    directory: Path


_FILES: dict[str, type[BaseModel]] = {
    "grading.yaml": GradingPolicy,
    "concepts.yaml": ConceptLexicon,
    "sla.yaml": SlaPolicy,
    "calendar.yaml": CalendarPolicy,
    "remedies.yaml": RemediesPolicy,
    "compliance.yaml": CompliancePolicy,
    "routing.yaml": RoutingPolicy,
    "conversation.yaml": ConversationPolicy,
    "ticket_note.yaml": TicketNotePolicy,
    "alerting.yaml": AlertingPolicy,
    "pii.yaml": PiiPolicy,
    "intake.yaml": IntakePolicy,
    "social.yaml": SocialPolicy,
    "problems.yaml": ProblemPolicy,
    "channels.yaml": ChannelsPolicy,
    "lifecycle.yaml": LifecyclePolicy,
    "review.yaml": ReviewPolicy,
}


def load_social_policy(directory: Path | str | None = None) -> SocialPolicy:
    """Only social.yaml: what a social monitor needs, without compiling the grader's keywords."""
    return read_policy_file(policy_dir(directory) / "social.yaml", SocialPolicy)


def load_grading_rules(directory: Path | str | None = None) -> tuple[GradingPolicy, ConceptLexicon]:
    """Only grading.yaml and concepts.yaml, checked against each other: what training reads with,
    before there is a model to load."""
    root = policy_dir(directory)
    grading = read_policy_file(root / "grading.yaml", GradingPolicy)
    concepts = read_policy_file(root / "concepts.yaml", ConceptLexicon)
    _check_concepts(root, grading, concepts)
    return grading, concepts


def _check_concepts(root: Path, grading: GradingPolicy, concepts: ConceptLexicon) -> None:
    unknown = concepts.missing(grading.concept_names())
    if unknown:
        raise PolicyError(f"{root / 'grading.yaml'}: refers to concepts not in concepts.yaml: {unknown}")


def _check_problems(
    root: Path, problems: ProblemPolicy, grading: GradingPolicy, concepts: ConceptLexicon
) -> None:
    unknown = concepts.missing(problems.concept_names())
    if unknown:
        raise PolicyError(f"{root / 'problems.yaml'}: refers to concepts not in concepts.yaml: {unknown}")
    shadowing = sorted(set(problems.signs) & set(concepts.concepts))
    if shadowing:
        raise PolicyError(f"{root / 'problems.yaml'}: signs named like concepts.yaml's concepts: {shadowing}")
    signals = {s.name for s in grading.signals}
    missing = sorted(problems.signal_names() - signals)
    if missing:
        raise PolicyError(f"{root / 'problems.yaml'}: refers to signals not in grading.yaml: {missing}")


def load_policy(directory: Path | str | None = None) -> Policy:
    """Load every policy file from `directory` (default: $TRIAGE_POLICY_DIR, else the shipped files)."""
    root = policy_dir(directory)
    digest = hashlib.sha256()
    parsed: dict[str, BaseModel] = {}
    for name, model in _FILES.items():
        path = root / name
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise PolicyError(f"{path}: cannot read policy file: {exc.strerror}") from exc
        digest.update(name.encode() + b"\0" + raw + b"\0")
        parsed[name.removesuffix(".yaml")] = parse_policy_file(path, model, raw)
    grading: GradingPolicy = parsed["grading"]  # type: ignore[assignment]
    concepts: ConceptLexicon = parsed["concepts"]  # type: ignore[assignment]
    _check_concepts(root, grading, concepts)
    _check_problems(root, parsed["problems"], grading, concepts)  # type: ignore[arg-type]
    model_path = root / grading.model.file
    try:
        model_raw = model_path.read_bytes()
    except OSError as exc:
        raise PolicyError(
            f"{model_path}: cannot read the grading model ({exc.strerror}); build it with `triage train`"
        ) from exc
    digest.update(grading.model.file.encode() + b"\0" + model_raw + b"\0")
    try:
        grading_model = GradingModel.from_bytes(model_raw, model_path)
    except ModelError as exc:
        raise PolicyError(str(exc)) from exc
    return Policy(
        **parsed,
        model=grading_model,
        version=digest.hexdigest()[:12],
        directory=root,  # type: ignore[arg-type]
    )
