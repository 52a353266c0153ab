"""Events: who did what to whom, coded with CAMEO and PLOVER (ANNOTATION.md §2, §4).

Each sentence is read through its dependency parse. A *trigger* — a verb of the
lexicon ("urged", "shelled"), or an event noun after a light verb ("expressed
condolences", "conducted strikes") or with its own agent ("the attack by
gunmen") — opens a frame. The frame's sources are the trigger's subject (or the
agent of a passive, the possessor of a noun, the speaker of a quote), its
targets the object or the recipient named by a preposition; compound actors give
one event per pair. The complement's words pick the sense and, for appeals,
demands, intents, threats and violence, the sub-code. Negation ("did not",
"denied", "refused to"), modality and attribution (who says so, and how) are read
from the words governing the trigger. The same action stated twice is one event.

News states many acts only in passing, so some frames come from the story rather than
the clause: a party that opens with its claim that the other side attacked it accuses
that side; 'each side accused the other' and 'the two armies' name the conflict's two
sides; fire 'from across the line', a passive arrest with no agent or an air strike
with none are laid to the side that does such things in the story; a charge the
accused rejects leaves its act reported as denied; a refusal stated as a stand ('will
not negotiate') is a rejection, not a negated act.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from flashpoint.extract.actors import ActorIndex
from flashpoint.extract.casualties import casualties, revised_toll
from flashpoint.extract.dates import DateMention, date_mentions, event_date
from flashpoint.extract.places import PlaceMention, country_location, place_mentions
from flashpoint.gazetteer import default_kb
from flashpoint.model import ActorRef, Attribution, Event, Evidence, Location, Plover, stable_id
from flashpoint.ontology import describe, is_code
from flashpoint.ontology.triggers import WORDS, Lexicon, Sense, lexicon

_SUBJ = ("nsubj", "nsubjpass", "csubj")
_RECIPIENT_PREPS = ("with", "to", "on", "at", "against", "toward", "towards", "upon")
_PROTEST_PREPS = (*_RECIPIENT_PREPS, "outside")  # 'rallied outside the French embassy'
_VIOLENT_PREPS = ("at", "on", "against", "into", "upon")
_CONVERSATION = re.compile(r"^(call|phone|talk|meeting|conversation|discussion|conference|"
                           r"telephone|readout|exchange)s?$")
_PHONE = re.compile(r"\b(phone|telephone|call|calls|called|calling|video link|spoke by)\b",
                    re.I)
_REPORTING = WORDS["reporting"]
_NEGATORS = WORDS["negators"]
_CONTENT_HOSTS = {"appeal", "demand", "intent", "threaten", "reject"}
_FUTURE = {"will", "would", "shall", "'ll"}
_STANCE_AUX = _FUTURE | {"wo", "ca", "can", "does", "do"}  # 'won't', 'can't', 'does not'
_COOPERATIVE_ROOTS = {"03", "04", "05", "06", "07", "08"}
_HYPOTHETICAL = {"could", "might", "may"}
_HYPOTHETICAL_HEADS = {"if", "unless", "whether"}
_SIDE_CLAUSES = {"while", "whereas", "as", "after", "when", "because", "although", "though",
                 "before", "since"}
_GROUP_REFS = re.compile(r"^(both|the two)\s+(leaders|sides|countries|nations|parties|"
                         r"governments|neighbours|neighbors|men|ministers|presidents|armies)$",
                         re.I)
_SOCIAL = re.compile(r"\b(twitter|telegram|facebook|instagram|x\.com|social media|"
                     r"post on x|on x\b|tweet|truth social|weibo|whatsapp)", re.I)
_STATE_MEDIA = re.compile(r"\b(state-run|state media|state television|state tv|"
                          r"news agency|state-owned)", re.I)
_STATEMENT = re.compile(r"\b(statement|readout|communique|press release)\b", re.I)
_PRESS = re.compile(r"\b(reporters|press conference|news conference|journalists|briefing)\b",
                    re.I)
_CLAIM_VERBS = WORDS["claim_verbs"]
_FIRST_PERSON = {"i", "we"}
_STATE_SECTORS = {"GOV", "MIL", "COP", "SPY"}
_NATIONS = {"country", "nation", "neighbour", "neighbor", "government", "side"}
_ARMED = {"army", "military", "force"}
_EACH_SIDE = re.compile(r"^each\s+(side|country|army|party|government|camp)$", re.I)
_CHARGES = {"charge", "allegation", "accusation", "claim"}
_CHARGE_DENIALS = {"reject", "deny", "dismiss", "refute", "rebut"}
_REPORTED_PRONOUNS = {"it", "they"}  # 'the ministry said it had …'
_POSSESSIVE_PRONOUNS = {"its", "their"}
_MISSIONS = {"embassy", "mission", "consulate", "high commission"}
_BELONGING = WORDS["belonging"]
_ROLE_NOUNS = WORDS["role_nouns"]
_CIVILIAN_NOUNS = WORDS["civilian_nouns"]
_MILITARY_NOUNS = WORDS["military_nouns"]
_SUSPECT_NOUNS = WORDS["suspect_nouns"]
_ACT_NOUNS = WORDS["act_nouns"]
_TOLL_VERBS = WORDS["toll_verbs"]
_VICTIM_VERBS = WORDS["victim_verbs"]
_WEAPON_NOUNS = re.compile(r"^(" + "|".join(sorted(WORDS["weapon_nouns"])) + r")s?$")
_PASSAGES = WORDS["passages"]
_MEASURES = WORDS["measures"]
_PROPOSALS = WORDS["proposals"]
_CLOSURES = {"close", "shut", "seal", "reopen"}
_EXECUTIONS = {"execute", "execution"}
_PARTS = WORDS["part_nouns"]
_FORCES = {"force", "fighter", "mercenary", "unit", "army", "troops", "forces", "units", "jet",
           "warplane", "aircraft", "warship", "gunboat", "artillery", "gunner", "sniper"}
_AMOUNTS = WORDS["amount_nouns"]
_LOCATIVE = {"in", "at", "near", "from", "to", "into", "across", "over", "on", "inside", "outside"}
_GATHERING_CODES = {"040", "042", "043", "044", "045", "046", "036", "057", "030", "031", "039"}
_MATERIAL_ROOTS = {"06", "07", "08", "14", "15", "17", "18", "19", "20"}
# Occasions and audiences that place what is said or agreed at them ('after talks in Doha',
# 'speaking to reporters in Geneva'); talks one calls 'for' are yet to happen.
_OCCASIONS = {"meeting", "talks", "talk", "summit", "conference", "session", "ceremony",
              "rally", "gathering", "briefing", "forum", "sideline", "end", "close", "visit",
              "negotiation"}
_AUDIENCES = {"reporter", "journalist", "audience", "crowd", "supporter", "lawmaker"}
_ON_PLACES = {"island", "outskirts", "coast", "shore", "peninsula", "frontline"}
_PLACES_OF = _ON_PLACES | {"city", "town", "village", "port", "capital"}  # 'the island of …'


@dataclass
class _Frame:
    trigger: Token
    anchor: Token  # the verb whose subject and clause the event takes
    sense: Sense
    code: str
    sources: list[ActorRef]
    targets: list[ActorRef | None]
    own: set[int]  # token indices of the event's own clause
    complement: set[int]  # token indices after the trigger: what the action is about
    negated: bool = False
    modality: str = "asserted"
    attribution: Attribution | None = None
    evidence: Span | None = None
    date: DateMention | None = None
    location: Location | None = None
    killed: int | None = None
    injured: int | None = None
    explicit_target: bool = False
    mutual: bool = False  # 'accused each other': each source acts on the others


QuoteSpeaker = Callable[[Token], ActorRef | None]


def events(doc: Doc, *, article_id: str, actors: ActorIndex, published: date | None,
           dateline: tuple[int, int] | None = None,
           quote_speaker: QuoteSpeaker | None = None, title_end: int = 0) -> list[Event]:
    """Code every event of a parsed article.

    Args:
        doc: the parsed article (title line first).
        article_id: id of the article, for event ids.
        actors: the article's resolved actors.
        published: publication date, against which dates resolve.
        dateline: character span of the dateline, never an event location.
        quote_speaker: who speaks at a token inside a quotation, if anyone.
        title_end: where the headline ends (0 when there is none).

    Returns:
        The article's events, one per (source, target, action, date).
    """
    coder = _Coder(doc, actors, published, dateline, quote_speaker or (lambda _t: None))
    frames = list(coder.frames())
    return [e for e in _deduplicate(_to_events(frames, article_id=article_id), title_end)
            if e.target is None or e.source is None or e.target.name != e.source.name]


class _Coder:
    def __init__(self, doc: Doc, actors: ActorIndex, published: date | None,
                 dateline: tuple[int, int] | None, quote_speaker: QuoteSpeaker) -> None:
        self.doc, self.actors, self.published = doc, actors, published
        self.dateline, self.quote_speaker = dateline, quote_speaker
        self.lex: Lexicon = lexicon()
        self.kb = default_kb()
        self.focus = actors.focus  # 'Gombe' in a Congo story is Kinshasa's
        self.partner: dict[str, list[ActorRef]] = {}  # source name -> current interlocutors
        self.narrative_date: DateMention | None = None
        self.last_violent: _Frame | None = None
        self.violence: list[_Frame] = []  # every act of violence so far, with its author
        self.last_of_code: dict[str, _Frame] = {}  # the last arrest, raid … and who did it
        self.last_material: _Frame | None = None
        self.narrative_place: Location | None = None
        self.last_parties: list[ActorRef] = []
        self._denials: list[_Frame] = []
        self._leading: list[str] | None = None  # the story's two main countries, once counted
        self._dates: dict[int, list[DateMention]] = {}
        self._places: dict[int, list[PlaceMention]] = {}

    # -- per sentence -------------------------------------------------------
    def frames(self) -> Iterator[_Frame]:
        sents = list(self.doc.sents)
        # Dated over the whole text, so 'later in the day' finds the day named before.
        mentions = date_mentions(self.doc, self.published) if self.published else []
        for sent in sents:
            self._dates[sent.start] = [m for m in mentions
                                       if sent.start_char <= m.start < sent.end_char]
        finished: list[_Frame] = []
        for sent in sents:
            self._places[sent.start] = [
                p for p in place_mentions(sent, exclude=self.dateline, country=self.focus)
                if not self._names_actor(p)]
        # Until the story names a place, it happens where the story first places anything.
        self.narrative_place = next((p.location for sent in sents
                                     for p in self._places[sent.start]
                                     if self._story_place(p)), None)
        for sent in sents:
            finished.extend(self._code_sentence(sent))
            self._advance_place(sent)
            toll = revised_toll(sent)
            if toll.killed is not None and self.last_violent is not None:
                self.last_violent.killed = toll.killed
            self._advance_narrative_date(sent)
        for frame in finished:
            yield from self._expand(frame)
        yield from self._denials


    def _code_sentence(self, sent: Span) -> list[_Frame]:
        """The frames one sentence states, filled in."""
        found = [f for f in (self._frame(t) for t in sent) if f is not None]
        at = {f.trigger.i for f in found}
        # 'expressed support for dialogue': the verb's reading wins over its object's.
        found = [f for f in found if f.anchor.i == f.trigger.i or f.anchor.i not in at]
        kept = [f for f in found if not self._is_content_of_other(f, found)
                and not self._suppressed(f)]
        independent = {f.trigger.i for f in kept} | {f.anchor.i for f in kept}
        violent_at = tuple(f.trigger.i for f in kept if _is_violent(f))
        for frame in kept:
            self._finish(frame, sent, independent, violent_at)
        out = self._fold_tolls(kept)
        out.extend(self._calls_stated(kept))
        out.extend(self._reported_accusations(kept, sent))
        for accusation, act in self._rejected_charges(kept, found, sent):
            self._finish(act, sent, independent, violent_at, sources=accusation.targets)
            act.negated = True
            out.append(act)
        return out

    def _rejected_charges(self, kept: list[_Frame], found: list[_Frame],
                          sent: Span) -> Iterator[tuple[_Frame, _Frame]]:
        """'X accused the army of bombing homes, a charge the military rejected': the act
        alleged, which its alleged author denies, is reported as denied."""
        if not any(_rejects_charge(t) for t in sent):
            return
        for accusation in kept:
            if accusation.code[:3] != "112" or not accusation.targets or \
                    accusation.targets[0] is None:
                continue
            for act in found:
                if act not in kept and act.trigger.i in accusation.complement and (
                        _is_violent(act) or act.code[:2] in _MATERIAL_ROOTS):
                    yield accusation, replace(act)

    def _calls_stated(self, frames: list[_Frame]) -> list[_Frame]:
        """'Lula urged Maduro in a phone call': the call is an event of its own (041)."""
        calls = []
        for frame in frames:
            if not frame.sense.verbal or frame.code[:2] == "04" or not frame.targets:
                continue
            if any(self.doc[i].lemma_ in ("call", "conversation") and self.doc[i].dep_ == "pobj"
                   and self.doc[i].head.lower_ in ("in", "during") for i in frame.own):
                sense = Sense(code="041", verbal=True)
                calls.append(replace(frame, code="041", sense=sense))
        return calls

    def _reported_accusations(self, frames: list[_Frame], sent: Span) -> list[_Frame]:
        """'Kabul's spokesman said Pakistani forces had fired on Afghan guards': a party
        that opens with its own claim that the other side attacked it accuses that side
        (112), besides the attack it reports. A source cited after the fact ('…, the
        ministry said') only attributes the report."""
        out = []
        for frame in frames:
            if not _is_violent(frame) or frame.negated or frame.modality != "asserted":
                continue
            source = frame.sources[0] if frame.sources else None
            target = frame.targets[0] if frame.targets else None
            verb = _reporting_verb(frame.anchor)
            if source is None or target is None or verb is None or verb.i > frame.anchor.i:
                continue
            reporter = next((r for r in self._subject_actors(verb) if r.country), None)
            if reporter is None or reporter.country == source.country or \
                    reporter.country != target.country or source.country is None:
                continue
            sense = Sense(code="112", verbal=True)
            accusation = replace(frame, trigger=verb, anchor=verb, sense=sense, code="112",
                                 sources=[reporter], targets=[source], explicit_target=True,
                                 modality="asserted", attribution=None, location=None,
                                 killed=None, injured=None)
            accusation.date = self._date(accusation, sent)
            out.append(accusation)
        return out

    def _fold_tolls(self, frames: list[_Frame]) -> list[_Frame]:
        """Killings stated without a killer belong to the violence that caused them.

        '49 soldiers had been killed after troops attacked positions' is one attack
        with 49 dead; 'the fighting has killed 600 people' adds a toll to the
        fighting already reported.
        """
        out: list[_Frame] = []
        violent = [f for f in frames if _is_violent(f) and f.sources]
        for frame in frames:
            if not (_is_violent(frame) and frame.trigger.lemma_ in _TOLL_VERBS):
                out.append(frame)
                continue
            subject = next((c for c in frame.anchor.children if c.dep_ == "nsubj"), None)
            by_event = subject is not None and subject.lemma_.lower() in self.lex.nouns
            if frame.sources and not by_event:
                out.append(frame)
                continue
            into = next((f for f in violent if f is not frame), None)
            if into is None and by_event:  # 'the strikes killed five': the strikes told of
                into = next((f for f in reversed(self.violence)
                             if f.trigger.lemma_ == subject.lemma_), None)
            if into is None:  # 'One officer was killed.' after the ambush it belongs to
                into = self.last_violent
            if into is None:
                out.append(frame)
                continue
            if by_event and not violent and (_indefinite(subject) or self._dated_apart(
                    frame, into)):
                # 'Last October, an air strike on a concert killed 60 people': another act
                # of the kind told before, by the same hand, with its own toll
                act = self._like_act(frame)
                if act is not None:
                    out.append(act)
                continue
            into.killed = into.killed if into.killed is not None else frame.killed
            into.injured = into.injured if into.injured is not None else frame.injured
            two_sides = into.sense.reciprocal and len(into.sources) >= 2
            own = {s.country for s in into.sources} & {t.country for t in frame.targets if t}
            open_target = not into.targets or into.targets == [None] or (
                not into.explicit_target and bool(frame.targets) and not own)
            if not two_sides and open_target:
                into.targets = frame.targets  # the dead say whom it hit
        return out

    def _dated_apart(self, frame: _Frame, other: _Frame) -> bool:
        """Whether ``frame``'s own sentence dates it to another day than ``other``."""
        stated = frame.evidence is not None and frame.date in self._dates.get(
            frame.evidence.start, [])
        return stated and other.date is not None and frame.date is not None and \
            frame.date.date != other.date.date

    def _like_act(self, toll: _Frame) -> _Frame | None:
        """A toll of its own, by whoever last carried out violence with the same arms
        (an air strike after air strikes), if anyone did."""
        for earlier in reversed(self.violence):
            act = replace(toll, sources=list(earlier.sources))
            act.code = self._violence_code(act) if act.sense.code == "violence" else act.code
            if act.code == earlier.code:
                return act
        return None

    def _advance_place(self, sent: Span) -> None:
        """The place the story is about: the last specific place named so far."""
        for p in self._places.get(sent.start, []):
            if self._story_place(p):
                self.narrative_place = p.location

    def _names_actor(self, place: PlaceMention) -> bool:
        """'Hamas' is a group, not the German village of that name."""
        span = self.doc.char_span(place.start, place.end, alignment_mode="expand")
        mention = self.actors.mention_at(span.root) if span is not None else None
        if mention is None or mention.kind not in ("org", "person", "group"):
            return False
        known = self.actors.builder(mention.key)
        return known.country is not None or known.sector is not None  # not a stray name

    def _story_place(self, place: PlaceMention) -> bool:
        """A specific place where things happen, not a government named by its capital."""
        token = self.doc.char_span(place.start, place.end, alignment_mode="expand")
        if token is not None and self.actors.ref_at(token.root) is not None and \
                token.root.dep_ in ("nsubj", "nsubjpass", "dobj", "conj", "poss", "compound"):
            return False  # 'Moscow and Kyiv signed': governments, not places
        return place.location.precision != "country" and place.location.country is not None

    def _advance_narrative_date(self, sent: Span) -> None:
        for mention in self._dates.get(sent.start, []):
            if mention.sets_reference and not self._in_quote(mention.start) and \
                    not self._backdrop(mention):
                self.narrative_date = mention

    def _backdrop(self, mention: DateMention) -> bool:
        """'Lula had urged Maduro last Saturday': a past perfect sets the scene; the
        story's own day stays where it was."""
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        node = span.root if span is not None else None
        for _ in range(4):
            if node is None or node.pos_ in ("VERB", "AUX"):
                break
            node = node.head if node.head.i != node.i else None
        return node is not None and node.tag_ == "VBN" and any(
            c.dep_ == "aux" and c.lower_ == "had" for c in node.children)

    def _in_quote(self, char: int) -> bool:
        token = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return token is not None and self.quote_speaker(token[0]) is not None

    # -- triggers ----------------------------------------------------------
    def _frame(self, token: Token) -> _Frame | None:
        if token.dep_ in ("amod", "compound"):
            return None  # 'attack helicopter': a modifier
        if token.i > 1 and token.nbor(-1).text == "-":  # 'test-fired', not 'Pakistan-occupied'
            key = f"{token.nbor(-2).lower_}-{token.lemma_.lower()}"
            sense = next(iter(self.lex.verbs.get(key, ())), None)
            return self._open(token, token, sense, _complement_text(token)) if sense else None
        if token.pos_ in ("VERB", "AUX"):
            if token.tag_ == "VBG" and token.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass"):
                # a gerund used as a noun: 'resorted to firing', 'Fighting between X and Y'
                frame = self._noun_frame(token)
                if frame is not None:
                    return frame
            return self._verb_frame(token)
        if token.pos_ in ("NOUN", "PROPN"):
            return self._noun_frame(token)
        if token.pos_ == "ADJ" and token.lower_ in ("ready", "willing", "prepared"):
            return self._readiness_frame(token)
        return None

    def _verb_frame(self, verb: Token) -> _Frame | None:
        lemma = verb.lemma_.lower()
        particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
        preps = [c.lower_ for c in verb.children if c.dep_ in ("prep", "agent")]
        keys = [k for k in ([f"{lemma} {particle}"] if particle else []) +
                [f"{lemma} {p}" for p in preps] + [lemma] if k in self.lex.verbs]
        if not keys:
            return None
        complement = _complement_text(verb)
        for key in keys:
            for sense in self.lex.verbs.get(key, ()):
                if sense.applies(complement) and (not sense.future or _future(verb)) and (
                        not sense.plural or self._several_subjects(verb)):
                    return self._open(verb, verb, sense, complement)
        return None

    def _several_subjects(self, verb: Token) -> bool:
        """'Misri and Baloch talked', 'the two sides talked': more than one actor acts."""
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        return sum(len(self._actors_of(s)) for s in subjects) >= 2

    def _noun_frame(self, noun: Token) -> _Frame | None:
        key = noun.lemma_.lower()
        if noun.i > 0 and f"{noun.doc[noun.i - 1].lower_} {key}" in self.lex.nouns:
            key = f"{noun.doc[noun.i - 1].lower_} {key}"
        senses = self.lex.nouns.get(key) or self.lex.nouns.get(noun.lower_)
        if not senses:
            return None
        host = _light_verb_host(noun, self.lex.light_verbs)
        complement = _complement_text(noun, host)
        for sense in senses:
            if not sense.applies(complement):
                continue
            if host is not None and (sense.light is None or sense.light.search(host.lemma_)):
                return self._open(noun, host, sense, complement)
            if sense.light_only or sense.light is not None or sense.verbal:
                continue
            if _noun_agent(noun) is not None or _between(noun) is not None:
                return self._open(noun, noun, sense, complement)
        return None

    def _readiness_frame(self, adj: Token) -> _Frame | None:
        xcomp = next((c for c in adj.children if c.dep_ == "xcomp"), None)
        if xcomp is None:
            return None
        sense = Sense(code="intent", verbal=True)
        return self._open(adj, adj.head if adj.dep_ == "acomp" else adj, sense,
                          _complement_text(adj))

    def _open(self, trigger: Token, anchor: Token, sense: Sense, complement: str) -> _Frame | None:
        code = self._code(trigger, anchor, sense, complement)
        if code is None:
            return None
        after = {i for i in _complement_tokens(anchor) | _complement_tokens(trigger)
                 if i > trigger.i}
        return _Frame(trigger=trigger, anchor=anchor, sense=sense, code=code, sources=[],
                      targets=[], own=_own_tokens(anchor, trigger), complement=after)

    def _code(self, trigger: Token, anchor: Token, sense: Sense, complement: str) -> str | None:
        if not sense.is_class:
            return sense.code if is_code(sense.code) else None
        if sense.code == "violence":
            return "190"  # refined once the source is known (_finish)
        topic = self.lex.topic(complement)
        if sense.topic_required and topic is None:
            return None
        if sense.code == "consult":
            return "041" if _PHONE.search(trigger.sent.text) else "040"
        code = self.lex.class_code(sense.code, topic)
        return code if is_code(code) else code[:3]

    # -- which triggers are events ----------------------------------------
    def _is_content_of_other(self, frame: _Frame, frames: list[_Frame]) -> bool:
        """Is this trigger part of another event rather than an event of its own?

        'urged Rwanda to *withdraw*': the withdrawal is what is asked. 'struck the
        port, *killing* three': the killing is the strike's toll. An event noun with
        its own agent ('the attack *by gunmen*') stays an event.
        """
        trigger = frame.trigger
        if _is_hypothetical(trigger) or _governed_by(trigger, _HYPOTHETICAL_HEADS):
            return True
        if frame.anchor.dep_ == "advcl" and _governed_by(frame.anchor, _SIDE_CLAUSES) and any(
                c.dep_ in _SUBJ for c in frame.anchor.children):
            return False  # 'praised Pakistan, while New Delhi rejected an offer': its own act
        hosts = {f.trigger.i: f for f in frames} | {f.anchor.i: f for f in frames}
        violent = frame.sense.code == "violence" or frame.code[:2] in ("18", "19", "20")
        own_agent = trigger.pos_ in ("NOUN", "PROPN") and _noun_agent(trigger) is not None
        has_subject = any(c.dep_ in _SUBJ and self.actors.ref_at(c) is not None
                          for c in frame.anchor.children)
        by_agent = any(c.dep_ == "agent" for c in frame.anchor.children)  # 'brokered by X'
        by_agent = by_agent or frame.anchor.dep_ == "relcl"  # 'the militants who attacked …'
        node = frame.anchor
        for _ in range(8):
            if node.dep_ == "ROOT" or node.head.i == node.i:
                return False
            node = node.head
            host = hosts.get(node.i)
            if host is None or host is frame:
                continue
            if node.lemma_.lower() in _NEGATORS:
                # 'refused to sign': reported, with its negation; but 'rejected an offer
                # to mediate' turns down an offer: the mediation is only what was offered
                return _through_proposal(frame.anchor, node)
            if host.sense.code in _CONTENT_HOSTS or host.code[:2] in (
                    "02", "03", "05", "10", "11", "12", "13"):
                # 'expressed support and encouraged talks' is two acts; 'agreed to restore
                # ties and to reopen the corridor' is one agreement
                joined = frame.anchor.dep_ == "conj" and frame.anchor.head.i == node.i
                return not joined and not by_agent
            if host.code[:2] in ("06", "07") and _purpose(frame.anchor):
                return True  # 'sent soldiers to fight alongside the rebels': what help is for
            host_violent = host.sense.code == "violence" or host.code[:2] in ("18", "19", "20")
            # 'stormed the town, killing 12': one act; 'stormed it, seizing 240 hostages':
            # an act with a code of its own (abduction, occupation) is an event too
            generic = frame.sense.code == "violence"
            if violent and generic and host_violent and not own_agent and not has_subject:
                return True
        return False

    def _suppressed(self, frame: _Frame) -> bool:
        """Questions, and event nouns that only point back ('the Indian strike followed')."""
        if frame.trigger.sent.text.rstrip().endswith("?"):
            return True
        trigger = frame.trigger
        if trigger.pos_ != "NOUN" or frame.anchor.i != trigger.i:
            return False
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in
                       trigger.children)
        said_more = any(c.dep_ in ("prep", "acl", "relcl") or c.ent_type_ in ("DATE", "TIME")
                        for c in trigger.children)
        return definite and not said_more

    # -- filling a frame ---------------------------------------------------
    def _finish(self, frame: _Frame, sent: Span, independent: set[int],
                violent_at: tuple[int, ...] = (), *,
                sources: list[ActorRef] | None = None) -> None:
        """Fill a frame: who, to whom, code, negation, date, place, toll.

        ``sources`` names the actors when the clause itself does not (an act the
        text alleges of someone); the story's memory is then left as it was.
        """
        anchor = frame.anchor
        other = {i for i in independent if i not in (frame.trigger.i, anchor.i)}
        frame.own = own = _exclude_nested(frame.own, other, self.doc)
        frame.sources = self._sources(frame) if sources is None else sources
        if not frame.sources and _agentless_passive(anchor) and frame.code in self.last_of_code:
            # 'Chow was detained at her home': by whoever made the arrests told before
            frame.sources = list(self.last_of_code[frame.code].sources)
        frame.targets, frame.explicit_target = self._targets(frame)
        if frame.sense.code == "violence":
            frame.code = self._violence_code(frame)
        if _is_violent(frame) and not frame.sources and _from_across(anchor):
            frame.sources = self._across_from(frame.targets)  # 'sniper fire from across the LoC'
        if _is_violent(frame):  # 'Baku denied targeting civilians': the state, by its forces
            frame.sources = [replace(s, sector=None) if s.sector == "GOV" else s
                             for s in frame.sources]
        frame.negated = _negated(frame.trigger) or _negated(anchor)
        if frame.negated and frame.code[:2] in _COOPERATIVE_ROOTS and _refusal(anchor):
            # 'Guyana will not negotiate', 'does not recognise the court': a refusal
            # stated as a stand is a rejection (12), not an act that failed to happen.
            topic = self.lex.topic(f"{frame.trigger.lower_} {_complement_text(anchor)}")
            frame.code, frame.negated = self.lex.class_code("reject", topic), False
            if not any(c.dep_ == "dobj" for c in anchor.children):
                frame.targets = frame.targets or self._other_side(frame)
        frame.modality = _modality(frame)
        if frame.modality == "threatened" and frame.code[:2] in ("18", "19", "20"):
            frame.code = "138"
        frame.attribution = self._attribution(anchor)
        frame.evidence = sent
        frame.date = self._date(frame, sent)
        frame.location = self._location(frame, own, sent)
        if self.focus and _is_violent(frame) and (
                frame.location is None or not frame.location.country):
            # 'militants attacked an army post': with no place of its own, a post or a
            # crowd hit is in the country the story is about
            frame.targets = [_located(t, self.focus) if t is not None and t.sector in (
                "CVL", "MIL", "COP") else t for t in frame.targets]
            frame.location = frame.location or _home_ground(frame)
        police = [s for s in frame.sources if s.sector == "COP" and s.country]
        if police:  # 'Police shot dead 13 people': the force's own residents
            frame.targets = [_located(t, police[0].country) if t and t.sector == "CVL" else t
                             for t in frame.targets]
        state = next((s.country for s in frame.sources if s.country and s.country != "IGO"), None)
        if state and frame.trigger.lemma_.lower() in _EXECUTIONS:
            # 'the Saudi execution of a Shia cleric': a state executes those in its hands
            frame.targets = [_located(t, state) for t in frame.targets]
        if frame.location is not None and frame.location.country:
            frame.targets = [_located(t, frame.location.country) for t in frame.targets]
            if frame.location is not self.narrative_place:
                frame.sources = [s if s.sector != "CVL" else _located(s, frame.location.country)
                                 for s in frame.sources]  # type: ignore[misc]
        if frame.code[:2] in ("18", "19", "20") or frame.sense.code == "violence":
            # A toll ('…, killing 11 civilians') belongs to the violence stated just
            # before it, whatever the parser hung it on.
            later = [i for i in violent_at if i > frame.trigger.i]
            end = min([sent.end, *later])
            span = self.doc[min(own | {anchor.i}):max(end, frame.trigger.i + 1)]
            counts = casualties(span)
            frame.killed, frame.injured = counts.killed, counts.injured
        if sources is None:
            self._remember(frame)

    def _remember(self, frame: _Frame) -> None:
        """What later sentences may point back to: the last violence, act, parties."""
        if _is_violent(frame) and frame.sources:
            self.last_violent = frame
            self.violence.append(frame)
        if frame.code[:2] == "17" and frame.sources:
            self.last_of_code[frame.code] = frame
        self._remember_partners(frame)
        self._deny_role(frame)
        if frame.code[:2] in _MATERIAL_ROOTS | {"15", "16"} and frame.sources:
            self.last_material = frame
        if frame.sense.reciprocal and len(frame.sources) >= 2:
            self.last_parties = list(frame.sources)
        elif frame.sense.reciprocal and frame.sources and frame.targets and frame.targets[0]:
            self.last_parties = [frame.sources[0], frame.targets[0]]

    def _violence_code(self, frame: _Frame) -> str:
        text = " ".join(t.lower_ for t in self.doc[frame.anchor.left_edge.i:
                                                    frame.anchor.right_edge.i + 1])
        complement = "".join(self.doc[i].text_with_ws for i in sorted(frame.complement)).lower()
        weapon = frame.sense.weapon or self.lex.weapon(complement) or \
            self.lex.weapon(frame.trigger.lower_) or self.lex.weapon(text)
        if weapon == "bomb" and "suicide" in text:
            weapon = "suicide"
        source = frame.sources[0] if frame.sources else None
        if source is not None and source.sector == "CVL":
            return "145"
        if source is not None and source.sector == "COP" and (
                "tear" in text or "water cannon" in text):
            return "175"
        state = source is not None and (source.sector in ("MIL", "GOV", "COP", "SPY", None)
                                        and source.country not in (None,))
        # Armed groups in combat with soldiers or police fight (19); on others they
        # assault (18). Bombs keep their own codes.
        combat = any(t is not None and t.sector in ("MIL", "COP") for t in frame.targets) \
            and weapon in (None, "gun", "artillery", "air")
        return self.lex.violence_code(weapon, state=state or combat)

    # -- who acts -------------------------------------------------------
    def _sources(self, frame: _Frame) -> list[ActorRef]:
        trigger, anchor = frame.trigger, frame.anchor
        nominal = trigger.pos_ in ("NOUN", "PROPN") or trigger.tag_ == "VBG"
        if nominal and anchor.i == trigger.i and (
                trigger.pos_ != "VERB" or _between(trigger) is not None):
            agent = _noun_agent(trigger) or _between(trigger)  # 'fighting between X and Y'
            return self._actors_of(agent) if agent is not None else []
        if trigger.i != anchor.i and trigger.pos_ in ("NOUN", "PROPN"):
            agent = _noun_agent(trigger)
            if agent is not None and agent.dep_ == "poss":
                found = self._actors_of(agent)
                if found:
                    return found
        return self._subject_actors(anchor)

    def _subject_actors(self, verb: Token, depth: int = 0) -> list[ActorRef]:
        if depth > 4:
            return []
        passive = any(c.dep_ == "nsubjpass" for c in verb.children) or (
            verb.tag_ == "VBN" and any(c.dep_ == "agent" for c in verb.children)) or \
            _headline_passive(verb)
        if passive:  # 'struck by Israel', 'a deal brokered by China'
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            return self._actors_of(pobj) if pobj is not None else []
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
        if subj is not None and subj.lower_ in _FIRST_PERSON:
            speaker = self.quote_speaker(subj)
            return [speaker] if speaker is not None else []
        if subj is not None:
            found = self._actors_of(subj)
            if not found and subj.lower_ in _REPORTED_PRONOUNS:
                found = self._reporter(verb, depth)
            if not found and _own_forces(subj):  # 'the ministry said its units fired'
                found = [replace(r, sector="MIL" if r.sector in (None, "GOV", "MIL") else
                                 r.sector) for r in self._reporter(verb, depth)]
            for other in (c for c in verb.children if c.dep_ == "nsubj" and c.i > subj.i):
                # 'Misri and Baloch talked', the parser giving each name its own subject
                found += [r for r in self._actors_of(other) if r not in found]
            if found or subj.lower_ not in ("who", "which", "that"):
                return found
        if verb.dep_ == "relcl":
            return self._actors_of(verb.head)
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":  # 'flew a drone before attacking'
            if verb.head.head.pos_ in ("NOUN", "PROPN"):
                return []  # 'the era of seizing power': no one in particular
            return self._subject_actors(verb.head.head, depth + 1)
        if verb.dep_ in ("conj", "xcomp", "advcl", "acl") and verb.head.i != verb.i:
            head = verb.head
            if verb.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN"):
                agent = _noun_agent(head)
                if agent is not None:
                    return self._actors_of(agent)
                if head.dep_ in ("dobj", "pobj") and self.actors.ref_at(head) is None:
                    # 'published a notice deploying the army': the one who published it
                    return self._subject_actors(head.head, depth + 1)
                return self._actors_of(head)
            return self._subject_actors(head, depth + 1)
        speaker = self.quote_speaker(verb)
        return [speaker] if speaker is not None else []

    def _reporter(self, verb: Token, depth: int) -> list[ActorRef]:
        """'The ministry said it had lodged a protest': 'it' is whoever reports the clause."""
        node = verb
        while node.dep_ == "conj" and node.head.i != node.i:
            node = node.head
        if node.dep_ != "ccomp" or node.head.pos_ not in ("VERB", "AUX"):
            return []
        return self._subject_actors(node.head, depth + 1)

    def _pronoun_owner(self, pronoun: Token, frame: _Frame) -> ActorRef | None:
        """Whose 'its'/'their' it is when the acting side is not meant: the subject of a
        clause above ('the ministry said Armenian forces fired on its positions')."""
        acting = {s.country for s in frame.sources}
        node = pronoun
        for _ in range(12):
            if node.head.i == node.i:
                return None
            node = node.head
            if node.pos_ not in ("VERB", "AUX"):
                continue
            subj = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            for ref in self._actors_of(subj) if subj is not None else []:
                if ref.country is not None and ref.country not in acting:
                    return ref
        return None

    def _actors_of(self, token: Token | None) -> list[ActorRef]:
        """Actors a noun phrase names, one per conjunct ('Egypt and Qatar')."""
        if token is None:
            return []
        whole = _partitive_whole(token) if self.actors.ref_at(token) is None else None
        if whole is not None:  # 'pockets of Congolese troops', '18 members of the delegation'
            return self._actors_of(whole)
        out: list[ActorRef] = []
        # 'X and Y' the parser hung one under the other: any actor with a 'cc' child.
        coordinated = [t for t in token.subtree if t.i != token.i and self.actors.ref_at(t)
                       and any(c.dep_ == "cc" for c in t.children)
                       ] if self.actors.ref_at(token) is not None else []
        if self._has_of_actor(token) or (
                self.actors.ref_at(token) and len(self._modifier_actors(token)) > 1):
            coordinated = []  # the modifiers name the parties ('Indian and Pakistani troops')
        for t in [token, *token.conjuncts, *coordinated]:
            several = self._modifier_actors(t) if self.actors.ref_at(t) else []
            if self._has_of_actor(t) or len(several) > 1:
                # 'the embassies of Rwanda, France and the US', 'US and British warships'
                sector = self.actors.ref_at(t).sector if self.actors.ref_at(t) else None
                for ref in several or self._modifier_actors(t):
                    ref = replace(ref, sector=ref.sector or sector)
                    if all(ref.name != r.name for r in out):
                        out.append(ref)
                continue
            group = self._group_reference(t)
            if group:
                out.extend(group)
                continue
            ref = self.actors.ref_at(t)
            if ref is not None and ref.country is None and ref.sector is None:
                ref = None  # a name we know nothing about ('the pilot's MiG-21 Bison')
            ref = ref or self._modifier_actor(t) or (  # 'Indian (shelling)', however parsed
                self._named_by(t) if t.dep_ in ("amod", "compound", "poss") or t.pos_ == "ADJ"
                else None)
            if ref is not None and all(ref.name != r.name for r in out):
                out.append(ref)
        return out

    def _has_of_actor(self, token: Token) -> bool:
        """'the embassies of Rwanda and France', 'diplomats from India and Pakistan'."""
        return token.lemma_.lower() in _BELONGING and any(
            c.dep_ == "prep" and c.lower_ in ("of", "from") and any(
                self.actors.ref_at(p) is not None for p in c.children if p.dep_ == "pobj")
            for c in token.children)

    def _modifier_actors(self, token: Token) -> list[ActorRef]:
        """'US and British warships', 'embassies of Rwanda, France and the US': each actor."""
        first = self._modifier_actor(token)
        if first is None:
            return []
        out = [first]
        for child in token.children:
            if child.dep_ in ("amod", "compound", "nmod", "poss") or (
                    child.dep_ == "prep" and _owner_prep(child, token)):
                heads = [child] if child.dep_ != "prep" else [
                    c for c in child.children if c.dep_ == "pobj"]
                for head in heads:
                    for conj in head.conjuncts:
                        ref = self._named_by(conj)
                        if ref is not None and all(r.name != ref.name for r in out):
                            sector = first.sector if ref.sector is None else ref.sector
                            out.append(replace(ref, sector=sector))
        return out

    def _named_by(self, token: Token) -> ActorRef | None:
        """The actor a modifier word names: a mention, or a bare demonym ('Armenian')."""
        ref = self.actors.ref_at(token)
        mention = self.actors.mention_at(token)
        if ref is not None and (mention is None or token.i == self.doc[
                mention.start:mention.end].root.i):
            return ref  # the word is the name itself, not a modifier inside a longer one
        org = self.kb.organisation(token.text)
        if org is not None and org.kind != "country":
            return ActorRef(org.name, token.text, org.country, org.sector, org.org)
        code = self.kb.demonym(token.text) or self.kb.country(token.text)
        if code:
            return ActorRef(token.text, token.text, code, ref.sector if ref else None)
        return ref

    def _modifier_actor(self, token: Token) -> ActorRef | None:
        """'US commitment', 'Trump's concern', 'embassies of Rwanda': the actor inside;
        'junta supporters', 'Hamas sympathisers' are civilians of that actor's country."""
        civilians = token.lemma_.lower() in _CIVILIAN_NOUNS and token.tag_ in ("NNS", "NNPS")
        for child in token.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod") and child.i < token.i:
                ref = self._named_by(child)
                if ref is not None:
                    sector = "GOV" if token.lemma_ in ("embassy", "mission", "consulate") \
                        else "CVL" if civilians else ref.sector
                    return replace(ref, sector=sector) if ref.sector is None or civilians \
                        else ref
        for prep in (c for c in token.children if c.dep_ == "prep" and _owner_prep(c, token)):
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                ref = self.actors.ref_at(pobj)
                if ref is not None:
                    sector = "GOV" if token.lemma_ in ("embassy", "mission", "consulate") \
                        else ref.sector
                    return replace(ref, sector=sector)
        return None

    def _plural_reference(self, token: Token) -> list[ActorRef]:
        """'killed three of them', 'arrested them': the group named last before."""
        pronoun = token
        if token.like_num or token.lower_ in ("some", "several", "many", "most", "all"):
            pronoun = next((p for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                            for p in c.children if p.dep_ == "pobj"), token)
        if pronoun.lower_ != "them":
            return []
        for m in reversed(self.actors.mentions):
            b = self.actors.builder(m.key)
            if m.end <= pronoun.sent.start and not b.person and b.sector and \
                    self.doc[m.start:m.end].root.tag_ in ("NNS", "NNPS"):
                return [ActorRef(b.name, self.doc[m.start:m.end].text, b.country, b.sector, b.org)]
        return []

    def _group_reference(self, token: Token) -> list[ActorRef]:
        """'both leaders', 'the two sides': the last two actors named before."""
        phrase = " ".join(t.text for t in token.subtree if t.dep_ not in ("punct",))
        if _EACH_SIDE.match(phrase):
            return self._sides()
        if not _GROUP_REFS.match(phrase):
            return []
        want_person = token.lemma_ in ("leader", "man", "minister", "president")
        partners = list(dict.fromkeys(r.country for r in self.last_parties if r.country))
        if token.dep_ in _SUBJ and len(partners) == 2 and token.lemma_ in _NATIONS:
            # 'the two countries said they would …': the two that last acted together
            return [self._country_actor(c) for c in partners]
        if token.lemma_ in _ARMED and self._sides(at_war=True):
            return self._sides(at_war=True)  # 'the two armies traded fire': the sides at war
        seen: list[ActorRef] = []
        for m in reversed(self.actors.mentions):
            if m.end > token.i:
                continue
            b = self.actors.builder(m.key)
            if want_person and not b.person:
                continue
            ref = ActorRef(b.name, token.doc[m.start:m.end].text, b.country, b.sector, b.org)
            if all(r.name != ref.name for r in seen):
                seen.append(ref)
            # 'the two leaders agreed': the last pair; 'he spoke to both leaders': the pair
            # before the speaker, whom the last three include
            if len(seen) == (2 if token.dep_ in _SUBJ else 3):
                break
        if len(seen) < 2 and not want_person:  # 'the two countries' before any is named
            return self._sides() or seen
        return seen

    def _sides(self, *, at_war: bool = False) -> list[ActorRef]:
        """The two sides of the conflict told so far ('each side accused the other'): the
        parties of the last act of violence, else (unless only armed sides are meant) the
        last two that acted together, else the two countries the story names most; each
        as its country."""
        done = self.last_violent
        pair = [done.sources[0], done.targets[0]] if done is not None and done.sources and \
            done.targets and done.targets[0] is not None else \
            [] if at_war else list(self.last_parties)
        countries = list(dict.fromkeys(r.country for r in pair if r.country))
        if len(countries) != 2:
            countries = self._story_countries()
        return [self._country_actor(c) for c in countries] if len(countries) == 2 else []

    def _story_countries(self) -> list[str]:
        """The two countries the article names most (each at least twice), if any."""
        if self._leading is None:
            counts: dict[str, int] = {}
            for mention in self.actors.mentions:
                country = self.actors.builder(mention.key).country
                if country and country != "IGO":
                    counts[country] = counts.get(country, 0) + 1
            ranked = sorted(counts, key=lambda c: -counts[c])[:2]
            self._leading = ranked if len(ranked) == 2 and counts[ranked[1]] >= 2 else []
        return self._leading

    def _across_from(self, targets: list[ActorRef | None]) -> list[ActorRef]:
        """Who fires 'from across the line' at a side: the other of the two sides."""
        hit = {t.country for t in targets if t is not None and t.country}
        sides = self._sides()
        if len(sides) != 2 or len(hit) != 1 or not hit & {s.country for s in sides}:
            return []
        return [s for s in sides if s.country not in hit]

    def _other_side(self, frame: _Frame) -> list[ActorRef]:
        """The side a party of the conflict acts on when the text names no one ('Guyana
        would not negotiate'): the other of the story's two sides."""
        sides = self._sides()
        home = {s.country for s in frame.sources}
        if len(sides) != 2 or not home & {s.country for s in sides}:
            return []
        return [s for s in sides if s.country not in home]

    def _country_actor(self, country: str) -> ActorRef:
        """The article's own name for a country as a whole ('Cambodia'), else its code."""
        for mention in self.actors.mentions:
            known = self.actors.builder(mention.key)
            if known.country == country and known.sector is None and not known.person:
                return ActorRef(known.name, known.name, country, None, None)
        whole = country_location(country)
        name = whole.name if whole is not None else country
        return ActorRef(name, name, country, None, None)

    # -- to whom -----------------------------------------------------------
    def _targets(self, frame: _Frame) -> tuple[list[ActorRef | None], bool]:
        if self._mutual_object(frame) and len(frame.sources) >= 2:
            frame.mutual = True  # 'each side accused the other', 'blamed one another'
            return [], False
        found = [t for t in self._explicit_targets(frame) if not self._own_side(frame, t)]
        if found:
            return list(found), True
        if frame.sense.reciprocal and len(frame.sources) >= 2:
            return [], False  # 'X and Y agreed to …': each to the other
        perpetrators = self._perpetrator_of_object(frame) or self._answered(frame)
        if perpetrators:
            return perpetrators, False
        if frame.code[:3] == "045" and self.last_parties:  # 'talks brokered by Qatar'
            return list(self.last_parties), False
        if frame.sense.target_in_complement or frame.code[:2] in ("02", "03", "07", "10", "11",
                                                                   "12"):
            inside = self._complement_actors(frame)
            if inside and not frame.sense.verbal:
                return list(inside[0]), False
            if inside and frame.sense.target_in_complement:
                return list(inside[0]), False
        if frame.sense.verbal:
            partners = [p for s in frame.sources for p in self.partner.get(s.name, [])] or \
                self._shared_recipient(frame)
            if partners:
                return partners, False
            inside = self._complement_actors(frame)
            if inside:
                return list(inside[0]), False
            return [], False
        if frame.code == "042":
            place = self._place_target(frame)
            if place is not None and all(place.country != s.country for s in frame.sources):
                return [place], False
        if frame.code[:2] in ("18", "19", "20", "17", "14"):
            victim = self._victims(frame)
            if victim:
                return victim, True
            place = self._place_target(frame)
            home = {s.country for s in frame.sources}
            if place is not None and (_is_violent(frame) or place.country not in home):
                return [place], False  # closing one's own crossing is no act on oneself
            if _is_violent(frame) and frame.sources:
                # 'Cambodia denied planting new mines': aimed, if at anyone, at the other side
                return self._other_side(frame), False
        return [], False

    def _shared_recipient(self, frame: _Frame) -> list[ActorRef]:
        """'raised the incident with the Pakistani side and lodged a strong protest': the
        one spoken with hears the second act too."""
        if frame.anchor.dep_ != "conj":
            return []
        for prep in frame.anchor.head.children:
            if prep.dep_ == "prep" and prep.lower_ in ("with", "to"):
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                found = [r for r in self._actors_of(pobj) if not self._own_side(frame, r)]
                if found:
                    return found
        return []

    def _deny_role(self, frame: _Frame) -> None:
        """'Pakistan has denied any role in the attack': the attack, negated, by the denier."""
        if frame.code != "016" or not frame.sources or self.last_violent is None:
            return
        deniers = frame.sources
        obj = next((c for c in frame.anchor.children if c.dep_ == "dobj"), None)
        clause = next((c for c in frame.anchor.children if c.dep_ == "ccomp"), None)
        if obj is None and clause is not None:  # 'denied that Serbia had any role in it'
            obj = next((c for c in clause.children if c.dep_ == "dobj"), None)
            subj = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            deniers = self._actors_of(subj) or deniers
        if obj is None or obj.lemma_.lower() not in _ROLE_NOUNS:
            return
        event_nouns = [t for t in obj.subtree if t.dep_ == "pobj" and (
            t.lemma_.lower() in self.lex.nouns or t.lemma_.lower() in _ACT_NOUNS)]
        if not event_nouns:
            return
        # the act whose author is in question: the last by unnamed or irregular attackers
        done = next((f for f in reversed(self.violence) if f.sources[0].country is None
                     or f.sources[0].sector in ("UAF", "REB")), self.last_violent)
        for source in deniers:
            self._denials.extend(self._expand(replace(
                done, sources=[source], negated=True, evidence=frame.evidence,
                date=done.date, attribution=frame.attribution)))

    def _perpetrator_of_object(self, frame: _Frame) -> list[ActorRef] | None:
        """'condemned the launch': whoever carried out the act reported before."""
        if not frame.sense.verbal or frame.code[:2] not in ("11", "12"):
            return None
        obj = next((c for c in frame.anchor.children if c.dep_ == "dobj"), None)
        if obj is None or obj.lemma_.lower() not in {*self.lex.nouns, *_ACT_NOUNS}:
            obj = next((self.doc[i] for i in sorted(frame.complement)
                        if self.doc[i].pos_ == "NOUN" and (
                            self.doc[i].lemma_.lower() in _ACT_NOUNS
                            or self.doc[i].lemma_.lower() in self.lex.nouns)), obj)
        if obj is not None and obj.lower_ in ("it", "this", "that") and self.last_material:
            return self._perpetrator(self.last_material)  # 'calling it a violation'
        if obj is None or self.actors.ref_at(obj) is not None:
            return None
        agent = _noun_agent(obj)
        if agent is not None and obj.dep_ != "poss":
            return self._actors_of(agent) or None
        if self._modifier_actor(obj):
            return None
        violent_noun = any(s.code == "violence" or s.code[:2] in ("17", "18", "19", "20")
                           for s in self.lex.nouns.get(obj.lemma_.lower(), ()))
        if not violent_noun and obj.lemma_.lower() not in _ACT_NOUNS:
            return None
        return self._perpetrator(self.last_material) if self.last_material else None

    def _answered(self, frame: _Frame) -> list[ActorRef]:
        """'would respond to any provocation by Armenia': a threat aimed at the author of
        the act it would answer."""
        if frame.code[:2] != "13":
            return []
        acts = [c for c in frame.anchor.children if c.dep_ == "dobj"] + [
            p for c in frame.anchor.children if c.dep_ == "prep" and c.lower_ in ("to", "against")
            for p in c.children if p.dep_ == "pobj"]
        for act in acts:
            agent = _noun_agent(act) if act.lemma_.lower() in {*self.lex.nouns, *_ACT_NOUNS} \
                else None
            found = self._actors_of(agent) if agent is not None else []
            if found:
                return found
        return []

    @staticmethod
    def _perpetrator(frame: _Frame) -> list[ActorRef] | None:
        """Who is blamed for an act: the state or group behind it, not its weapon or unit."""
        source = frame.sources[0] if frame.sources else None
        if source is None:
            return None
        return [replace(source, sector=None) if source.sector == "MIL" else source]

    def _own_side(self, frame: _Frame, target: ActorRef) -> bool:
        """'Rubio expressed US support': a source's own country is not its recipient."""
        for source in frame.sources:
            if source.name == target.name:
                return True
            if frame.code == "016" and source.country == target.country:
                return True  # 'denied sending soldiers': a denial answers someone else
            if source.country != target.country or not source.sector:
                continue
            if _is_violent(frame) and source.sector not in _STATE_SECTORS:
                continue  # rebels seizing a city of their own country act on it
            if target.sector is None or (frame.sense.verbal and target.sector == "CVL"):
                return True
            if frame.code[:2] == "13" and target.sector in _STATE_SECTORS and \
                    source.sector in _STATE_SECTORS:
                return True  # 'warned that North Korean forces could shoot': its own arm
            if frame.code[:2] == "15":  # 'deployed the army': one's own forces are no target
                return True
        return False

    def _explicit_targets(self, frame: _Frame) -> list[ActorRef]:
        anchor, trigger = frame.anchor, frame.trigger
        heads = [anchor] if anchor.i == trigger.i else [anchor, trigger]
        partners = self._conversation_in(frame)
        if partners:
            return partners
        if anchor.pos_ == "VERB" and any(c.dep_ == "nsubjpass" or (
                c.dep_ == "nsubj" and _headline_passive(anchor)) for c in anchor.children):
            subj = next(c for c in anchor.children if c.dep_ in ("nsubjpass", "nsubj"))
            if subj.lower_ in ("who", "which", "that") and anchor.dep_ == "relcl":
                subj = anchor.head  # 'Agnes Chow, who was detained at her home'
            return self._actors_of(subj) or self._object_actor(subj, frame)
        for head in heads:
            for child in head.children:
                if child.dep_ in ("dobj", "iobj", "dative") and child.i != trigger.i and (
                        child.pos_ != "ADJ" or _partitive_whole(child) is not None) \
                        and not self._is_weapon(child, frame):
                    refs = self._actors_of(child) or self._object_actor(child, frame)
                    if not refs and frame.sense.verbal:
                        refs = self._proposer(child)
                    if refs:
                        return refs
        objects = [c for c in anchor.children if c.dep_ == "dobj" and self.actors.ref_at(c) is None]
        for head in [*reversed(heads), *objects]:  # the event noun's own 'against X' first
            for prep in (c for c in head.children if c.dep_ in ("prep", "dative")):
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if pobj is None or pobj.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
                    continue
                word = prep.lower_
                if word == "of" and head.i == trigger.i and trigger.pos_ == "NOUN" and \
                        anchor.i == trigger.i:  # 'the expulsion of Russian diplomats'
                    refs = self._actors_of(pobj) or self._object_actor(pobj, frame)
                    if refs:
                        return refs
                if word == "of" and head.i == trigger.i and trigger.pos_ == "NOUN" and \
                        frame.sense.code == "violence":
                    refs = self._actors_of(pobj) or self._object_actor(pobj, frame)
                    if refs:
                        return refs
                if word == "between" and head.i == trigger.i:
                    refs = self._actors_of(pobj)
                    if refs:
                        return refs
                violent = frame.sense.code == "violence" or frame.code[:2] in ("18", "19", "20")
                preps = _VIOLENT_PREPS if violent else \
                    _PROTEST_PREPS if frame.code[:2] == "14" else _RECIPIENT_PREPS
                if violent and frame.sense.reciprocal:
                    preps = (*preps, "with")  # 'clashed with Congolese troops'
                if word in preps:
                    refs = self._actors_of(pobj) or self._object_actor(pobj, frame)
                    for other in prep.conjuncts:  # 'with Pashinyan and with Aliyev'
                        more = next((c for c in other.children if c.dep_ == "pobj"), None)
                        refs += [r for r in self._actors_of(more) if r not in refs]
                    if refs:
                        return refs
                if word == "for" and (frame.sense.code in ("appeal", "demand")
                                      or frame.code[:2] == "07"):  # 'aid for the people of X'
                    refs = self._actors_of(pobj)
                    if refs:
                        return refs
        return []

    @staticmethod
    def _mutual_object(frame: _Frame) -> bool:
        """Whether the object is the sources themselves: 'each other', 'the other'."""
        heads = {frame.anchor.i, frame.trigger.i}
        for i in frame.complement:
            token = frame.trigger.doc[i]
            near = token.head.i in heads or (token.head.dep_ == "prep" and
                                             token.head.head.i in heads)
            if near and token.dep_ in ("dobj", "pobj") and token.lemma_ in ("other", "another") \
                    and token.i > 0 and token.nbor(-1).lower_ in ("each", "the", "one"):
                return True
        return False

    def _proposer(self, noun: Token) -> list[ActorRef]:
        """Whose offer, call or plan it is: 'Trump's offer', 'an offer from Trump'."""
        poss = next((c for c in noun.children if c.dep_ == "poss"), None)
        if poss is not None:
            return self._actors_of(poss)
        if noun.lemma_.lower() not in _PROPOSALS:
            return []
        source = next((p for c in noun.children if c.dep_ == "prep" and c.lower_ in (
            "from", "by") for p in c.children if p.dep_ == "pobj"), None)
        return self._actors_of(source)

    def _is_weapon(self, token: Token, frame: _Frame) -> bool:
        """'fired water cannon', 'launched missiles': the means, not the target; 'closed
        the crossing', 'reopened its airspace': the thing closed, not the one it shuts out."""
        if frame.code in ("172", "081") and token.lemma_.lower() in _PASSAGES:
            return True
        if frame.code[:2] in ("16", "17") and token.lemma_.lower() in _MEASURES:
            return True  # 'imposed sanctions on Niger': the measure, not whom it hits
        if frame.code == "062" and token.lemma_.lower() in _MILITARY_NOUNS | _FORCES:
            return True  # 'sent soldiers to help them': the help, not its recipient
        if frame.sense.code != "violence" and frame.code[:2] not in ("15", "17", "18", "19",
                                                                    "20"):
            return False
        return bool(_WEAPON_NOUNS.search(token.lower_))

    def _conversation_in(self, frame: _Frame) -> list[ActorRef]:
        """'In his call with X, Rubio …', 'urges de-escalation in talks with X'."""
        anchor = frame.anchor
        scope = set(frame.own)
        if anchor.dep_ == "conj":  # '…, Rubio expressed support and encouraged efforts'
            scope |= {t.i for t in anchor.head.children if t.dep_ == "prep"
                      for t in t.subtree}
        for i in sorted(scope):
            t = self.doc[i]
            if t.dep_ == "pobj" and _CONVERSATION.match(t.lemma_) and t.head.lower_ in (
                "in", "during", "after", "at"
            ):
                refs = self._conversation_partners(t)
                if refs:
                    return refs
        return []

    def _conversation_partners(self, noun: Token) -> list[ActorRef]:
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("with", "to")):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return self._actors_of(pobj)
        return []

    def _object_actor(self, token: Token, frame: _Frame) -> list[ActorRef]:
        """A non-actor object of violence ('the port of Odesa', 'Armenian towns')."""
        if frame.code[:2] not in ("14", "16", "17", "18", "19", "20") and \
                frame.sense.code != "violence":
            return []
        if frame.code in ("172", "081") and frame.anchor.lemma_.lower() in _CLOSURES:
            return []  # 'closed its airspace to all flights': shut to no one in particular
        if token.tag_ in ("WDT", "WP"):  # 'every missile that we shoot down'
            verb = token.head
            return self._actors_of(verb.head) if verb.dep_ == "relcl" and verb.head.pos_ in (
                "NOUN", "PROPN") and self.actors.ref_at(verb.head) else []
        owned = self._owned_object(token, frame) or self._story_place_named(token) or \
            self._country_named(token, people=not _is_violent(frame))
        if owned is not None:
            return [owned]
        refs = self._modifier_actors(token) or self._plural_reference(token)
        if refs:
            text = " ".join(t.text for t in token.subtree if t.dep_ not in ("punct", "det"))
            return [replace(r, text=text) for r in refs]
        text = " ".join(t.text for t in token.subtree if t.dep_ != "punct" and
                        t.dep_ not in ("det",) and t.i >= token.left_edge.i)
        if token.dep_ == "conj":
            ref = self._modifier_actor(token.head)
            if ref is not None:
                return [ActorRef(text, token.text, ref.country, _victim_sector(token))]
        place = next((p for p in self._places.get(token.sent.start, [])
                      if token.left_edge.idx <= p.start < token.right_edge.idx + len(
                          token.right_edge)), None)
        country = place.location.country if place else None
        role = self.actors.ref_at(token)
        if role is not None:
            return [role]
        return [ActorRef(text, token.text, country, _victim_sector(token), None)]

    def _country_named(self, token: Token, *, people: bool) -> ActorRef | None:
        """A country named outright ('sanctions on Niger'), whatever the parser took it
        for; with ``people``, also its nationals ('sanctions against 11 Americans')."""
        code = self.kb.country(token.text) if token.pos_ == "PROPN" else None
        if code is None and people and token.tag_ in ("NNS", "NNPS"):
            code = self.kb.demonym(token.text)
            if code:
                text = " ".join(t.text for t in token.subtree if t.dep_ not in ("punct", "det"))
                return ActorRef(token.text, text, code, None, None)
        return self._country_actor(code) if code else None

    def _story_place_named(self, token: Token) -> ActorRef | None:
        """'seized most of the city': the city the story is about, when it names none."""
        noun = _partitive_whole(token) or token
        named = [p.location for p in self._places.get(token.sent.start, [])
                 if p.end <= token.idx and p.location.precision == "city"]
        place = named[-1] if named else self.narrative_place  # 'In Goma, …, the city'
        if place is None or noun.lemma_.lower() not in _PLACES_OF or not any(
                c.dep_ == "det" and c.lower_ == "the" for c in noun.children) or any(
                c.dep_ in ("prep", "compound", "amod", "poss") for c in noun.children):
            return None
        return ActorRef(place.name, noun.text, place.country, None, None)

    def _owned_object(self, token: Token, frame: _Frame) -> ActorRef | None:
        """'its positions', 'fifty of its servicemen', 'their embassy': people or places of
        the side a possessive pronoun points to, with the sector their noun implies."""
        noun = token
        if token.like_num or token.lower_ in ("some", "many", "several", "dozens", "most"):
            noun = next((p for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                         for p in c.children if p.dep_ == "pobj"), token)
        pronoun = next((c for c in noun.children if c.dep_ == "poss"
                        and c.lower_ in _POSSESSIVE_PRONOUNS), None)
        owner = self._pronoun_owner(pronoun, frame) if pronoun is not None else None
        if owner is None:
            return None
        text = " ".join(t.text for t in token.subtree if t.dep_ not in ("punct", "det"))
        sector = "GOV" if noun.lemma_ in _MISSIONS else _victim_sector(noun)
        return ActorRef(text, token.text, owner.country, sector, None)

    def _complement_actors(self, frame: _Frame) -> list[list[ActorRef]]:
        """The parties named inside the complement, in order, grouped by phrase: 'aid for
        the people of Turkiye and Syria' names two at once."""
        sources = {s.name for s in frame.sources}
        seen: set[str] = set()
        groups: list[list[ActorRef]] = []
        for t in sorted(frame.complement):
            token = self.doc[t]
            if _in_locative(token) or self._is_weapon(token, frame):
                continue  # 'agreed to meet again in Brazil', 'sent soldiers to help them'
            if any(c.dep_ == "poss" and c.pos_ == "PRON" for c in token.children):
                continue  # 'reopen their embassies': the subject's own
            if token.head.lower_ == "by" or (token.head.pos_ == "VERB" and token.dep_ in (
                    "npadvmod", "compound")):
                continue  # 'a deal brokered by China', 'China-brokered': a third party
            ref = self.actors.ref_at(token) or (  # 'any new Israeli attack'
                self._named_by(token) if token.dep_ in ("amod", "compound") else None)
            if ref is None:
                continue
            mention = self.actors.mention_at(token)
            if mention is not None:  # the phrase speaks through its head ('the people of …')
                token = self.doc[mention.start:mention.end].root
            several = self._has_of_actor(token) or any(c.dep_ == "conj" for c in token.children)
            group = [r for r in (self._actors_of(token) if several else []) or [ref]
                     if r.name not in sources and r.name not in seen
                     and not self._own_side(frame, r)]
            seen.update(r.name for r in group)
            if group:
                groups.append(group)
        return groups

    def _victims(self, frame: _Frame) -> list[ActorRef]:
        """'... killing 26 civilians': the people an attack killed or hurt."""
        for i in sorted(frame.own):
            t = self.doc[i]
            if t.lemma_ in _VICTIM_VERBS and t.i != frame.trigger.i:
                obj = next((c for c in t.children if c.dep_ in ("dobj", "nsubjpass")), None)
                if obj is not None and not _WEAPON_NOUNS.search(obj.lower_):
                    refs = self._actors_of(obj)
                    if refs:
                        return refs
                    return [self._victim_ref(obj, frame)]
        if frame.trigger.lemma_ in _VICTIM_VERBS | {"shoot"}:
            obj = next((c for c in frame.trigger.children if c.dep_ in (
                "dobj", "nsubjpass", "npadvmod", "oprd") and c.pos_ in ("NOUN", "PROPN")), None)
            if obj is not None and not _WEAPON_NOUNS.search(obj.lower_):
                return self._actors_of(obj) or [self._victim_ref(obj, frame)]
        return []

    def _victim_ref(self, token: Token, frame: _Frame) -> ActorRef:
        ref = self._modifier_actor(token)
        if ref is None and token.dep_ == "conj":  # 'Israeli women and children'
            ref = self._modifier_actor(token.head)
        text = " ".join(t.text for t in token.subtree if t.dep_ not in ("nummod", "quantmod",
                                                                         "punct", "det"))
        if ref is not None:
            return ActorRef(text, token.text, ref.country, _victim_sector(token) or ref.sector)
        country = frame.location.country if frame.location else None
        return ActorRef(text, token.text, country, _victim_sector(token), None)

    def _place_target(self, frame: _Frame) -> ActorRef | None:
        """Violence against a place, a visit to one: the country that holds it."""
        places = [p for p in self._places.get(frame.anchor.sent.start, [])
                  if any(self.doc[i].idx <= p.start < self.doc[i].idx + len(self.doc[i])
                         for i in frame.complement)]
        location = places[0].location if places else frame.location
        if location is None or location.country is None:
            return None
        return ActorRef(location.name, location.name, location.country, None)

    # -- context -------------------------------------------------------
    def _remember_partners(self, frame: _Frame) -> None:
        """Whom a source is talking to: later statements of theirs are addressed there."""
        partners = self._conversation_in(frame)
        if not partners and frame.code[:2] == "04" and frame.explicit_target:
            partners = [t for t in frame.targets if t is not None]
        for s in frame.sources if partners else []:
            self.partner[s.name] = partners

    def _attribution(self, anchor: Token) -> Attribution | None:
        node = anchor
        while node.head.i != node.i:
            node = node.head
            if node.lemma_.lower() in _REPORTING:
                subj = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                who = self._actors_of(subj) if subj is not None else []
                name = who[0].name if who else (subj.text if subj is not None else None)
                if name:
                    return Attribution(name, _channel(node))
        speaker = self.quote_speaker(anchor)
        if speaker is not None:
            return Attribution(speaker.name, "statement")
        for token in anchor.sent:
            if token.lower_ == "according" and token.nbor(1).lower_ == "to":
                obj = next((c for c in token.nbor(1).children if c.dep_ == "pobj"), None)
                if obj is not None:
                    who = self._actors_of(obj)
                    return Attribution(who[0].name if who else obj.text, _channel(token))
        return None

    def _date(self, frame: _Frame, sent: Span) -> DateMention | None:
        mentions = self._dates.get(sent.start, [])
        reference = next((m for m in reversed(mentions) if m.sets_reference),
                         self.narrative_date)
        return self._period(frame.anchor, mentions, reference, frame.trigger)

    def _period(self, anchor: Token, mentions: list[DateMention],
                reference: DateMention | None, trigger: Token | None = None,
                depth: int = 0) -> DateMention | None:
        """'cut ties in January 2016 after protesters stormed its embassy following the
        execution of a cleric': with no day of its own, what led to an act dated only by
        month or year falls in that period."""
        found = event_date(anchor, mentions, self.narrative_date, trigger=trigger)
        host = _sequence_host(anchor)
        if host is None or found is not reference or depth > 3:
            return found
        period = self._period(host, mentions, reference, depth=depth + 1)
        if period is not None and period is not reference and \
                period.precision in ("month", "year"):
            return period
        return found

    def _location(self, frame: _Frame, own: set[int], sent: Span) -> Location | None:
        places = self._places.get(sent.start, [])
        material = frame.code[:2] in _MATERIAL_ROOTS or not frame.sense.verbal
        # Meetings and agreements happen somewhere; calls and statements do not.
        gathering = frame.code[:3] in _GATHERING_CODES
        fallback = self.narrative_place if material or gathering else None
        if fallback is None and material:
            fallback = _home_ground(frame)
        if not places:
            return fallback
        there = self._where_clause_place(frame.anchor, places)
        if there is not None:
            return there
        verbal_ok = {frame.anchor.i}
        # The subject's own name ('Pakistan resorted to firing') does not place the act,
        # nor does another act joined to it ('announced aid and flew over Hatay').
        own = own - {t.i for c in frame.anchor.children if (
            c.dep_ in _SUBJ and self.actors.ref_at(c) is not None) or (
            c.dep_ == "conj" and c.pos_ == "VERB" and c.i != frame.trigger.i)
            for t in c.subtree}
        candidates: list[PlaceMention] = []
        violent = _is_violent(frame)
        for p in places:
            span = self.doc.char_span(p.start, p.end, alignment_mode="expand")
            if span is None or not any(t.i in own for t in span):
                continue
            if not violent and self.actors.ref_at(span.root) is not None and \
                    span.root.dep_ in ("pobj", "dobj", "dative") and \
                    span.root.head.lower_ not in ("in", "at", "near", "from") and \
                    span.root.head.head.lemma_.lower() not in _PLACES_OF:
                continue  # 'sign a deal with Moscow': a government, not a place
            if span.root.dep_ in _SUBJ and self.actors.ref_at(span.root) is not None:
                continue  # 'the law that Beijing imposed': a government, not a place
            if material or _placed_directly(span, frame.anchor, verbal_ok):
                candidates.append(p)
        target_place = next((p.location for p in places for t in frame.targets
                             if t is not None and p.location.name == t.name
                             and t.text.lower() in _PLACES_OF), None)
        if not candidates:  # 'In Goma, fighters who seized the city': where the target is
            return target_place if material and target_place is not None else fallback
        rank = {"city": 0, "admin1": 1, "region": 1, "country": 3}
        best = min(candidates, key=lambda p: (p.location.country is None,  # a sea, 'Caribbean'
                                              rank.get(p.location.precision, 2), p.start))
        if not material and best.location.precision == "country":
            # A country alone places words only as the venue of an occasion ('agreed
            # after talks on the island of St Vincent'), or away from the story's place.
            abroad = fallback is not None and fallback.country != best.location.country
            span = self.doc.char_span(best.start, best.end, alignment_mode="expand")
            venue = span is not None and _venue(span)
            return best.location if abroad or venue else fallback
        return best.location

    def _where_clause_place(self, anchor: Token, places: list[PlaceMention]) -> Location | None:
        """'visited Incirlik Air Base, where he announced …': the place named just before."""
        where = next((c for c in anchor.children if c.lower_ == "where" and c.dep_ == "advmod"),
                     None)
        if where is None or anchor.dep_ != "relcl":
            return None
        before = [p for p in places if p.end <= where.idx]
        return before[-1].location if before else None

    # -- pairs ----------------------------------------------------------
    def _expand(self, frame: _Frame) -> Iterator[_Frame]:
        sources = frame.sources
        targets = frame.targets
        if not sources and frame.code[:2] not in ("18", "19", "20"):
            return
        if (frame.sense.reciprocal or frame.mutual) and len(sources) >= 2 and not targets:
            for s in sources:
                for t in sources:
                    if s.name != t.name:
                        yield replace(frame, sources=[s], targets=[t])
            return
        if not targets:
            if frame.code[:2] in ("18", "19", "20", "15", "14"):
                for s in sources or [None]:  # type: ignore[list-item]
                    yield replace(frame, sources=[s] if s else [], targets=[None])
            return
        for s in sources or [None]:  # type: ignore[list-item]
            for t in targets:
                if t is not None and s is not None and s.name == t.name:
                    continue
                yield replace(frame, sources=[s] if s else [], targets=[t])


