"""Ranking credentials for a learner: relevance to the goal (dense + BM25, fused), coverage of the skill gap by
learning outcomes, and diminishing returns for outcomes the learner already has. Filters are exact.

Every result carries its explanation: which outcomes matched which gap skill or the goal, with scores, and
which gap skills it leaves uncovered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from knowledge.models import Catalog, Credential
from recommender import language
from recommender.catalog_index import CatalogIndex
from recommender.encoder import Encoder
from recommender.gaps import GapAnalysis, TargetSkill
from recommender.lexical import LexicalIndex
from recommender.request import Constraints, Violation, taught_in, violations


@dataclass(frozen=True, slots=True)
class RankingSettings:
    """Defaults measured on the judged query set (benchmarks/ranking_quality.py --tune, tuned on half the queries):
    convex fusion beat reciprocal-rank fusion at every weight tried."""

    fusion: str = "convex"  # "convex" or "rrf"
    dense_weight: float = 0.8  # within relevance: dense vs lexical
    relevance_weight: float = 0.7
    coverage_weight: float = 0.3
    redundancy_penalty: float = 0.1  # small: the judged set barely rewards it, learners expect it
    rrf_k: int = 20
    sim_low: float = 0.35  # cosine at which an outcome starts to count as covering a skill ...
    sim_high: float = 0.70  # ... and at which it counts fully
    explain_threshold: float = 0.5
    known_threshold: float = 0.75
    # For credentials taught in the language the goal asks for ("a course in Spanish, please"), else the one it is
    # written in, when no language filter is set: a preference, so a much closer course can still come first.
    language_boost: float = 0.2
    # Goals not in English: once e5's vectors are centred per language (below), courses in languages the learner has
    # not shown come closer in meaning, and 0.2 let a Portuguese-only and a Thai-only Excel course outrank the
    # Malay and Indonesian data courses for "Saya ingin menjadi analis data, saya bisa Excel". Measured at 0.3:
    # the nine languages' success@5 unchanged (nDCG@10 within ±0.02), English untouched (0.3 for English goals
    # too cost English success@5 0.982 -> 0.947).
    language_boost_other: float = 0.3
    likely_share: float = 0.5  # of the boost, for a language many of the learner's language's speakers read
    # With a second, multilingual encoder beside MiniLM (multilingual-e5-small, when the service has one): its
    # share of the dense signal, and the dense share of relevance, per language group. Measured on the judged sets
    # (benchmarks/multilingual_quality.py, tuned on half the queries): English goals gain a point at 0.3-0.5;
    # goals in other languages, which MiniLM barely reads, need e5 to carry most of the meaning.
    # With the cross-lingual offset below, MiniLM's share for other goals went from 0.15 to none: its cosines there
    # mostly say "same script" (nine languages' nDCG@10 0.694 -> 0.703, off-topic listed on the precision set
    # 165 -> 150, success@5 unchanged).
    multilingual_weight: float = 0.4
    multilingual_weight_other: float = 1.0
    dense_weight_other: float = 0.65
    # No padding: a credential is not listed, even when fewer than `limit` pass, unless its closest text (title,
    # description or an outcome) is near the goal in meaning on an absolute scale (`relevance_floor`; each
    # encoder's cosines are first put on a common 0-1 scale by `topic_minilm` / `topic_e5`) and its relevance is
    # within reach of the best credential's (`relative_floor`, on the min-max scale the fusion uses). Chosen on
    # the judged sets' top-10 lists and benchmarks/precision.py together: at these values English success@5 goes
    # 0.991 -> 0.982 and other languages' 0.780 -> 0.767, English nDCG@10 0.808 -> 0.778 (credentials graded
    # "somewhat related" drop out of short lists), and the listed off-topic credentials of the precision set fall
    # from 213 to 148 while 2 of 35 relevant ones go. Stricter floors remove relevant courses about as fast as
    # off-topic ones: the signals separate them too weakly (see the README's precision table). 0 switches a
    # floor off.
    relevance_floor: float = 0.5
    relative_floor: float = 0.5
    topic_minilm: tuple[float, float] = (0.2, 0.6)
    topic_e5: tuple[float, float] = (0.78, 0.9)
    # multilingual-e5-small scores a text in another language than the goal's lower than one that says the same
    # in the goal's language (a Finnish nurse's goal and an English medication course: 0.82-0.85 where the Finnish
    # course scores 0.87-0.9); this much is added to its cosine for texts of a credential written in another
    # language, so a learner meets courses across languages on the same scale. Measured on the judged sets
    # (0 / 0.02 / 0.04 / 0.05 / 0.06 / 0.08 / 0.1): success@5 over the nine other languages 0.784 / 0.830 / 0.877 /
    # 0.878 / 0.871 / 0.846 / 0.820, English nDCG@10 0.770 / 0.770 / 0.771 / 0.775 / 0.773 / 0.770 / 0.766, and
    # relevant credentials listed on the precision set 33 / 35 / 39 / 40 / 41 / 41 / 38 (off-topic 155 → 148 at 0.05).
    # Reading such credentials by that encoder alone (MiniLM and BM25 are blind across languages) measured worse:
    # 0.830 / 0.761 at no offset, 0.726 / 0.627 at 0.05. The floor now reads centred cosines (`topic_e5_centred`,
    # below), which need no offset: this one applies when that is None.
    cross_lingual_offset: float = 0.05
    # e5 also finds any two texts in one language alike (a colloquial Finnish question about AI tools came closest to
    # a Finnish dementia-care course): for ordering, each language's mean catalog vector is taken off the texts
    # written in it, and the goal's language's mean off the goal, so what is left compares topics. A language with
    # fewer than `language_centring_min` credentials (whose mean would be those few courses' own topic) has the
    # whole catalog's mean taken off instead. The floor reads the centred cosines too (`topic_e5_centred`).
    # Measured (benchmarks/multilingual_quality.py; centring off / on; the catalog's languages have 7-10
    # credentials each beside English's 367): success@5 fi 0.765 / 0.941, vi 0.688 / 0.812, fr 0.882 / 0.941,
    # pt 0.941 / 1.000, th and id 0.875 both; English success@5 0.982 both, nDCG@10 0.777 / 0.780. Relevant
    # credentials listed on the precision set 42 -> 48, off-topic 164 -> 138. Drawing small languages' means
    # toward the whole catalog's instead (3 / 7 / 15 credentials' worth) measured worse (fi 0.882 / 0.882 / 0.824,
    # vi 0.812 / 0.750 / 0.688): it carries the majority language's own pull into the others.
    language_centring: bool = True
    language_centring_min: int = 3
    # A catalog smaller than this is not centred: its mean is its own topic, not the common direction of its texts
    # (a university's 4 engineering courses: "matemáticas aplicadas para ingeniería civil" lost the topic it shares
    # with them and no course passed the floor). Such a catalog is read by plain cosines and the cross-lingual
    # offset, as before centring. The shipped catalog (450 credentials, dozens of fields) is centred.
    language_centring_least_catalog: int = 100
    # For English goals, a credential written in another language is also read by MiniLM, BM25 and the coverage
    # through the English labels of the ESCO skills its outcomes are aligned to (the Ranker's `_esco_bridge`).
    # Measured on the English judged set (off / on): nDCG@10 0.770 / 0.788 with the 169 credentials it brought
    # into the top 10 graded blind (0.780 / 0.776 before they were), success@5 0.982 both; an English nurse's
    # medication question finds the Finnish-only medication course (was not in the top 10). Other languages'
    # goals are left as they were: MiniLM has no share there, and the labels in BM25 and the coverage measured
    # worse for them (success@5 fi 0.941 -> 0.882, vi 0.812 -> 0.750).
    esco_bridge: bool = True
    # BM25 cannot read a credential written in another language than a goal that is not in English: its zero there
    # says nothing, so such credentials are ordered by meaning with this share (others by `dense_weight_other`).
    # Measured (0.65 as the others / 0.8 / 1.0): success@5 vi 0.812 / 0.875 / 0.875, fr 0.941 / 1.000 / 0.941,
    # id 0.938 / 0.875 / 0.875, fi 0.941 / 0.941 / 0.882, the rest unchanged; nDCG@10 up in most languages.
    blind_lexical: float = 0.8
    # The relevance floor reads e5's centred cosines (the goal less its language's mean, each text less its own
    # language's), on this scale, instead of its plain cosines plus the offset above: plain cosines rate any two
    # texts in one language alike (a Malay question about caring for an elderly mother scored 0.838 with the Malay
    # elder-care course and 0.843 with an English course on teaching languages to migrants, so the offset let the
    # English one pass the floor and kept the Malay one out). Separating graded credentials (AUC, plain / centred):
    # goals not in English 0.781 / 0.943 on the precision set, 0.791 / 0.878 on the judged set; English goals 0.877 /
    # 0.904 and 0.784 / 0.777. Measured at (0.07, 0.27) against plain cosines: success@5 en 0.982 -> 0.991, id
    # 0.875 -> 0.938, the rest unchanged, English nDCG@10 0.788 -> 0.794; off-topic credentials listed on the
    # precision set 141 -> 133, relevant 48 -> 47. Higher scales cut more off-topic ones and cost success@5
    # ((0.1, 0.3): off-topic 93, es 0.944, fi and fr 0.882, ms 0.812). None: the plain cosines, as before.
    topic_e5_centred: tuple[float, float] | None = (0.07, 0.27)


@dataclass(frozen=True, slots=True)
class OutcomeMatch:
    outcome: str
    need: str  # the gap skill's label, or "goal"
    need_uri: str | None
    score: float
    via: str  # "ESCO link" or "meaning"


@dataclass(frozen=True)
class RankedCredential:
    credential: Credential
    score: float
    relevance: float
    coverage: float
    redundancy: float
    matches: tuple[OutcomeMatch, ...] = field(default=())
    covers: tuple[str, ...] = field(default=())  # gap skill URIs it covers
    uncovered: tuple[TargetSkill, ...] = field(default=())
    # The languages it is taught in when none is one the learner has shown: listed all the same (nothing closer they
    # can follow), so the learner is told before they click.
    taught_only_in: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Multilingual:
    """Catalog text embedded by a multilingual encoder (rows aligned with the index entries), and the encoder of
    learners' goals into the same space."""

    vectors: np.ndarray
    queries: Encoder


