"""The learned second reader (issue 13): a linear model over the text's words and concepts.

Trained offline (`triage train`, training/) on labelled real text and shipped as a policy
artifact (grading-model.json) whose bytes join `policy_version`. At run time it is plain Python:
a dictionary from feature to weights, no numpy, so it costs the Lambda nothing to import.

Features, the same at training and at run time (`features_of`):
- `z:` character bigrams of the normalised Chinese text (digits folded to 0; single characters
  add little and cost a third of the time);
- `w:` English words and word pairs, words after a negation marked (`not_good`);
- `c:` concepts of concepts.yaml found in the text (`c:symptom`, `c:symptom~neg` when denied);
- `s:` grading signals that fired; `n:` how many complaint and praise cues; `v:` English tone (VADER).

Each head is a logistic regression (complaint, level_1, level_2) or a softmax (category). A
decision explains itself: the features that pushed it most, found back in the customer's words.
"""

import heapq
import itertools
import json
import math
import re
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Literal

import ahocorasick_rs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from policies.cue_reading import COUNTED_MENTIONS
from policies.text import Normalised

FORMAT = "complaint-triage/grading-model/1"
_EN_TOKEN = re.compile(r"[a-z0-9']+|[!?]")
_NEGATORS = frozenset(
    {"not", "no", "never", "without", "nothing", "none", "nobody", "cannot", "cant", "dont"}
)
_NEGATION_REACH = 3
# Function words carry no complaint or praise of their own; as features they only teach the model
# how the training texts' sources write ("this", "is", "on" in support tweets).
_EN_FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "it's",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "from",
        "with",
        "by",
        "as",
        "and",
        "or",
        "so",
        "if",
        "then",
        "than",
        "there",
        "here",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "shall",
        "may",
        "might",
        "just",
        "also",
        "about",
        "into",
        "out",
        "up",
        "down",
        "over",
        "again",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "how",
        "all",
        "any",
        "some",
        "more",
        "most",
        "such",
        "own",
        "same",
        "very",
        "too",
        "s",
        "t",
    }
)
_DIGITS = re.compile(r"\d")
_FIRST = itemgetter(0)
_SPACES = re.compile(r"[ \t\r\n]+")
# The shape of a text, so the model can tell a question or a bare fact from a grievance: a linear
# model over n-grams alone calls any text without praise words a complaint.
_QUESTION = re.compile(r"[?？]|吗$|吗[，,。 ]")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)?")
_LENGTH_STEPS = {"zh": (12, 40, 120), "en": (8, 25, 80)}  # characters / words at each step