def _rejects_charge(token: Token) -> bool:
    """'a charge the military rejected', 'denied the allegation': a charge turned down."""
    if token.lemma_.lower() not in _CHARGE_DENIALS:
        return False
    if token.dep_ == "relcl" and token.head.lemma_.lower() in _CHARGES:
        return True
    return any(c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in _CHARGES
               for c in token.children)


def _through_proposal(token: Token, top: Token) -> bool:
    """Whether ``token`` hangs on a proposal noun below ``top`` ('an offer to mediate')."""
    node = token
    while node.i != top.i and node.head.i != node.i:
        node = node.head
        if node.pos_ == "NOUN" and node.lemma_.lower() in _PROPOSALS:
            return True
    return False


def _from_across(verb: Token) -> bool:
    """'wounded by fire from across the Line of Control', 'shelled from across the border'."""
    return any(c.dep_ == "prep" and c.lower_ == "from" and any(
        g.lower_ in ("across", "beyond") for g in c.children) for c in verb.children)


def _headline_passive(verb: Token) -> bool:
    """'after police officer killed in siege': a passive with its auxiliary dropped, as
    headlines write it; the subject is who suffered the act."""
    return verb.tag_ == "VBN" and verb.dep_ in ("advcl", "ROOT", "ccomp") and not any(
        c.dep_ in ("aux", "auxpass", "dobj") for c in verb.children) and any(
        c.dep_ == "nsubj" for c in verb.children)