@dataclass(frozen=True)
class HeldBack:
    """A credential the learner's limits left out although it would have made their list: an adviser says so,
    and which limit to loosen, rather than let the learner think nothing closer exists."""

    credential: Credential
    score: float
    limits: tuple[Violation, ...]  # the limits it breaks, as data

    @property
    def reasons(self) -> tuple[str, ...]:
        """The limits it breaks, in English ("needs 9 h a week")."""
        return tuple(v.text for v in self.limits)


@dataclass(frozen=True, slots=True)
class Loosening:
    """How many more on-topic credentials the list would hold if the learner dropped one limit."""

    limit: str  # a field of Constraints
    more: int


@dataclass(frozen=True)
class Ranking:
    results: list[RankedCredential]
    held_back: list[HeldBack]
    fitting: int = 0  # on-topic credentials that pass every limit (may exceed the list's length)
    loosen: tuple[Loosening, ...] = ()


def calibrate(cosine: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip((cosine - low) / (high - low), 0.0, 1.0)


def _minmax(values: np.ndarray) -> np.ndarray:
    if not len(values):
        return values
    lo, hi = float(values.min()), float(values.max())
    return (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)


def _centred_by_language(
    vectors: np.ndarray, written_in: np.ndarray, entry_pos: np.ndarray, least: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Index vectors less the mean vector of their credential's language, unit length again, and those means
    ("" for the whole index's: the mean taken off texts of unknown language or of a language with fewer than
    `least` credentials, and off goals in a language the catalog has no mean for)."""
    languages = np.where(entry_pos >= 0, written_in[np.maximum(entry_pos, 0)], "")
    overall = vectors.mean(axis=0) if len(vectors) else np.zeros(vectors.shape[1], dtype=np.float32)
    centred = vectors - overall
    means: dict[str, np.ndarray] = {"": overall}
    for lang in sorted(set(languages.tolist()) - {""}):
        if np.count_nonzero(written_in == lang) < least:
            continue
        rows = languages == lang
        means[lang] = vectors[rows].mean(axis=0)
        centred[rows] = vectors[rows] - means[lang]
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    return (centred / np.where(norms > 0, norms, 1.0)).astype(np.float32), means


def _rrf(values: np.ndarray, k: int) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    return 1.0 / (k + ranks)


class Ranker:
    def __init__(
        self,
        catalog: Catalog,
        index: CatalogIndex,
        skill_vector: object,
        settings: RankingSettings = RankingSettings(),
        multilingual: Multilingual | None = None,
        skill_label: Callable[[str], str] | None = None,
    ) -> None:
        """`skill_vector` / `skill_label`: an ESCO skill's preferred-label vector (the query encoder's) and label by
        URI; both raise KeyError for a skill the vocabulary does not have."""
        self.catalog = catalog
        self.index = index
        self.skill_vector = skill_vector  # Callable[[str], np.ndarray]
        self.skill_label = skill_label
        self.settings = settings
        self.multilingual = multilingual
        self.position = {c.id: i for i, c in enumerate(catalog)}
        self._taught: dict[str, np.ndarray] = {}  # language -> which credentials are taught in it
        for i, credential in enumerate(catalog.credentials):
            for lang in credential.languages:
                self._taught.setdefault(lang, np.zeros(len(catalog), dtype=np.float32))[i] = 1.0
        self._entry_pos = np.asarray([self.position.get(e.credential_id, -1) for e in index.entries], dtype=np.int64)
        # The language each credential's text is written in (its title and description), for the cross-lingual
        # offset; empty when detection cannot tell.
        self._written_in = np.asarray(
            [language.primary(f"{c.title}. {c.description}") or "" for c in catalog.credentials], dtype=object
        )
        # The multilingual vectors centred per language (ordering only), and each language's mean.
        self._centred: np.ndarray | None = None
        self._language_means: dict[str, np.ndarray] = {}
        if (
            multilingual is not None
            and settings.language_centring
            and len(catalog.credentials) >= settings.language_centring_least_catalog
        ):
            self._centred, self._language_means = _centred_by_language(
                multilingual.vectors, self._written_in, self._entry_pos, settings.language_centring_min
            )
        # Descriptions are broader than titles and outcomes; they count a little less.
        self._entry_scale = np.asarray(
            [0.9 if e.kind == "description" else 1.0 for e in index.entries], dtype=np.float32
        )
        # The outcome table: index rows of every outcome, grouped by credential in catalog order, and for each
        # ESCO skill the outcome-table positions that link to it explicitly.
        rows: list[int] = []
        owners: list[int] = []
        starts: list[int] = []
        positions: list[int] = []
        row_owner: list[int] = []
        linked: dict[str, list[int]] = {}
        for pos, credential in enumerate(catalog.credentials):
            block = [r for r in index.rows_of.get(credential.id, []) if index.entries[r].kind == "outcome"]
            if not block:
                continue
            owners.append(pos)
            starts.append(len(rows))
            for r in block:
                position = index.entries[r].position
                for uri in credential.learning_outcomes[position].skills:
                    linked.setdefault(uri, []).append(len(rows))
                rows.append(r)
                positions.append(position)
                row_owner.append(pos)
        self._outcome_rows = np.asarray(rows, dtype=np.int64)
        self._outcome_owners = np.asarray(owners, dtype=np.int64)
        self._outcome_starts = np.asarray(starts, dtype=np.int64)
        self._outcome_position = np.asarray(positions, dtype=np.int64)
        self._outcome_owner_of_row = np.asarray(row_owner, dtype=np.int64)
        self._linked = {uri: np.asarray(v, dtype=np.int64) for uri, v in linked.items()}
        # MiniLM and BM25 read English words only: for English goals, a credential written in another language is
        # also read through the English labels of the ESCO skills its outcomes are aligned to (one MiniLM vector per
        # outcome, the mean of its skills' label vectors; the labels join its BM25 text).
        self._bridge_vectors = np.zeros((0, index.vectors.shape[1]), dtype=np.float32)
        self._bridge_rows = np.zeros(0, dtype=np.int64)  # into the outcome table
        bridged: dict[int, list[str]] = self._esco_bridge() if settings.esco_bridge else {}
        documents = [_document(c) for c in catalog]
        self.lexical = LexicalIndex(documents)
        self._lexical_english = (
            LexicalIndex([" ".join([d, *bridged.get(i, ())]) for i, d in enumerate(documents)])
            if bridged
            else self.lexical
        )

    def _esco_bridge(self) -> dict[int, list[str]]:
        """Fills the bridge vectors; returns the English skill labels per bridged credential position."""
        vectors: list[np.ndarray] = []
        rows: list[int] = []
        labels: dict[int, list[str]] = {}
        for row, (pos, position) in enumerate(zip(self._outcome_owner_of_row, self._outcome_position, strict=True)):
            if self._written_in[pos] in ("", "en"):
                continue
            known = []
            for uri in self.catalog.credentials[pos].learning_outcomes[position].skills:
                try:
                    vector = self.skill_vector(uri)  # type: ignore[operator]
                    label = self.skill_label(uri) if self.skill_label is not None else None
                except KeyError:  # not in this ESCO version
                    continue
                known.append(vector)
                if label:
                    labels.setdefault(int(pos), []).append(label)
            if known:
                mean = np.mean(known, axis=0)
                vectors.append(mean / max(float(np.linalg.norm(mean)), 1e-9))
                rows.append(row)
        if vectors:
            self._bridge_vectors = np.vstack(vectors).astype(np.float32)
            self._bridge_rows = np.asarray(rows, dtype=np.int64)
        return labels

    # -- relevance -------------------------------------------------------------------------------------------

    def relevance_parts(
        self, goal_vector: np.ndarray, query: str, english: bool = True, written: frozenset[str] = frozenset()
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Dense (best of title, description and outcomes; MiniLM, mixed with the multilingual encoder when there
        is one) and BM25 scores for every credential, and how close in meaning each is on an absolute 0-1 scale
        (the relevance floor's measure: the min-max scaled scores only order credentials). `written`: the goal's
        languages, for the cross-lingual offset."""
        s = self.settings
        dense = self._best_entry(self.index.vectors, goal_vector)
        if english and len(self._bridge_rows):
            np.maximum.at(dense, self._outcome_owner_of_row[self._bridge_rows], self._bridge_vectors @ goal_vector)
        # MiniLM reads English only: for other goals its cosines say little about being on topic.
        topic = calibrate(dense, *s.topic_minilm) if english else np.zeros_like(dense)
        if self.multilingual is not None:
            weight = s.multilingual_weight if english else s.multilingual_weight_other
            query_vector = self.multilingual.queries.encode([query])[0]
            # Ordering reads the centred cosines when the catalog is centred; the floor reads them on their own
            # scale, else the plain cosines with the cross-lingual offset.
            centred = None
            if self._centred is not None:
                centred = self._best_entry(self._centred, self._centre_goal(query_vector, written))
            if centred is None or s.topic_e5_centred is None:
                plain = self._best_entry(self.multilingual.vectors, query_vector)
                if s.cross_lingual_offset and written:
                    plain = plain + s.cross_lingual_offset * self._across(written)
                topic = np.maximum(topic, calibrate(plain, *s.topic_e5))
            else:
                topic = np.maximum(topic, calibrate(centred, *s.topic_e5_centred))
            ordering = centred if centred is not None else plain
            dense = (1 - weight) * _minmax(dense) + weight * _minmax(ordering)
        elif not english:
            topic = calibrate(dense, *s.topic_minilm)
        lexical = (self._lexical_english if english else self.lexical).scores(query)
        return dense, lexical, topic

    def _across(self, written: frozenset[str]) -> np.ndarray:
        """Which credentials are written in a language other than the goal's (False where detection cannot tell)."""
        return (self._written_in != "") & ~np.isin(self._written_in, list(written))

    def _centre_goal(self, vector: np.ndarray, written: frozenset[str]) -> np.ndarray:
        """The goal's vector less its language's mean catalog vector (the mean of its languages' means when it
        mixes several; the whole catalog's when it has too little text in them)."""
        means = [self._language_means[lang] for lang in sorted(written) if lang in self._language_means]
        centred = vector - np.mean(means or [self._language_means[""]], axis=0)
        norm = float(np.linalg.norm(centred))
        return centred / norm if norm > 0 else vector

    def _best_entry(self, vectors: np.ndarray, query_vector: np.ndarray) -> np.ndarray:
        best = np.full(len(self.catalog), -1.0, dtype=np.float32)
        sims = (vectors @ query_vector) * self._entry_scale
        live = self._entry_pos >= 0
        np.maximum.at(best, self._entry_pos[live], sims[live])
        return best

    def relevance(
        self,
        dense: np.ndarray,
        lexical: np.ndarray,
        mode: str | None = None,
        english: bool = True,
        written: frozenset[str] = frozenset(),
    ) -> np.ndarray:
        """Convex fusion (or `mode`'s). `written`: the goal's languages; for a goal not in English, credentials
        written in another language lean on meaning with `blind_lexical`'s share (BM25 cannot read them)."""
        s = self.settings
        mode = mode or s.fusion
        if mode == "dense":
            return _minmax(dense)
        if mode == "lexical":
            return _minmax(lexical)
        if mode == "rrf":
            return _minmax(_rrf(dense, s.rrf_k) + _rrf(lexical, s.rrf_k))
        weight: float | np.ndarray = s.dense_weight
        if not english and self.multilingual is not None:
            weight = s.dense_weight_other
            if s.blind_lexical and written:
                weight = np.where(self._across(written), s.blind_lexical, s.dense_weight_other)
        return weight * _minmax(dense) + (1 - weight) * _minmax(lexical)

    # -- ranking ---------------------------------------------------------------------------------------------

    def rank(
        self,
        gap: GapAnalysis,
        goal_vector: np.ndarray,
        constraints: Constraints,
        limit: int,
        today: dt.date,
        mode: str | None = None,
        per_credential_price: bool = True,
        held_back: int = 0,
        study_languages: frozenset[str] = frozenset(),
    ) -> Ranking:
        """The best `limit` credentials that pass every constraint, explained, and up to `held_back` that score
        above the last one shown (above nothing, when nothing passes) but break a constraint, best first, each with
        the constraints it breaks. `mode` "dense" or "lexical" ranks by that signal alone (the benchmark's
        baselines)."""
        s = self.settings
        # BM25 reads the learner's own words only: appending gap-skill labels measured worse (nDCG@10 0.784 vs
        # 0.795), since a goal matched to the wrong occupation then drags its vocabulary into the query too.
        written = language.detect(gap.goal)
        english = not written or "en" in written  # too short to tell reads as English, as before
        dense, lexical, topic = self.relevance_parts(goal_vector, gap.about, english, written)
        relevance = self.relevance(dense, lexical, mode, english, written)
        on_topic = np.ones(len(topic), dtype=bool)
        if mode is None:
            on_topic &= (topic >= s.relevance_floor) & (relevance >= s.relative_floor)
        eligible = np.asarray(
            [
                i
                for i, c in enumerate(self.catalog.credentials)
                if on_topic[i] and not violations(c, constraints, self.catalog, today, per_credential_price)
            ],
            dtype=np.int64,
        )
        per_gap, best_outcome = self._gap_matrix(gap, english)  # credentials x gaps
        weights = np.asarray([t.weight for t in gap.gaps], dtype=np.float32)
        total_weight = float(weights.sum())
        coverage = (per_gap @ weights) / total_weight if total_weight else np.zeros(len(self.catalog))
        redundancy = self._redundancy(gap)
        unpreferred = None
        foreign = np.zeros(len(self.catalog), dtype=bool)
        if mode in ("dense", "lexical"):
            score = relevance
        else:
            score = s.relevance_weight * relevance + s.coverage_weight * coverage - s.redundancy_penalty * redundancy
            boost = s.language_boost if english else s.language_boost_other
            if boost and not constraints.languages:
                # The languages the learner can study in: those the goal asks for, else the one it is written in,
                # and any the front end passes (the page's language).
                shown_languages = (frozenset(gap.taught_in) or written) | study_languages
                preference = np.maximum(
                    self._taught_in(language.readable(shown_languages)),
                    s.likely_share * self._taught_in(language.likely_readable(shown_languages)),
                )
                unpreferred = score
                score = score + boost * preference
                foreign = self._taught_in(language.readable(shown_languages)) == 0
        order = eligible[np.lexsort((np.asarray([self.catalog.credentials[i].id for i in eligible]), -score[eligible]))]
        shown = order[:limit]
        held: list[HeldBack] = []
        if held_back:
            floor = float(score[shown[-1]]) if limit and len(shown) == limit else -np.inf
            left_out = on_topic.copy()  # off-topic credentials are not "closer matches", whatever their score
            left_out[eligible] = False
            above = np.flatnonzero(left_out & (score > floor))
            for i in above[np.argsort(-score[above], kind="stable")][:held_back]:
                c = self.catalog.credentials[i]
                reasons = violations(c, constraints, self.catalog, today, per_credential_price)
                held.append(HeldBack(c, float(score[i]), tuple(reasons)))
            if unpreferred is not None and len(held) < held_back and len(shown) == limit:
                # Closer matches that the learner's languages pushed below the list: say so, as for a limit.
                passed_over = np.setdiff1d(eligible, shown)
                closer = passed_over[unpreferred[passed_over] > unpreferred[shown[-1]]]
                for i in closer[np.argsort(-unpreferred[closer], kind="stable")][: held_back - len(held)]:
                    c = self.catalog.credentials[i]
                    held.append(HeldBack(c, float(unpreferred[i]), (taught_in(c),)))
        results = []
        for i in shown:
            credential = self.catalog.credentials[i]
            matches, covers, uncovered = self._explain(i, gap, per_gap[i], best_outcome[i], goal_vector)
            results.append(
                RankedCredential(
                    credential,
                    float(score[i]),
                    float(relevance[i]),
                    float(coverage[i]),
                    float(redundancy[i]),
                    matches,
                    covers,
                    uncovered,
                    credential.languages if foreign[i] and credential.languages else (),
                )
            )
        loosen = self._loosen(on_topic, eligible, constraints, today, per_credential_price, limit)
        return Ranking(results, held, len(eligible), loosen)

    def _loosen(
        self,
        on_topic: np.ndarray,
        eligible: np.ndarray,
        constraints: Constraints,
        today: dt.date,
        per_credential_price: bool,
        limit: int,
    ) -> tuple[Loosening, ...]:
        """For a list shorter than asked: per limit, how many more on-topic credentials dropping it would list."""
        if len(eligible) >= limit:
            return ()
        left = np.flatnonzero(on_topic)
        left = left[~np.isin(left, eligible)]
        if not len(left):
            return ()
        out: list[Loosening] = []
        blank = Constraints()
        for name in (f.name for f in dataclasses.fields(Constraints)):
            if name in ("currency", "accept_unstated_price") or getattr(constraints, name) == getattr(blank, name):
                continue
            looser = dataclasses.replace(constraints, **{name: getattr(blank, name)})
            if name in ("max_price", "free_only"):
                looser = dataclasses.replace(looser, max_price=None, free_only=False)
            more = sum(
                1
                for i in left
                if not violations(self.catalog.credentials[i], looser, self.catalog, today, per_credential_price)
            )
            if more:
                out.append(Loosening(name, min(more, limit - len(eligible))))
        return tuple(sorted(out, key=lambda x: (-x.more, x.limit)))

    def _taught_in(self, languages: frozenset[str]) -> np.ndarray:
        out = np.zeros(len(self.catalog), dtype=np.float32)
        for lang in languages & self._taught.keys():
            np.maximum(out, self._taught[lang], out=out)
        return out

    def _gap_matrix(self, gap: GapAnalysis, english: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Per credential and gap skill: how well its best outcome covers the skill (1.0 for an explicit ESCO
        link), and which outcome that is (row into the outcome table). `english`: the goal is, so outcomes written
        in other languages are also read through their skills' labels."""
        n, g = len(self.catalog), len(gap.gaps)
        if not g or not len(self._outcome_rows):
            return np.zeros((n, g), dtype=np.float32), np.zeros((n, g), dtype=np.int64)
        s = self.settings
        gap_vectors = np.vstack([self.skill_vector(t.uri) for t in gap.gaps])  # type: ignore[operator]
        # Score every row, then pick the outcomes: cheaper than gathering the outcome vectors first.
        sims = calibrate((self.index.vectors @ gap_vectors.T)[self._outcome_rows], s.sim_low, s.sim_high)
        if english and len(self._bridge_rows):
            bridged = calibrate(self._bridge_vectors @ gap_vectors.T, s.sim_low, s.sim_high)
            sims[self._bridge_rows] = np.maximum(sims[self._bridge_rows], bridged)
        for col, target in enumerate(gap.gaps):
            linked = self._linked.get(target.uri)
            if linked is not None:
                sims[linked, col] = 1.0
        per_gap = np.zeros((n, g), dtype=np.float32)
        best = np.zeros((n, g), dtype=np.int64)
        starts = self._outcome_starts
        block_max = np.maximum.reduceat(sims, starts, axis=0)
        per_gap[self._outcome_owners] = block_max
        # Argmax within each credential's block: the first row of the block that reaches the block's maximum.
        block_of_row = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(sims))))
        rows = np.where(sims == block_max[block_of_row], np.arange(len(sims))[:, None], len(sims))
        best[self._outcome_owners] = np.minimum.reduceat(rows, starts, axis=0)
        return per_gap, best

    def _redundancy(self, gap: GapAnalysis) -> np.ndarray:
        """Share of each credential's outcomes that teach what the learner already knows."""
        n = len(self.catalog)
        if not gap.known or not len(self._outcome_rows):
            return np.zeros(n, dtype=np.float32)
        known_vectors = np.vstack([self.skill_vector(k.uri) for k in gap.known])  # type: ignore[operator]
        known = (self.index.vectors @ known_vectors.T).max(axis=1)[self._outcome_rows] >= self.settings.known_threshold
        for k in gap.known:
            linked = self._linked.get(k.uri)
            if linked is not None:
                known[linked] = True
        out = np.zeros(n, dtype=np.float32)
        counts = np.diff(np.append(self._outcome_starts, len(known)))
        out[self._outcome_owners] = np.add.reduceat(known.astype(np.float32), self._outcome_starts) / counts
        return out

    def _explain(
        self, i: int, gap: GapAnalysis, per_gap: np.ndarray, best_outcome: np.ndarray, goal_vector: np.ndarray
    ) -> tuple[tuple[OutcomeMatch, ...], tuple[str, ...], tuple[TargetSkill, ...]]:
        s = self.settings
        matches: list[OutcomeMatch] = []
        covers: list[str] = []
        uncovered: list[TargetSkill] = []
        for g, target in enumerate(gap.gaps):
            score = float(per_gap[g])
            if score >= s.explain_threshold:
                position = self._outcome_position[best_outcome[g]]
                outcome = self.catalog.credentials[i].learning_outcomes[position]
                via = "ESCO link" if target.uri in outcome.skills else "meaning"
                matches.append(OutcomeMatch(outcome.text, target.label, target.uri, round(score, 3), via))
                covers.append(target.uri)
            else:
                uncovered.append(target)
        rows = self.index.rows_of.get(self.catalog.credentials[i].id, [])
        outcome_rows = [r for r in rows if self.index.entries[r].kind == "outcome"]
        if outcome_rows:
            goal_sims = self.index.vectors[outcome_rows] @ goal_vector
            best = int(np.argmax(goal_sims))
            text = self.catalog.credentials[i].learning_outcomes[self.index.entries[outcome_rows[best]].position].text
            matches.append(OutcomeMatch(text, "goal", None, round(float(goal_sims[best]), 3), "meaning"))
        matches.sort(key=lambda m: -m.score)
        return tuple(matches[:6]), tuple(covers), tuple(uncovered)


def _document(credential: Credential) -> str:
    titles = [credential.title, *(t.title for t in credential.texts if t.title)]
    return " ".join(
        [
            *titles,
            *titles,
            credential.description,
            *(o.text for o in credential.learning_outcomes),
            *(t.description or "" for t in credential.texts),
            *(text for t in credential.texts for text in t.learning_outcomes),
        ]
    )


def ranked_ids(results: Sequence[RankedCredential]) -> list[str]:
    return [r.credential.id for r in results]