class ModelError(ValueError):
    """The model artifact is missing, unreadable or not a model this code can run."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BinaryHead(_Strict):
    kind: Literal["binary"]
    bias: float
    threshold: float = Field(gt=0, lt=1, description="probability at or above which the head says yes")
    weights: dict[str, float]


class MulticlassHead(_Strict):
    kind: Literal["multiclass"]
    classes: list[str] = Field(min_length=2)
    weight: float = Field(
        ge=0, le=1, description="the model's share when blended with the rules' category cues"
    )
    bias: list[float]
    weights: dict[str, list[float]]

    @model_validator(mode="after")
    def shapes_agree(self) -> "MulticlassHead":
        width = len(self.classes)
        if len(self.bias) != width or any(len(w) != width for w in self.weights.values()):
            raise ValueError(f"every weight vector must have {width} entries, one per class")
        return self


class ModelArtifact(_Strict):
    format: Literal["complaint-triage/grading-model/1"]
    trained: dict[str, object] = Field(description="what it was trained on, and its cross-validated figures")
    complaint: BinaryHead
    level_1: BinaryHead
    level_2: BinaryHead
    category: MulticlassHead


def _negation_marked(tokens: list[str]) -> list[str]:
    out, reach = [], 0
    for token in tokens:
        if token in ("!", "?"):
            reach = 0
            out.append(token)
            continue
        if reach:
            out.append("not_" + token)
            reach -= 1
        else:
            out.append(token)
        if token in _NEGATORS or token.endswith("n't"):
            reach = _NEGATION_REACH
    return out


def _chinese_text(norm: Normalised) -> str:
    return _SPACES.sub("", _DIGITS.sub("0", norm.text))


def _chinese_grams(norm: Normalised) -> list[str]:
    text = _chinese_text(norm)
    return list(map(str.__add__, text, text[1:]))


def _english_grams(norm: Normalised) -> list[str]:
    tokens = _negation_marked(_EN_TOKEN.findall(norm.text))
    function = _EN_FUNCTION_WORDS
    words = [t for t in tokens if t not in function]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(tokens) if a not in function or b not in function]
    return [*words, *pairs]


def text_features(norm: Normalised) -> set[str]:
    """The n-gram features of a normalised text (Chinese characters, or English words)."""
    if norm.is_chinese:
        return {"z:" + g for g in _chinese_grams(norm)}
    return {"w:" + g for g in _english_grams(norm)}


class _Tone:
    """English tone from VADER's word valences (the vaderSentiment package's lexicon), summed over
    the words with negated ones flipped, and squashed as VADER squashes its compound score. The
    full VADER rules cost half a millisecond a text; the lexicon sum is what the model needs."""

    _lexicon: dict[str, float] | None = None
    NEGATED = -0.74  # VADER's N_SCALAR: "not good" is about three quarters as bad as "good" is good
    SQUASH = 15.0  # VADER's alpha in compound = s / sqrt(s² + alpha)

    @classmethod
    def features(cls, norm: Normalised) -> list[str]:
        if cls._lexicon is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            cls._lexicon = dict(SentimentIntensityAnalyzer().lexicon)
        lexicon = cls._lexicon
        total = 0.0
        for token in _negation_marked(_EN_TOKEN.findall(norm.text)):
            if token.startswith("not_"):
                total += cls.NEGATED * lexicon.get(token[4:], 0.0)
            else:
                total += lexicon.get(token, 0.0)
        compound = total / math.sqrt(total * total + cls.SQUASH)
        if compound >= 0.6:
            return ["v:very_positive"]
        if compound >= 0.2:
            return ["v:positive"]
        if compound > -0.2:
            return ["v:neutral"]
        return ["v:negative"] if compound > -0.6 else ["v:very_negative"]


def _count_feature(prefix: str, count: int) -> str:
    return f"n:{prefix}{min(count, COUNTED_MENTIONS)}"


def reading_features(
    norm: Normalised,
    concepts: dict[str, bool],
    signals: list[str],
    complaint_cues: int,
    praise_cues: int,
) -> set[str]:
    """The features of one text other than its n-grams: language, concepts (and whether denied),
    signals, cue counts and, for English, tone."""
    features = {"lang:zh" if norm.is_chinese else "lang:en"}
    features.update(f"c:{name}~neg" if denied else f"c:{name}" for name, denied in concepts.items())
    features.update(f"s:{name}" for name in signals)
    features.add(_count_feature("complaint", complaint_cues))
    features.add(_count_feature("praise", praise_cues))
    features.update(_shape(norm))
    if not norm.is_chinese:
        features.update(_Tone.features(norm))
    return features


def _shape(norm: Normalised) -> list[str]:
    """A question, how long the text is, and how many numbers it gives (a report of facts)."""
    language = "zh" if norm.is_chinese else "en"
    size = len(_SPACES.sub("", norm.text)) if norm.is_chinese else len(_EN_TOKEN.findall(norm.text))
    step = sum(size > limit for limit in _LENGTH_STEPS[language])
    shape = [f"t:length{step}", _count_feature("numbers", len(_NUMBER.findall(norm.text)))]
    if _QUESTION.search(norm.text):
        shape.append("t:question")
    return shape


def features_of(
    norm: Normalised,
    concepts: dict[str, bool],
    signals: list[str],
    complaint_cues: int,
    praise_cues: int,
) -> set[str]:
    """Every feature of one text (what training vectorises)."""
    return text_features(norm) | reading_features(norm, concepts, signals, complaint_cues, praise_cues)


@dataclass(frozen=True, slots=True)
class Scores:
    """What the model reads in one text, as probabilities."""

    complaint: float
    level_1: float
    level_2: float
    category: dict[str, float]


@dataclass(frozen=True, slots=True)
class Matched:
    """The features of a text the model may have weights for: its other features as they are, and
    its n-grams as row numbers of the model's table. Names are looked up only when an explanation
    asks (most texts are decided without one)."""

    others: set[str]
    prefix: str
    rows: set[int]


@dataclass(frozen=True, slots=True)
class Explanation:
    """A feature that pushed a decision, and how hard (its weight)."""

    feature: str
    weight: float


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


_BINARY_HEADS = ("complaint", "level_1", "level_2")


class GradingModel:
    """The trained heads, scored over a set of features; pure and thread-safe.

    The heads' weights are folded into one table at load time, feature → the (score, weight)
    pairs it moves (three binary heads, five categories), so a text costs one dictionary lookup
    per feature whatever the number of heads; n-gram rows are also keyed by the bare n-gram, so
    a text is scored without building its feature names.
    """

    def __init__(self, artifact: ModelArtifact) -> None:
        self.artifact = artifact
        self.classes = tuple(artifact.category.classes)
        self._binary = {name: getattr(artifact, name) for name in _BINARY_HEADS}
        self._bias = [h.bias for h in self._binary.values()] + list(artifact.category.bias)
        table: dict[str, list[tuple[int, float]]] = {}
        for slot, head in enumerate(self._binary.values()):
            for feature, weight in head.weights.items():
                if weight:
                    table.setdefault(feature, []).append((slot, weight))
        offset = len(_BINARY_HEADS)
        for feature, vector in artifact.category.weights.items():
            moves = [(offset + i, w) for i, w in enumerate(vector) if w]
            if moves:
                table.setdefault(feature, []).extend(moves)
        # Dense rows (one weight per score): a text's totals are then column sums, done in C.
        width = len(self._bias)
        self._table: dict[str, tuple[float, ...]] = {}
        for feature, moves in table.items():
            row = [0.0] * width
            for slot, weight in moves:
                row[slot] = weight
            self._table[feature] = tuple(row)
        # n-gram rows by prefix: the bare n-grams (list) and their rows (same order), found by number.
        self._gram_names: dict[str, list[str]] = {
            prefix: [f[2:] for f in self._table if f.startswith(prefix + ":")] for prefix in ("z", "w")
        }
        self._gram_rows = {
            prefix: [self._table[f"{prefix}:{gram}"] for gram in grams]
            for prefix, grams in self._gram_names.items()
        }
        self._english_index = {g: i for i, g in enumerate(self._gram_names["w"])}
        # Chinese bigrams are found by one automaton pass over the text (in C): only the few the
        # model knows come back to Python, instead of every bigram being built and looked up.
        chinese = self._gram_names["z"]
        self._chinese = ahocorasick_rs.AhoCorasick(chinese) if chinese else None

    @classmethod
    def load(cls, path: Path) -> "GradingModel":
        """Read and validate an artifact; every failure names the file (never a silent fall-back)."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ModelError(f"{path}: cannot read the grading model: {exc.strerror}") from exc
        return cls.from_bytes(raw, path)

    @classmethod
    def from_bytes(cls, raw: bytes, path: Path) -> "GradingModel":
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(
                f"{path}: the grading model is not JSON ({exc}); rebuild it with `triage train`"
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ModelError(f"{path}: not a grading model of format {FORMAT!r} (found {found!r})")
        try:
            return cls(ModelArtifact.model_validate(data))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5]
            )
            raise ModelError(f"{path}: the grading model is damaged: {problems}") from exc

    def threshold(self, head: str) -> float:
        return self._binary[head].threshold

    @property
    def category_weight(self) -> float:
        return self.artifact.category.weight

    def scores(self, features: set[str]) -> Scores:
        get = self._table.get
        return self._scores(self._moved([m for f in features if (m := get(f)) is not None]))

    def score_text(self, norm: Normalised, others: set[str]) -> tuple[Scores, Matched]:
        """The scores of a text from its n-grams and its other features (the same numbers as
        `scores` of every feature), and the features an explanation may name."""
        if norm.is_chinese:
            prefix = "z"
            found = (
                self._chinese.find_matches_as_indexes(_chinese_text(norm), overlapping=True)
                if self._chinese is not None
                else ()
            )
            indexes = set(map(_FIRST, found))
        else:
            prefix = "w"
            index = self._english_index
            indexes = {i for g in _english_grams(norm) if (i := index.get(g)) is not None}
        rows = list(map(self._gram_rows[prefix].__getitem__, indexes))
        get = self._table.get
        rows += [m for f in others if (m := get(f)) is not None]
        return self._scores(self._moved(rows)), Matched(others, prefix, indexes)

    def _moved(self, rows: list[tuple[float, ...]]) -> list[float]:
        return list(map(sum, zip(self._bias, *rows, strict=True)))

    def _scores(self, totals: list[float]) -> Scores:
        offset = len(_BINARY_HEADS)
        logits = totals[offset:]
        top = max(logits)
        exps = [math.exp(t - top) for t in logits]
        norm = sum(exps)
        return Scores(
            complaint=_sigmoid(totals[0]),
            level_1=_sigmoid(totals[1]),
            level_2=_sigmoid(totals[2]),
            category={c: e / norm for c, e in zip(self.classes, exps, strict=True)},
        )

    def strongest(
        self, head: str, present: Matched | set[str], limit: int = 3, category: str | None = None
    ) -> list[Explanation]:
        """The present features that pushed `head` (towards `category`) hardest, strongest first."""
        slot = (
            len(_BINARY_HEADS) + self.classes.index(category or self.classes[0])
            if head == "category"
            else _BINARY_HEADS.index(head)
        )

        def key(pair: tuple[str, float]) -> tuple[float, str]:
            return -pair[1], pair[0]

        if isinstance(present, Matched):
            # The strongest n-grams are chosen by number; only those few get their feature names.
            names, rows = self._gram_names[present.prefix], self._gram_rows[present.prefix]
            pushed = [(names[i], w) for i in present.rows if (w := rows[i][slot]) > 0]
            weighted = [(f"{present.prefix}:{g}", w) for g, w in heapq.nsmallest(limit, pushed, key=key)]
            others = present.others
        else:
            weighted, others = [], present
        weighted += [
            (f, w) for f in others if (row := self._table.get(f)) is not None and (w := row[slot]) > 0
        ]
        top = heapq.nsmallest(limit, weighted, key=key)
        return [Explanation(f, w) for f, w in top]