def _agentless_passive(verb: Token) -> bool:
    """'was detained at her home': a passive that names no one who acted."""
    return verb.tag_ == "VBN" and any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) \
        and not any(c.dep_ == "agent" for c in verb.children)


def _indefinite(noun: Token) -> bool:
    """'an air strike', 'a drone attack': an act not told before."""
    return any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in noun.children)


def _own_forces(noun: Token) -> bool:
    """'its units', 'their fighters': a side's own armed men, named through a pronoun."""
    return noun.lemma_.lower() in _MILITARY_NOUNS | _FORCES and any(
        c.dep_ == "poss" and c.lower_ in _POSSESSIVE_PRONOUNS for c in noun.children)


def _purpose(verb: Token) -> bool:
    """'to fight alongside them': an infinitive saying what something is for."""
    return verb.dep_ in ("advcl", "xcomp", "acl", "relcl") and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _owner_prep(prep: Token, noun: Token) -> bool:
    """'embassies of Rwanda'; for people and bodies also 'diplomats from India'."""
    return prep.lower_ == "of" or (prep.lower_ == "from" and noun.lemma_.lower() in _BELONGING)


def _partitive_whole(token: Token) -> Token | None:
    """The group a part is taken from: 'pockets of Congolese troops', 'three of them'."""
    if not (token.like_num or token.lemma_.lower() in _PARTS):
        return None
    return next((p for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                 for p in c.children if p.dep_ == "pobj"), None)


