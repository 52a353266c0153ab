"""A deterministic generator of varied, realistic news articles about crises.

    >>> from corpus import Corpus
    >>> corpus = Corpus(seed=0)
    >>> article = corpus.article(12)        # the same article for the same (seed, index)
    >>> corpus.events(12)                   # what the article states, coded (an "oracle")

Articles are built from this module's own templates and small knowledge base:
about twenty countries with their capitals, cities and office holders, twelve
kinds of event (calls, meetings, appeals, accusations, threats, sanctions,
expulsions, aid, agreements, protests, shelling, air strikes, attacks on
civilians), several phrasings of each, quotes, background and colour paragraphs,
datelines and outlets. Each *story* (a main happening and the reactions to it) is
told by one to three outlets in different words, so the same happening reaches
the store from several articles; about one story in ten is also republished as
a near-identical wire copy. Index ``i`` always gives the same article, so corpora
of any size are reproducible and can be streamed without being kept in memory.

``events(i)`` returns the events the article's sentences state, as
:class:`flashpoint.model.Event` records with their evidence offsets: an "oracle"
extraction that lets the store and merge steps be measured without the NLP.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from flashpoint import ontology
from flashpoint.model import (
    ActorRef,
    Article,
    ArticleResult,
    Event,
    Evidence,
    Location,
    Plover,
    stable_id,
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
START = date(2023, 1, 2)


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    adjective: str
    capital: str
    cities: tuple[tuple[str, str, float, float], ...]  # name, admin1, lat, lon
    leader: tuple[str, str]  # title, name
    minister: tuple[str, str]
    military: str


COUNTRIES = (
    Country("IND", "India", "Indian", "New Delhi",
            (("Srinagar", "Jammu and Kashmir", 34.09, 74.80), ("Jammu", "Jammu and Kashmir",
             32.73, 74.86), ("Amritsar", "Punjab", 31.63, 74.87)),
            ("Prime Minister", "Narendra Modi"), ("External Affairs Minister", "S Jaishankar"),
            "the Indian Army"),
    Country("PAK", "Pakistan", "Pakistani", "Islamabad",
            (("Muzaffarabad", "Azad Kashmir", 34.37, 73.47), ("Lahore", "Punjab", 31.55,
             74.34), ("Peshawar", "Khyber Pakhtunkhwa", 34.01, 71.58)),
            ("Prime Minister", "Shehbaz Sharif"), ("Foreign Minister", "Ishaq Dar"),
            "the Pakistani army"),
    Country("USA", "the United States", "US", "Washington",
            (("New York", "New York", 40.71, -74.01),),
            ("President", "Donald Trump"), ("Secretary of State", "Marco Rubio"),
            "the US military"),
    Country("CHN", "China", "Chinese", "Beijing",
            (("Shanghai", "Shanghai", 31.23, 121.47),),
            ("President", "Xi Jinping"), ("Foreign Minister", "Wang Yi"),
            "the People's Liberation Army"),
    Country("RUS", "Russia", "Russian", "Moscow",
            (("Belgorod", "Belgorod Oblast", 50.60, 36.59), ("Kursk", "Kursk Oblast", 51.73,
             36.19)),
            ("President", "Vladimir Putin"), ("Foreign Minister", "Sergei Lavrov"),
            "Russian forces"),
    Country("UKR", "Ukraine", "Ukrainian", "Kyiv",
            (("Kharkiv", "Kharkiv Oblast", 49.99, 36.23), ("Odesa", "Odesa Oblast", 46.48,
             30.72), ("Zaporizhzhia", "Zaporizhzhia Oblast", 47.84, 35.14)),
            ("President", "Volodymyr Zelensky"), ("Foreign Minister", "Andrii Sybiha"),
            "Ukrainian forces"),
    Country("ISR", "Israel", "Israeli", "Jerusalem",
            (("Sderot", "Southern District", 31.52, 34.60),),
            ("Prime Minister", "Benjamin Netanyahu"), ("Defence Minister", "Israel Katz"),
            "the Israeli military"),
    Country("IRN", "Iran", "Iranian", "Tehran",
            (("Isfahan", "Isfahan", 32.65, 51.67),),
            ("President", "Masoud Pezeshkian"), ("Foreign Minister", "Abbas Araghchi"),
            "Iran's Revolutionary Guards"),
    Country("SAU", "Saudi Arabia", "Saudi", "Riyadh", (("Jeddah", "Makkah", 21.49, 39.19),),
            ("Crown Prince", "Mohammed bin Salman"),
            ("Foreign Minister", "Prince Faisal bin Farhan"), "the Saudi military"),
    Country("TUR", "Turkey", "Turkish", "Ankara", (("Istanbul", "Istanbul", 41.01, 28.98),),
            ("President", "Recep Tayyip Erdogan"), ("Foreign Minister", "Hakan Fidan"),
            "the Turkish army"),
    Country("SDN", "Sudan", "Sudanese", "Khartoum",
            (("El Fasher", "North Darfur", 13.63, 25.35), ("Omdurman", "Khartoum", 15.64,
             32.48)),
            ("army chief", "Abdel Fattah al-Burhan"), ("Foreign Minister", "Ali Youssef"),
            "the Sudanese army"),
    Country("COD", "DR Congo", "Congolese", "Kinshasa",
            (("Goma", "North Kivu", -1.68, 29.22), ("Bukavu", "South Kivu", -2.51, 28.86)),
            ("President", "Felix Tshisekedi"), ("Foreign Minister", "Therese Kayikwamba Wagner"),
            "the Congolese army"),
    Country("RWA", "Rwanda", "Rwandan", "Kigali", (("Gisenyi", "Western Province", -1.70,
                                                     29.26),),
            ("President", "Paul Kagame"), ("Foreign Minister", "Olivier Nduhungirehe"),
            "the Rwandan army"),
    Country("ARM", "Armenia", "Armenian", "Yerevan", (("Goris", "Syunik", 39.51, 46.34),),
            ("Prime Minister", "Nikol Pashinyan"), ("Foreign Minister", "Ararat Mirzoyan"),
            "Armenian forces"),
    Country("AZE", "Azerbaijan", "Azerbaijani", "Baku", (("Ganja", "Ganja", 40.68, 46.36),),
            ("President", "Ilham Aliyev"), ("Foreign Minister", "Jeyhun Bayramov"),
            "Azerbaijani forces"),
    Country("PHL", "the Philippines", "Philippine", "Manila",
            (("Puerto Princesa", "Palawan", 9.74, 118.74),),
            ("President", "Ferdinand Marcos Jr"), ("Foreign Secretary", "Enrique Manalo"),
            "the Philippine coast guard"),
    Country("JPN", "Japan", "Japanese", "Tokyo", (("Okinawa", "Okinawa", 26.21, 127.68),),
            ("Prime Minister", "Shigeru Ishiba"), ("Foreign Minister", "Takeshi Iwaya"),
            "Japan's Self-Defense Forces"),
    Country("PRK", "North Korea", "North Korean", "Pyongyang", (("Wonsan", "Kangwon", 39.15,
                                                                  127.44),),
            ("leader", "Kim Jong Un"), ("Foreign Minister", "Choe Son Hui"),
            "the North Korean military"),
    Country("KOR", "South Korea", "South Korean", "Seoul", (("Busan", "Busan", 35.18,
                                                              129.08),),
            ("President", "Lee Jae-myung"), ("Foreign Minister", "Cho Hyun"),
            "the South Korean military"),
    Country("FRA", "France", "French", "Paris", (("Marseille", "Provence", 43.30, 5.37),),
            ("President", "Emmanuel Macron"), ("Foreign Minister", "Jean-Noel Barrot"),
            "the French army"),
)
RIVALS = (("IND", "PAK"), ("RUS", "UKR"), ("ISR", "IRN"), ("SDN", "SDN"), ("COD", "RWA"),
          ("ARM", "AZE"), ("CHN", "PHL"), ("PRK", "KOR"))
MEDIATORS = ("USA", "CHN", "SAU", "TUR", "FRA", "JPN", "RUS")
OUTLETS = ("Capital Wire", "The Frontier Daily", "Regional Herald", "Morning Ledger",
           "Global Dispatch", "The Evening Post", "Continental News", "Border Times",
           "Asia Pacific Report", "Gulf Observer", "Atlantic Courier", "Metro Chronicle",
           "Daily Monitor", "Coastal Gazette", "The National Desk")
BY = {c.code: c for c in COUNTRIES}


@dataclass(frozen=True)
class Spec:
    """One event a sentence states: who, what, to whom, when, where, how many."""

    source: ActorRef | None
    cameo: str
    target: ActorRef | None
    day: date
    place: Location | None = None
    killed: int | None = None


def _gov(c: Country, which: str = "minister") -> ActorRef:
    title, name = c.minister if which == "minister" else c.leader
    return ActorRef(name, name, c.code, "GOV")


def _mil(c: Country) -> ActorRef:
    return ActorRef(c.military, c.military, c.code, "MIL")


def _place(c: Country, rng: random.Random) -> Location:
    name, admin1, lat, lon = rng.choice(c.cities)
    return Location(name, admin1, c.code, lat, lon, None, "city")


# Each template: (cameo, text); {A}/{B} actors' full references, {a}/{b} countries, {day}
# the weekday phrase, {place}, {n} a number. Several phrasings per kind of event.
TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "call": (("041", "{A_title} {A_name} spoke by telephone with {B_title} {B_name} {day}, "
                     "{A_office} said."),
             ("041", "{A_name} held a phone call with {B_title} {B_name} {day} to discuss "
                     "the crisis."),
             ("041", "In a call {day}, {A_title} {A_name} spoke with {B_name}, officials "
                     "said.")),
    "meet": (("040", "{A_title} {A_name} met {B_title} {B_name} in {capital} {day} for talks "
                     "on the crisis."),
             ("040", "{A_name} and {B_name} met {day} in {capital}, where they discussed the "
                     "fighting, a joint statement said.")),
    "appeal": (("0256", "{A_title} {A_name} urged {b_name} to de-escalate {day}, warning "
                        "that the fighting could spread."),
               ("0256", "{A_name} {day} called on {b_name} to show restraint and pull back "
                        "from the brink.")),
    "accuse": (("112", "{a_name}'s foreign ministry {day} accused {b_name} of violating the "
                       "ceasefire."),
               ("112", "Officials in {a_capital} accused {b_name} {day} of deliberately "
                       "targeting civilians.")),
    "threaten": (("138", "{A_title} {A_name} warned {day} that {a_name} would strike back "
                         "at {b_name} if the attacks continued."),),
    "sanction": (("163", "{a_name} {day} imposed sanctions on {b_name} over the attacks, "
                         "freezing assets and banning exports."),),
    "expel": (("161", "{a_name} expelled two {b_adj} diplomats {day}, accusing them of "
                      "espionage."),),
    "aid": (("0233", "{a_name} {day} pledged {n} million dollars in humanitarian aid to "
                     "{b_name} for families displaced by the fighting."),),
    "agree": (("057", "{a_name} and {b_name} signed an agreement {day} to reopen the border "
                      "crossing."),
              ("0311", "{A_name} and {B_name} agreed {day} to expand trade and energy "
                       "cooperation.")),
    "shell": (("194", "{a_adj} artillery shelled villages near {place} {day}, killing {n} "
                      "civilians, local officials said."),
              ("194", "{n} people were killed when {a_adj} forces shelled {place} {day}, "
                      "officials said.")),
    "strike": (("195", "{a_adj} aircraft struck targets near {place} {day}, killing {n} "
                       "people, according to local authorities."),
               ("195", "{a_adj} drones hit {place} {day}, killing {n} people and damaging "
                       "a power station.")),
    "protest": (("141", "Thousands of people protested in {place} {day} against "
                        "{b_adj} attacks, demanding a tough response."),),
}
FILLERS = (
    "The latest escalation comes after weeks of rising tension along the frontier.",
    "Diplomats said back-channel contacts had continued despite the public rhetoric.",
    "Residents described a night of explosions and said many families had left their homes.",
    "Markets fell sharply on the news, and the currency weakened against the dollar.",
    "Schools in the border districts remained closed for a third consecutive day.",
    "Analysts said neither side appeared ready to make concessions in the near term.",
    "Hospitals in the area appealed for blood donations and additional medical staff.",
    "The foreign ministry did not respond to a request for further comment.",
    "Satellite images reviewed by analysts showed damage to several buildings near the site.",
    "Aid agencies said access to the worst-hit areas remained difficult.",
    "The two countries have fought several wars and many smaller clashes in recent decades.",
    "Airlines rerouted flights away from the region as a precaution.",
    "Officials said the number of casualties could rise as rescue teams reached remote areas.",
    "Opposition politicians criticised the government's handling of the crisis.",
    "Several embassies advised their citizens to avoid travel to the affected districts.",
    "Local television showed long queues at fuel stations and shops in the border towns.",
    "The United Nations said it was deeply concerned by reports of civilian casualties.",
    "Military analysts said the use of drones had changed the character of the fighting.",
)
BACKGROUND = (
    "Relations between {a} and {b} have been strained for years, and a ceasefire agreed "
    "last year has been violated repeatedly. Both governments say they want a negotiated "
    "settlement, but talks have stalled over the sequencing of withdrawals and the return "
    "of displaced people.",
    "The crisis began after an attack that killed dozens of people and prompted calls for "
    "retaliation. Since then, officials in {a_capital} and {b_capital} have traded "
    "accusations almost daily, while mediators have tried to arrange a meeting of military "
    "commanders.",
    "Trade between {a} and {b} has collapsed since the fighting began, and thousands of "
    "families on both sides of the border have moved to camps and relatives' homes further "
    "from the front line. Aid groups say the coming winter will make their situation worse.",
)
QUOTES = (
    '"We will not accept any violation of our sovereignty," {Q_name} told reporters.',
    '"The situation is extremely serious and we are watching it closely," {Q_name} said.',
    '"There is no military solution to this conflict," {Q_name} said in a statement.',
    '"Our forces acted in self-defence," {Q_name} said on state television.',
)


def _weekday_phrase(day: date, published: date) -> str:
    if day == published:
        return "on " + WEEKDAYS[day.weekday()]
    if (published - day).days == 1:
        return "on " + WEEKDAYS[day.weekday()]
    return f"on {day.strftime('%B')} {day.day}"


class Corpus:
    """Deterministic articles: ``article(i)`` and its coded events ``events(i)``.

    Args:
        seed: varies every choice; the same seed gives the same corpus.
        wire_copies: share of stories also republished as near-identical copies.
    """

    def __init__(self, seed: int = 0, *, wire_copies: float = 0.1) -> None:
        self.seed = seed
        self.wire_copies = wire_copies

    # ------------------------------------------------------------------ layout
    # Articles are grouped in blocks of 8 slots; a block holds stories told by 1-3
    # outlets and, now and then, a wire copy. Slot -> (story, telling) is computed
    # from the block alone, so any index can be generated on its own.

    def _block(self, block: int) -> list[tuple[int, int, bool]]:
        rng = random.Random(f"{self.seed}:block:{block}")
        slots: list[tuple[int, int, bool]] = []
        story = block * 8
        while len(slots) < 8:
            tellings = rng.choice((1, 1, 1, 2, 2, 3))
            for t in range(tellings):
                slots.append((story, t, False))
            if rng.random() < self.wire_copies:
                slots.append((story, 0, True))
            story += 1
        return slots[:8]

    def _slot(self, i: int) -> tuple[int, int, bool]:
        return self._block(i // 8)[i % 8]

    # ------------------------------------------------------------------ stories

    def _story(self, story: int) -> dict:
        rng = random.Random(f"{self.seed}:story:{story}")
        a_code, b_code = rng.choice(RIVALS)
        a, b = BY[a_code], BY[b_code]
        if a_code == b_code:  # a civil war: the state against its own people
            b = a
        mediator = BY[rng.choice([m for m in MEDIATORS if m not in (a_code, b_code)])]
        day = START + timedelta(days=rng.randrange(0, 900))
        kind = rng.choice(("shell", "strike", "shell", "strike", "accuse", "expel",
                           "sanction", "protest", "agree"))
        reactions = rng.sample(("call", "meet", "appeal", "threaten", "aid", "accuse"),
                               rng.randint(1, 3))
        return {"a": a, "b": b, "m": mediator, "day": day, "kind": kind,
                "reactions": reactions, "n": rng.randint(2, 40),
                "place": _place(b, rng) if b.code != "USA" else None,
                "outlets": rng.sample(OUTLETS, 3)}

    def _render(self, story: int, telling: int) -> tuple[dict, list[tuple[str, Spec | None]]]:
        st = self._story(story)
        rng = random.Random(f"{self.seed}:telling:{story}:{telling}")
        published = st["day"] + timedelta(days=rng.choice((0, 1, 1)))
        a, b, m = st["a"], st["b"], st["m"]
        paragraphs: list[tuple[str, Spec | None]] = []

        def fill(kind: str, x: Country, y: Country, day: date, variant: int) -> tuple[str, Spec]:
            options = TEMPLATES[kind]
            cameo, template = options[variant % len(options)]
            x_title, x_name = x.minister if kind != "meet" or rng.random() < 0.5 else x.leader
            y_title, y_name = y.minister
            place = st["place"] or _place(y, rng)
            text = template.format(
                A_title=f"{x.adjective} {x_title}", A_name=x_name,
                B_title=f"{y.adjective} {y_title}", B_name=y_name,
                A_office=f"{x_name}'s office" if rng.random() < 0.5 else "his office",
                a_name=x.name, b_name=y.name, a_adj=x.adjective, b_adj=y.adjective,
                a_capital=x.capital, capital=rng.choice((x.capital, y.capital)),
                day=_weekday_phrase(day, published), place=place.name, n=st["n"])
            text = text[0].upper() + text[1:]
            person = kind in ("call", "meet", "appeal", "threaten")
            if person:
                src = ActorRef(x_name, x_name, x.code, "GOV")
            elif kind in ("shell", "strike"):
                src = _mil(x)
            elif kind == "accuse":
                src = ActorRef(f"{x.name} foreign ministry", "foreign ministry", x.code, "GOV")
            else:
                src = ActorRef(x.name, x.name, x.code, None)
            if kind in ("call", "meet"):
                tgt = ActorRef(y_name, y_name, y.code, "GOV")
            elif kind in ("shell", "strike"):
                tgt = ActorRef("civilians", "civilians", y.code, "CVL")
            else:
                tgt = ActorRef(y.name, y.name, y.code, None)
            if kind == "protest":
                src = ActorRef("protesters", "protesters", y.code, "CVL")
                tgt = ActorRef(x.name, x.name, x.code, None)
            spec = Spec(src, cameo, tgt, day,
                        place if kind in ("shell", "strike", "protest") else None,
                        st["n"] if kind in ("shell", "strike") else None)
            return text, spec

        main_text, main = fill(st["kind"], a, b, st["day"], telling + story)
        title_words = {"shell": "shelling kills {n} near {place}", "strike":
                       "strikes kill {n} near {place}", "accuse": "accuses {b} over attacks",
                       "expel": "expels {b_adj} diplomats", "sanction": "sanctions {b}",
                       "protest": "Protesters rally in {place}", "agree": "and {b} sign deal"}
        head = title_words[st["kind"]].format(n=st["n"], place=(st["place"] or _place(b, rng)
                                                                ).name, b=b.name,
                                              b_adj=b.adjective)
        name = a.name.removeprefix('the ')
        title = head if st["kind"] == "protest" else f"{name[0].upper()}{name[1:]} " \
            + head if telling != 1 else f"{head[0].upper()}{head[1:]}: {a.adjective} move draws " \
            "reaction"
        dateline = rng.choice((a, b, m)).capital.upper()
        outlet = st["outlets"][telling]
        paragraphs.append((f"{dateline} ({outlet}) - {main_text}", main))
        fillers = rng.sample(FILLERS, 4)
        paragraphs.append((fillers[0] + " " + fillers[1], None))
        quoted = rng.choice((a, b))
        paragraphs.append((rng.choice(QUOTES).format(Q_name=quoted.minister[1]), None))
        for k, reaction in enumerate(st["reactions"]):
            x, y = (m, rng.choice((a, b))) if reaction in ("call", "meet", "appeal", "aid") \
                else (b, a) if a is not b else (m, a)
            text, spec = fill(reaction, x, y, st["day"] + timedelta(days=rng.choice((0, 0, 1)))
                              if published > st["day"] else st["day"], telling + k)
            paragraphs.append((text, spec))
        paragraphs.append((rng.choice(BACKGROUND).format(
            a=a.name, b=b.name, a_capital=a.capital, b_capital=b.capital), None))
        paragraphs.append((rng.choice(QUOTES).format(Q_name=m.minister[1]), None))
        paragraphs.append((fillers[2] + " " + fillers[3], None))
        middle = paragraphs[1:-1]
        rng.shuffle(middle)
        paragraphs[1:-1] = middle
        meta = {"title": title, "outlet": outlet, "published": published}
        return meta, paragraphs

    # ------------------------------------------------------------------ public

    def _build(self, i: int) -> tuple[Article, list[tuple[int, int, Spec]]]:
        story, telling, copy = self._slot(i)
        meta, paragraphs = self._render(story, telling)
        if copy:
            meta = {**meta, "title": meta["title"] + " (update)", "outlet": "Wire Reprints"}
            first, spec = paragraphs[0]
            paragraphs = [("By a staff reporter. " + first, spec), *paragraphs[1:],
                          ("This story has been updated.", None)]
        title = meta["title"]
        body, specs = [], []
        offset = len(title) + 1
        for text, spec in paragraphs:
            if spec is not None:
                start = offset + (text.index(" - ") + 3 if " - " in text[:60] else 0)
                specs.append((start, offset + len(text), spec))
            body.append(text)
            offset += len(text) + 1
        article = Article(text="\n".join(body), title=title,
                          published=meta["published"].isoformat(), outlet=meta["outlet"],
                          id=f"gen-{self.seed}-{i}",
                          url=f"https://news.example/{meta['outlet'].lower().replace(' ', '-')}"
                              f"/{i}")
        return article, specs

    def article(self, i: int) -> Article:
        """Article number ``i`` of the corpus."""
        return self._build(i)[0]

    def __iter__(self) -> Iterator[Article]:
        i = 0
        while True:
            yield self.article(i)
            i += 1

    def articles(self, n: int, start: int = 0) -> Iterator[Article]:
        for i in range(start, start + n):
            yield self.article(i)

    def events(self, i: int) -> ArticleResult:
        """What article ``i`` states, coded: the oracle extraction of that article."""
        article, specs = self._build(i)
        aid = article.article_id
        full = article.full_text
        events = []
        for start, end, spec in specs:
            code = ontology.describe(spec.cameo)
            events.append(Event(
                event_id=stable_id(aid, start, end, spec.cameo), article_id=aid,
                evidence=Evidence(full[start:end], start, end), source=spec.source,
                target=spec.target, cameo=code.code, cameo_root=code.root,
                cameo_name=code.name, plover=Plover(code.plover_type, code.plover_mode),
                quad_class=code.quad_class, goldstein=code.goldstein,
                date=spec.day.isoformat(), date_precision="day", date_text=None,
                location=spec.place, killed=spec.killed, confidence=1.0))
        return ArticleResult(id=article.id, article_id=aid, actors=[], events=events, quotes=[])


def oracle_extractor(corpus: Corpus):  # type: ignore[no-untyped-def]
    """An ``extractor`` for :func:`flashpoint.pipeline.ingest` that returns the oracle."""

    def extract(articles: list[Article]) -> list[ArticleResult]:
        return [corpus.events(int(a.id.rsplit("-", 1)[1])) for a in articles]

    return extract


def digest(corpus: Corpus, n: int) -> str:
    """A short fingerprint of the first ``n`` articles (to check determinism)."""
    h = hashlib.sha256()
    for article in corpus.articles(n):
        h.update(article.article_id.encode())
    return h.hexdigest()[:16]


if __name__ == "__main__":  # print a few articles
    import sys

    corpus = Corpus(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    for i in range(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        art = corpus.article(i)
        print(f"# {art.id} {art.published} {art.outlet}\n{art.full_text}\n")