def _reporting_verb(anchor: Token) -> Token | None:
    """The verb of saying whose reported clause ``anchor`` heads, if any."""
    node = anchor
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    if node.dep_ == "ccomp" and node.head.lemma_.lower() in _REPORTING:
        return node.head
    return None


def _sequence_host(anchor: Token) -> Token | None:
    """The verb an 'after …' or 'before …' clause hangs on, if ``anchor`` heads one."""
    markers = {c.lower_ for c in anchor.children if c.dep_ == "mark"}
    if anchor.dep_ == "advcl" and markers & {"after", "before"}:
        return anchor.head
    if anchor.dep_ == "pobj" and anchor.head.lower_ in ("after", "before", "following") and \
            anchor.head.head.pos_ in ("VERB", "AUX"):
        return anchor.head.head  # 'stormed it following the execution of a cleric'
    return None


def _in_locative(token: Token) -> bool:
    """Inside a phrase of place: 'in Brazil', 'on the Caribbean island of St Vincent'."""
    node = token
    for _ in range(4):
        if node.dep_ == "pobj" and node.head.lower_ in _LOCATIVE:
            return True
        if node.dep_ not in ("pobj", "prep", "compound", "appos"):
            return False
        node = node.head
    return False


def _is_violent(frame: _Frame) -> bool:
    return frame.sense.code == "violence" or frame.code[:2] in ("18", "19", "20")


def _complement_tokens(trigger: Token) -> set[int]:
    """The trigger's clause without its subject and without clauses joined to it."""
    skip = {t.i for c in trigger.children
            if c.dep_ in _SUBJ or (c.dep_ in ("conj", "cc") and c.pos_ in ("VERB", "CCONJ"))
            for t in c.subtree}
    return {t.i for t in trigger.subtree if t.i not in skip and t.i != trigger.i}


def _complement_text(trigger: Token, host: Token | None = None) -> str:
    """The words after the trigger that say what the action is about, lower-cased.

    For an event noun carried by a light verb, the verb's clause after the noun
    counts too ('reiterated his calls for Pakistan to act').
    """
    doc = trigger.doc
    tokens = _complement_tokens(host if host is not None else trigger)
    after = sorted(i for i in tokens | _complement_tokens(trigger) if i > trigger.i)
    return "".join(doc[i].text_with_ws for i in after).lower()


def _own_tokens(anchor: Token, trigger: Token) -> set[int]:
    return {t.i for t in anchor.subtree} | {t.i for t in trigger.subtree}


def _exclude_nested(own: set[int], others: set[int], doc: Doc) -> set[int]:
    """Drop the clauses of other triggers nested in this one's subtree."""
    nested: set[int] = set()
    for i in others:
        if i in own:
            nested |= {t.i for t in doc[i].subtree}
    return own - nested if own - nested else own


def _light_verb_host(noun: Token, light_verbs: frozenset[str]) -> Token | None:
    """The verb a noun is the object of: 'expressed condolences', 'resorted to firing'."""
    node = noun
    if node.dep_ == "conj":
        node = node.head
    if node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.dep_ == "dobj" and (
            node.head.head.like_num or node.head.head.lemma_.lower() in _AMOUNTS):
        node = node.head.head  # 'launched dozens of strikes', 'led weeks of mediation'
    if node.dep_ in ("dobj", "nsubjpass", "attr") and node.head.lemma_.lower() in light_verbs:
        return node.head
    if node.dep_ == "pobj" and node.head.lower_ == "to" and \
            node.head.head.lemma_.lower() in light_verbs:
        return node.head.head
    # 'resorted to indiscriminate firing', parsed with the adjective as a verb
    if node.dep_ == "dobj" and node.head.dep_ == "xcomp" and \
            node.head.head.lemma_.lower() in light_verbs:
        return node.head.head
    return None


def _between(noun: Token) -> Token | None:
    """'fighting between the army and the RSF': the first side (its conjuncts follow)."""
    prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "between"), None)
    return next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None


def _noun_agent(noun: Token) -> Token | None:
    """Who carries out an event noun: 'the attack by terrorists', 'Russia's blockade'."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ == "by":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    for child in noun.children:  # 'Indian shelling' (the adjective at times parsed a subject)
        if child.dep_ in ("amod", "compound", "nsubj") and child.ent_type_ in ("NORP", "GPE",
                                                                             "ORG"):
            return child
    for child in noun.children:  # 'the bombing …, claimed by the Pakistan-based JeM'
        if child.dep_ in ("acl", "relcl") and child.lemma_ in _CLAIM_VERBS:
            agent = next((c for c in child.children if c.dep_ == "agent"), None)
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            if pobj is not None:
                return pobj
    return None


def _negated(token: Token) -> bool:
    """'did not attend', 'denied carrying out', 'refused to sign', 'did not try to …'."""
    if any(c.dep_ == "neg" for c in token.children):
        return True
    node = token
    for _ in range(3):
        if node.dep_ not in ("xcomp", "ccomp", "pcomp", "pobj", "prep", "dobj", "acl"):
            return False
        dep, node = node.dep_, node.head
        if node.lemma_.lower() in _NEGATORS:
            return True
        # a negated verb negates what it governs directly ('did not agree to sign'),
        # not a clause reported under it or joined to it
        if dep == "xcomp" and any(c.dep_ == "neg" for c in node.children):
            return True
    return False


def _refusal(verb: Token) -> bool:
    """'will not negotiate', 'does not recognise', 'has never accepted': a stand taken,
    unlike 'did not attend', a past act that did not happen."""
    negations = {c.lower_ for c in verb.children if c.dep_ == "neg"}
    aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    return bool(negations) and ("never" in negations or bool(aux & _STANCE_AUX)) and \
        not aux & {"did", "had"}


def _future(verb: Token) -> bool:
    """'will respond', 'would retaliate', 'is going to hit back': yet to come."""
    for node in (verb, verb.head if verb.dep_ in ("xcomp", "conj") else verb):
        if any(c.dep_ == "aux" and c.lower_ in _FUTURE for c in node.children):
            return True
        if node.dep_ == "xcomp" and node.head.lower_ == "going":
            return True
    return False


def _modality(frame: _Frame) -> str:
    root = frame.code[:2]
    if root == "13":
        return "threatened"
    if root == "10":
        return "demanded"
    if root == "03":
        return "intended"
    aux = {c.lower_ for c in frame.anchor.children if c.dep_ in ("aux", "auxpass")}
    if frame.anchor.dep_ == "xcomp":  # 'will keep fighting'
        aux |= {c.lower_ for c in frame.anchor.head.children if c.dep_ in ("aux", "auxpass")}
    if aux & _FUTURE:
        return "threatened" if root in ("18", "19", "20") else "intended"
    return "asserted"


def _governed_by(token: Token, words: set[str]) -> bool:
    return any(c.lower_ in words for c in token.children if c.dep_ == "mark")


def _is_hypothetical(token: Token) -> bool:
    aux = {c.lower_ for c in token.children if c.dep_ == "aux"}
    return bool(aux & _HYPOTHETICAL)


def _locative_prep(node: Token) -> bool:
    """Whether ``node`` hangs on a preposition of place: 'in', 'at', 'from', or 'on' before
    'the island of', 'the outskirts of'."""
    prep = node.head
    return prep.dep_ == "prep" and (prep.lower_ in ("in", "at", "from") or (
        prep.lower_ == "on" and node.lemma_.lower() in _ON_PLACES))


def _locative_object(span: Span) -> Token | None:
    """The object of the preposition of place that holds a place name: 'in Beijing',
    'in the Saudi city of Jeddah' (the city), or None."""
    node = span.root
    for _ in range(3):  # climb to the locative preposition
        if node.head.i == node.i or _locative_prep(node):
            break
        node = node.head
    return node if _locative_prep(node) else None


def _occasion(token: Token) -> bool:
    """An occasion or audience the words were spoken at: 'after talks', 'at the end of
    the meeting', 'to reporters'; not 'called for talks', yet to happen."""
    if token.dep_ != "pobj":
        return False
    lemma, prep = token.lemma_.lower(), token.head.lower_
    return lemma in _AUDIENCES or (lemma in _OCCASIONS and prep not in ("for", "to"))


def _venue(span: Span) -> bool:
    """A place named as where an occasion was: 'after talks on the island of St Vincent'."""
    node = _locative_object(span)
    return node is not None and _occasion(node.head.head)


def _placed_directly(span: Span, anchor: Token, heads: set[int]) -> bool:
    """A verbal event is placed only by a phrase on its own verb ('in Beijing, he said')."""
    node = _locative_object(span)
    if node is None:
        return False
    host = node.head.head
    if host.i in heads:
        return True
    for _ in range(4):  # 'at the end of the meeting at the palace', 'after talks in Doha'
        if not _occasion(host):
            break
        host = host.head.head
        if host.i in heads or (host.dep_ in ("advcl", "acl", "xcomp") and host.head.i in heads):
            return True
    # 'addressing a rally in Kanyakumari', 'speaking to reporters in Nantucket'
    return host.head.i in heads and host.dep_ in ("advcl", "acl", "dobj", "pobj") or (
        host.dep_ in ("pobj", "dobj") and host.head.dep_ in ("advcl", "acl")
        and host.head.head.i in heads)


def _victim_sector(token: Token) -> str | None:
    """The sector of people or places on the receiving end ('civilians', 'an army post')."""
    lemma = token.lemma_.lower()
    for sector, words in (("CVL", _CIVILIAN_NOUNS), ("MIL", _MILITARY_NOUNS),
                          ("UAF", _SUSPECT_NOUNS)):
        if lemma in words:
            return sector
    if token.tag_ in ("NNS", "NNPS") and default_kb().demonym(token.text):
        return "CVL"  # 'killing 13 Indians'
    return None


def _channel(token: Token) -> str:
    text = token.sent.text
    if _SOCIAL.search(text):
        return "social-media post"
    if _STATE_MEDIA.search(text):
        return "state media"
    if _PRESS.search(text):
        return "press conference"
    if _STATEMENT.search(text):
        return "statement"
    return "statement"


# -- frames to records --------------------------------------------------------

def _to_events(frames: Iterable[_Frame], *, article_id: str) -> Iterator[Event]:
    for f in frames:
        if f.evidence is None:
            continue
        info = describe(f.code)
        source = f.sources[0] if f.sources else None
        target = f.targets[0] if f.targets else None
        if source is None:
            continue  # no one acts: a toll or a state of affairs, not an event
        if target is not None and target.name == source.name:
            continue
        ev = f.evidence
        while len(ev) > 1 and ev[0].is_space:
            ev = ev[1:]
        while len(ev) > 1 and ev[-1].is_space:
            ev = ev[:-1]
        confidence = 0.4 + 0.2 * (source is not None) + 0.2 * f.explicit_target + \
            0.1 * (f.date is not None) + 0.1 * (f.trigger.pos_ == "VERB")
        event = Event(
            event_id="",
            article_id=article_id,
            evidence=Evidence(ev.text, ev.start_char, ev.end_char),
            source=source, target=target,
            cameo=info.code, cameo_root=info.root, cameo_name=info.name,
            plover=Plover(info.plover_type, info.plover_mode),
            quad_class=info.quad_class, goldstein=info.goldstein,
            date=f.date.date if f.date else None,
            date_precision=f.date.precision if f.date else "unknown",
            date_text=f.date.text if f.date else None,
            location=f.location, killed=f.killed, injured=f.injured,
            negated=f.negated, modality=f.modality, attribution=f.attribution,
            confidence=round(min(confidence, 0.99), 2),
        )
        yield replace(event, event_id=_event_id(event))


def _home_ground(frame: _Frame) -> Location | None:
    """Where a story that names no place at all puts a domestic act: the country of the
    police acting on people of no other country ('Police shot dead 13 protesters'; not
    a coast guard ramming a foreign boat), or the one country of both sides."""
    police = {s.country for s in frame.sources if s.sector == "COP"}
    targets = {t.country for t in frame.targets if t is not None} - {None}
    sides = {r.country for r in [*frame.sources, *frame.targets] if r is not None}
    for home in (police if targets <= police else set(), sides if frame.targets else set()):
        if len(home) == 1 and None not in home:
            return country_location(home.pop())
    return None


def _located(target: ActorRef | None, country: str) -> ActorRef | None:
    """Victims, units and places of unknown nationality take the country where it happened."""
    if target is None or target.country is not None or target.sector in ("UAF", "REB", "IGO"):
        return target
    return replace(target, country=country)


def _compatible(a: ActorRef | None, b: ActorRef | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.country != b.country:
        return False
    return a.sector is None or b.sector is None or a.sector == b.sector


def _same_happening(a: Event, b: Event, title_end: int = -1) -> bool:
    """Two records of one action: same code (for violence, same root and an open
    target), compatible actors and dates (a headline's date is the story's)."""
    headline = min(a.evidence.start, b.evidence.start) < title_end
    if a.negated != b.negated or not (
            headline or a.date == b.date or None in (a.date, b.date)):
        return False
    if not _compatible(a.source, b.source):
        return False
    if a.cameo == b.cameo and _compatible(a.target, b.target):
        return True
    violent = a.cameo_root in ("18", "19", "20") and b.cameo_root in ("18", "19", "20")
    open_target = (a.target is None or a.target.country is None or b.target is None
                   or b.target.country is None)
    same_day = headline or (a.date is not None and a.date == b.date)
    return violent and open_target and same_day and a.source is not None and b.source is not None


def _deduplicate(evts: Iterable[Event], title_end: int = -1) -> list[Event]:
    """One event per (source, target, action, date): later mentions add nothing new."""
    kept: list[Event] = []
    for ev in evts:
        twin = next((k for k in kept if _same_happening(k, ev, title_end)), None)
        if twin is None:
            kept.append(ev)
            continue
        merged = twin
        if twin.evidence.start < title_end <= ev.evidence.start:
            # the body states what a headline sums up
            merged = replace(merged, evidence=ev.evidence)
        if ev.target and (twin.target is None or twin.target.country is None or (
                twin.target.sector is None and ev.target.sector
                and ev.target.country == twin.target.country)):
            merged = replace(merged, target=ev.target)
        if ev.source and twin.source and twin.source.sector is None and ev.source.sector:
            merged = replace(merged, source=ev.source)
        headline = twin.evidence.start < title_end
        if ev.date is not None and (merged.date is None or headline):  # the body says when
            merged = replace(merged, date=ev.date, date_precision=ev.date_precision,
                             date_text=ev.date_text)
        if ev.location is not None and (merged.location is None or headline):
            merged = replace(merged, location=ev.location)
        if merged.killed is None and ev.killed is not None:
            merged = replace(merged, killed=ev.killed, injured=ev.injured)
        kept[kept.index(twin)] = replace(merged, event_id=_event_id(merged))
    # A headline no sentence of the body confirms is too compressed to code on its own.
    return [e for e in kept if e.evidence.start >= title_end]


def _event_id(ev: Event) -> str:
    return stable_id(ev.article_id, ev.evidence.start, ev.evidence.end, ev.cameo,
                     ev.source.code if ev.source else None, ev.target.code if ev.target else None,
                     ev.negated)
