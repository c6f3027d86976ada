"""The fake site's articles: our own prose, with real-world-like figures.

Every casualty figure a test may assert on is listed in the ``headline`` of the version that
carries it. Numbers that are not casualties (ages, money, scores, street numbers, percentages,
sub-counts, historical totals) are there on purpose, as negatives for the fact extractor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CITY = "Karsa"
MONITOR = "Civil Casualty Monitor"
WIRE_CREDIT = "AFP"


@dataclass(frozen=True)
class Figure:
    """A casualty figure an article states as its headline number for one kind."""

    kind: str  # killed, injured, displaced
    qualifier: str  # exact, at_least, more_than, about
    value: int
    attributed_to: str | None
    phrase: str  # the words stating it, exactly as they appear in the article text


@dataclass(frozen=True)
class Text:
    """One version of an article's editorial content (what a cleaner should extract)."""

    title: str
    summary: str
    paragraphs: tuple[str, ...]
    modified_min: int  # minutes before the start of the tick in which this version appears
    headline: tuple[Figure, ...] = ()
    note: str | None = None  # an editor's note printed under the body (part of the text)

    @property
    def body(self) -> str:
        """Return the article text, paragraphs separated by blank lines."""
        parts = [*self.paragraphs, self.note] if self.note else list(self.paragraphs)
        return "\n\n".join(parts)


@dataclass(frozen=True)
class Story:
    """One article on one outlet across the scenario's ticks."""

    outlet: str
    key: str
    path: str
    section: str
    author: str
    versions: tuple[tuple[int, Text], ...]  # (first tick, text), ascending
    published_min: int  # minutes before the start of its first tick
    gone_at: int | None = None  # from this tick on the URL answers 404 and leaves the feed
    wire: bool = False
    trimmed: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def first_tick(self) -> int:
        return self.versions[0][0]

    def text_at(self, tick: int) -> Text | None:
        """Return the version live at ``tick``, or None when the page does not exist then."""
        if tick < self.first_tick or (self.gone_at is not None and tick >= self.gone_at):
            return None
        current = None
        for start, text in self.versions:
            if start <= tick:
                current = text
        return current


# --- meridian: English, RSS 2.0 ------------------------------------------------------------

_A0_FIRST = (
    "At least 240 people have been killed since government forces launched an offensive on "
    "the northern city of Karsa on Saturday, including 19 in air strikes overnight, according "
    f"to the {MONITOR}, a UK-based monitoring group."
)
_A1_FIRST = (
    "More than 255 people have been killed since government forces launched an offensive on "
    "the northern city of Karsa on Saturday, including 19 in air strikes on Monday night, "
    f"according to the {MONITOR}, a UK-based monitoring group."
)
_A_REST = (
    "The group, which relies on a network of doctors and activists inside the country, said "
    "more than 600 people had been wounded. Its figures could not be verified independently, "
    "and the government has not published a count of its own.",
    "Army units backed by allied militias pushed into the eastern districts of Qasr Nabi and "
    "Jisr al-Hadid on Tuesday after three days of artillery fire, residents reached by "
    "telephone said. The Northern Front, which has held Karsa since 2016, said its fighters "
    "had repelled several attacks on the old citadel.",
    "Samira Haddad, a 34-year-old nurse at the Al-Amal hospital at 12 Station Road, said the "
    "emergency ward had taken in more than 90 wounded people on Monday alone. \u201cWe are "
    "operating in the corridors,\u201d she said. \u201cThe generators have fuel for perhaps "
    "four more days.\u201d",
    "The city had about 1.2 million inhabitants before the war. Aid agencies estimate that a "
    "third of them left during earlier rounds of fighting, and the M5 highway, the main road "
    "south, has been closed to civilian traffic since Sunday.",
    "The offensive is the largest in the north since a ceasefire agreed in March 2020 broke "
    "down. More than half a million people have died in the country since the war began in "
    "2011, and millions more have fled abroad.",
    "The UN humanitarian coordinator called for \u201can immediate pause to let civilians "
    "leave\u201d, adding that a convoy of 24 trucks carrying food and medicine was waiting at "
    "a crossing 30 kilometres to the south. The World Food Programme said it needed $38 "
    "million to feed the city for three months.",
    "The defence ministry said its forces were \u201crestoring state authority in Karsa\u201d "
    "and accused the Northern Front of using residents as human shields. It gave no figures "
    "for losses among its own troops.",
    "Prices in the city's markets have soared. A bag of bread that cost 1,500 pounds a week "
    "ago now sells for 4,000, residents said, and petrol can be found only on the black "
    "market, at roughly five times the official rate of 2,300 pounds a litre.",
)
_A1_DISPLACED = (
    "The United Nations said on Tuesday evening that 14,000 people had been displaced from "
    "the eastern districts in three days. Most are sheltering in schools and mosques on the "
    "western side of the city, where the local council has opened 31 collective centres."
)

A0 = Text(
    title="Karsa offensive: at least 240 killed, monitoring group says",
    summary=(
        "Government forces pressed into the eastern districts of Karsa for a fourth day as "
        "residents described relentless shelling."
    ),
    paragraphs=(_A0_FIRST, *_A_REST),
    modified_min=95,
    headline=(
        Figure("killed", "at_least", 240, MONITOR, "At least 240"),
        Figure("injured", "more_than", 600, MONITOR, "more than 600"),
    ),
)
A1 = Text(
    title="Karsa offensive: more than 255 dead and 14,000 displaced",
    summary=(
        "The toll from the government offensive on Karsa rose again as the UN said thousands "
        "had fled the eastern districts in three days."
    ),
    paragraphs=(_A1_FIRST, *_A_REST[:2], _A1_DISPLACED, *_A_REST[2:]),
    modified_min=25,
    headline=(
        Figure("killed", "more_than", 255, MONITOR, "More than 255"),
        Figure("injured", "more_than", 600, MONITOR, "more than 600"),
        Figure("displaced", "exact", 14_000, "United Nations", "14,000"),
    ),
    note=(
        "This article was updated on Tuesday evening with new figures from the monitoring "
        "group and the United Nations."
    ),
)

R0 = Text(
    title="\u2018We count the explosions to fall asleep\u2019: Karsa families move underground",
    summary="In the western districts, basements have become bedrooms, kitchens and classrooms.",
    paragraphs=(
        "The basement under 47 Citadel Street was built to store olive oil. Since Saturday it "
        "has been home to 23 people from four families, who sleep on flattened cardboard and "
        "take turns climbing the stairs to charge their phones from a neighbour's solar panel.",
        "\u201cWe count the explosions to fall asleep,\u201d said Mahmoud, a 61-year-old baker "
        "who asked that his family name not be used. \u201cWhen it is quiet for more than an "
        "hour, the children wake up. They are afraid of the silence now.\u201d",
        "His bakery, two streets away, has not opened since the weekend. Flour that he bought "
        "for 310,000 pounds a sack in January would cost nearly three times as much today, he "
        "said, if anyone were selling it.",
        "Across the western districts, which have so far been spared the worst of the "
        "shelling, residents describe a city that has folded in on itself. Schools closed on "
        "Sunday. Mobile networks work for a few hours a day. The municipal water pumps, which "
        "need about 400 kilowatts to run, stop whenever the grid fails.",
        "Rania, a 29-year-old English teacher, has turned one corner of the basement into a "
        "classroom. She teaches the nine children arithmetic in the morning and reads to them "
        "in the afternoon from the two books the families brought down with them.",
        "\u201cThey ask me when they can go back to school,\u201d she said. \u201cI tell them "
        "soon. I do not know if it is true.\u201d",
        "Upstairs, the building's windows have been taped in crosses. The owner of the "
        "ground-floor pharmacy, which still opens for two hours at noon, said he had sold out "
        "of insulin on Monday and did not expect a delivery before the end of the month.",
        "At night the families listen to the radio for news of the fighting in the east, a "
        "few kilometres away. Most of them have relatives there. Few have been able to reach "
        "them since the weekend.",
    ),
    modified_min=300,
)

U0 = Text(
    title="Rail workers begin 48-hour strike as pay talks collapse",
    summary="Four in five services are cancelled after the union rejected a 4.5% offer.",
    paragraphs=(
        "Rail workers began a 48-hour strike at midnight after talks over pay broke down, "
        "cancelling about 80% of passenger services and leaving commuters to find other ways "
        "to work on one of the busiest weeks of the year.",
        "The Transport and Rail Workers' Union, which represents about 31,000 signallers, "
        "drivers and station staff, rejected a 4.5% offer on Friday, saying it fell well "
        "short of inflation, which peaked at 9.6% last year. The union is asking for 7% and a "
        "guarantee of no compulsory redundancies until 2027.",
        "\u201cNobody wants to be on a picket line in the rain,\u201d said Helen Marsh, a "
        "52-year-old signal engineer at the depot on 118 Canal Road. \u201cBut my rent has "
        "gone up by \u00a3140 a month since the spring and my pay has not moved.\u201d",
        "The operators' association said the strike would cost the industry about \u00a325 "
        "million a day and accused the union of walking away from a fair deal. Its chief "
        "executive said the offer was the largest in more than a decade and that a further "
        "1% was available if the union agreed to changes in rostering.",
        "Only one train an hour was running on most main lines on Wednesday morning, and some "
        "rural branches had no service at all. Road traffic into the city centre was up by "
        "about a third, according to the highways agency, and bus operators added 120 extra "
        "journeys.",
        "Passenger groups said a typical weekday sees about 1.4 million journeys on the "
        "network. Many of those stranded on Wednesday were hospital and care workers on early "
        "shifts, they said, for whom working from home is not an option.",
        "The strike also killed off hopes of a quick settlement before the holiday weekend. A "
        "second walkout is planned for the 21st unless a new offer is made, the union said.",
        "The transport minister urged both sides to return to talks under an independent "
        "chair, but ruled out extra government money beyond the \u00a31.2 billion already "
        "promised for this financial year.",
    ),
    modified_min=240,
)

P0 = Text(
    title="Subscriber briefing: what the Karsa offensive means for grain prices",
    summary="The city's silos hold a large share of the north's wheat reserve.",
    paragraphs=(
        "Wheat futures rose 3.1% on Monday as traders weighed the risk that fighting around "
        "Karsa would cut off the largest grain stores in the north of the country, which "
        "hold an estimated 1.8 million tonnes.",
        "The silos, built in the 1980s on the road to the airport, supply mills across the "
        "region. Millers said they had about six weeks of stock, after which bread prices "
        "would have to rise again; the subsidised price was raised by 25% in January.",
        "Analysts at two trading houses said the direct effect on world markets would be "
        "limited, because the country has been a net importer since 2013. But regional "
        "prices could climb sharply: a tonne of imported wheat delivered to the coast already "
        "costs about $265, against $230 a year ago.",
        "The government has asked a neighbouring state for 200,000 tonnes on credit, "
        "according to two officials familiar with the request. No agreement has been "
        "announced.",
        "Humanitarian agencies fear a repeat of the shortages of 2017, when bakeries in the "
        "north closed for weeks. The World Food Programme's appeal for the region is 41% "
        "funded, its officials said on Monday.",
        "Two of the four flour mills in Karsa itself stopped work on Sunday, when their "
        "workers could no longer cross the river safely. Together they produced about 900 "
        "tonnes a day, roughly 12% of the country's output, according to the industry "
        "ministry's figures for last year.",
        "Insurers have also raised premiums for cargo moving through the northern corridor. "
        "One broker said war-risk cover for a 40-tonne lorry had doubled to about $1,100 a "
        "trip since the weekend, and several haulage firms have suspended deliveries "
        "altogether until the road south reopens.",
        "For now, traders expect the price of bread rather than the supply of wheat to be "
        "the first casualty. Much will depend on whether the silos change hands intact.",
    ),
    modified_min=150,
)

# --- the wire dispatch, republished by meridian, harbor and valley (trimmed) ----------------

WIRE_PARAGRAPHS = (
    f"Karsa ({WIRE_CREDIT}) - Government troops backed by heavy artillery pushed deeper into "
    "the rebel-held city of Karsa on Tuesday, as a war monitor said at least 240 people had "
    "been killed since the assault began four days ago.",
    f"Among the dead were 71 civilians, including 18 children, the {MONITOR} said. The "
    "Britain-based monitor, which relies on sources across the country, said the rest were "
    "fighters from both sides.",
    "Columns of black smoke rose over the eastern districts throughout the morning, and "
    "the thud of shelling could be heard every few minutes from the western edge of the "
    "city, where ambulances queued outside the main hospital.",
    "\u201cThey hit the market at seven in the morning, when people were buying bread,\u201d "
    "said Abu Karim, a 58-year-old shopkeeper who fled his home on Tuesday with his wife "
    "and five children. \u201cWe left with nothing but the clothes we are wearing.\u201d",
    "The army said in a statement carried by state media that it had taken control of "
    "\u201cstrategic heights\u201d east of the city and destroyed 12 rebel positions. The "
    "Northern Front denied losing ground.",
    "The United Nations said it was \u201cdeeply alarmed\u201d and urged all sides to allow "
    "safe passage for civilians, warning that fuel for hospital generators would run out "
    "within days.",
    "Doctors at the hospital said they had run short of several blood types and appealed "
    "for donors. Mohammed Saleh, a 41-year-old surgeon, said his team had carried out 37 "
    "operations since Monday morning, most of them on people hit by shrapnel.",
    "In the western districts, bakeries were still open on Tuesday but queues stretched "
    "for hundreds of metres, residents said, and a litre of petrol had tripled in price to "
    "about 7,000 pounds since Saturday.",
    "The offensive is the most serious escalation in the north since a March 2020 truce "
    "between the government and its foreign-backed opponents. Fighting had largely been "
    "confined to sporadic clashes and drone strikes since then.",
    "Karsa, an industrial hub with a 13th-century citadel listed by UNESCO, was home to "
    "about 1.2 million people before the war. Large parts of its old city were destroyed "
    "in fighting in 2016.",
    "The war has killed more than 500,000 people since it erupted in 2011 with the "
    "repression of anti-government protests, and forced around half of the country's "
    "pre-war population from their homes.",
)
WIRE_TRIM = 2  # paragraphs dropped by the trimmed republication
_WIRE_HEADLINE = (Figure("killed", "at_least", 240, MONITOR, "at least 240"),)


def _wire(title: str, summary: str, modified_min: int, trimmed: bool = False) -> Text:
    paragraphs = WIRE_PARAGRAPHS[:-WIRE_TRIM] if trimmed else WIRE_PARAGRAPHS
    return Text(title, summary, paragraphs, modified_min, _WIRE_HEADLINE)


# --- courrier: French, Atom ----------------------------------------------------------------

NBSP = "\u00a0"

F0 = Text(
    title="Grève des contrôleurs aériens : plus de 1 200 vols annulés jeudi",
    summary=(
        "Le mouvement, qui doit durer jusqu'à samedi matin, touche d'abord les aéroports du "
        "sud du pays."
    ),
    paragraphs=(
        f"Plus de 1{NBSP}200 vols ont été annulés jeudi en raison de la grève des contrôleurs "
        "aériens, a indiqué la direction générale de l'aviation civile, qui a demandé aux "
        "compagnies de réduire de 35 % leurs programmes dans les principaux aéroports.",
        "Les syndicats réclament le recrutement de 400 contrôleurs supplémentaires d'ici à "
        "2026 et une revalorisation des primes de nuit. Ils dénoncent des effectifs "
        "insuffisants depuis la reprise du trafic, qui a dépassé l'an dernier son niveau "
        "d'avant la pandémie.",
        "« On travaille à flux tendu tout l'été », explique Marc, contrôleur de 45 ans en "
        "poste depuis dix-huit ans au centre de contrôle régional. « Quand un collègue est "
        "malade, personne ne le remplace. »",
        "Dans les halls de l'aéroport, de nombreux voyageurs ont découvert l'annulation de "
        "leur vol au dernier moment. Une famille de cinq personnes, qui devait partir pour "
        "Lisbonne à 7 h 40, attendait encore un billet de train en milieu de journée.",
        "Les compagnies à bas coût sont les plus touchées. L'une d'elles estime ses pertes à "
        "2,3 millions d'euros par jour de grève et annonce avoir supprimé 180 rotations "
        "jeudi. Une autre a prévenu que le mouvement « tue la saison touristique ».",
        "Le ministre des transports a appelé à « la responsabilité de chacun » et rappelé que "
        "la loi impose aux grévistes de se déclarer 48 heures à l'avance. Une nouvelle réunion "
        "avec les syndicats est prévue lundi au ministère, au 246 boulevard Saint-Germain.",
        "À l'aéroport de Nantes, où 60 % des départs ont été supprimés, les loueurs de "
        "voitures ont été pris d'assaut dès 6 heures. « J'ai loué la dernière voiture, pour "
        "412 euros jusqu'à Paris », raconte une cadre de 38 ans qui devait assister à un "
        "salon professionnel vendredi.",
        "Selon les prévisions de la direction de l'aviation civile, le trafic devrait rester "
        "perturbé vendredi, avec une réduction de 25 % des vols à Marseille et à Nice. Les "
        "passagers sont invités à vérifier le statut de leur vol avant de se rendre à "
        "l'aéroport.",
    ),
    modified_min=200,
)

F1 = Text(
    title=(
        f"Offensive sur Karsa : plus de 255 morts et 14{NBSP}000 déplacés, selon une ONG et l'ONU"
    ),
    summary=(
        "Quatre jours après le début de l'assaut des forces gouvernementales, les quartiers "
        "est de la ville se vident."
    ),
    paragraphs=(
        "L'offensive lancée samedi par les forces gouvernementales sur Karsa, grande ville du "
        "nord du pays, a fait plus de 255 morts, selon le Civil Casualty Monitor (CCM), une "
        "ONG basée au Royaume-Uni qui s'appuie sur un réseau de médecins et de militants sur "
        "place.",
        f"D'après le Bureau de la coordination des affaires humanitaires de l'ONU (OCHA), "
        f"14{NBSP}000 déplacés ont fui les quartiers est de la ville en trois jours. La plupart "
        "ont trouvé refuge dans des écoles et des mosquées de la rive ouest.",
        "Parmi les victimes recensées par l'ONG, 19 ont été tuées dans des frappes aériennes "
        "dans la nuit de lundi à mardi. Ces chiffres n'ont pas pu être vérifiés de source "
        "indépendante, et le gouvernement ne publie pas de bilan.",
        "« Nous opérons dans les couloirs », raconte Samira, infirmière de 34 ans à l'hôpital "
        "Al-Amal, joint par téléphone. « Les générateurs n'ont plus de carburant que pour "
        "quatre jours. » Les urgences ont accueilli plus de 90 blessés pour la seule journée "
        "de lundi.",
        "Un convoi de 24 camions chargés de vivres et de médicaments attend toujours à 30 "
        "kilomètres au sud de la ville. Le Programme alimentaire mondial dit avoir besoin de "
        "38 millions de dollars pour nourrir la population pendant trois mois.",
        "Dans les quartiers ouest, encore épargnés, les boulangeries ouvrent quelques heures "
        f"par jour. Le prix d'un sac de pain est passé de 1{NBSP}500 à 4{NBSP}000 livres en une "
        "semaine, selon des habitants, et l'essence ne se trouve plus qu'au marché noir, à "
        "cinq fois le prix officiel.",
        "Avant la guerre, Karsa comptait environ 1,2 million d'habitants. Le conflit a fait "
        "plus d'un demi-million de morts depuis 2011, selon les estimations des organisations "
        "de défense des droits humains.",
        "L'offensive est la plus importante dans le nord depuis l'effondrement du "
        "cessez-le-feu conclu en mars 2020. Le ministère de la défense affirme vouloir "
        "« rétablir l'autorité de l'État » dans la ville, tenue depuis 2016 par le Front du "
        "Nord.",
    ),
    modified_min=50,
    headline=(
        Figure("killed", "more_than", 255, MONITOR, "plus de 255"),
        Figure("displaced", "exact", 14_000, "OCHA", f"14{NBSP}000"),
    ),
)

# --- harbor: English, news sitemap -----------------------------------------------------------

N1 = Text(
    title="Aid convoy waits outside Karsa as UN says 14,000 displaced",
    summary="Twenty-four trucks have been held at a crossing south of the city since Sunday.",
    paragraphs=(
        "A convoy of 24 trucks carrying food, medicine and fuel was still waiting on Tuesday "
        "night at a crossing 30 kilometres south of Karsa. More than 14,000 people, almost half "
        "of whom are children, have been displaced by four days of fighting in the city, "
        "according to OCHA, the UN's humanitarian office.",
        "More than 255 people have been killed since the government offensive began on "
        f"Saturday, according to the {MONITOR}, a UK-based group that tracks the war through "
        "sources on the ground.",
        "The trucks carry about 2,500 tonnes of flour, hygiene kits and surgical supplies, "
        "enough for roughly a month, according to the UN's humanitarian office. Their drivers "
        "have been sleeping in their cabs since Sunday.",
        "\u201cWe are ready to move the moment someone tells us the road is safe,\u201d said "
        "Omar, a 29-year-old driver from the coast who has made the journey eleven times "
        "since 2021. \u201cEvery day we wait, the medicine gets closer to its expiry date.\u201d",
        "The UN has asked both sides for a pause of at least 72 hours to let the convoy in "
        "and allow civilians to leave. Neither has publicly agreed. The World Food Programme "
        "said its $38 million appeal for Karsa was less than 15% funded.",
        "Most of the displaced have moved to the western side of the city, where 31 schools "
        "and mosques have been turned into shelters. Local volunteers said each centre was "
        "housing two or three times the number of people it was meant for.",
        "\u201cPeople arrive with a plastic bag and the children,\u201d said Huda, a "
        "46-year-old volunteer at a school on 9 Mill Street that now shelters about 600 "
        "people in 14 classrooms. \u201cWe have two toilets working. Blankets ran out on "
        "Monday.\u201d",
        "Aid workers said the greatest risk was to patients who depend on regular treatment. "
        "The city's only dialysis unit, on the third floor of the Al-Amal hospital, treats "
        "about 140 patients a week and has fuel for its generators until Friday.",
    ),
    modified_min=40,
    headline=(
        Figure("killed", "more_than", 255, MONITOR, "More than 255"),
        Figure("displaced", "more_than", 14_000, "OCHA", "More than 14,000"),
    ),
)

# --- valley: English, JSON Feed + RSS ---------------------------------------------------------

V0 = Text(
    title="Karsa SC win 3-1 in \u2018home\u2019 game played 180 km away",
    summary="The league leaders dedicated the victory to supporters who could not travel.",
    paragraphs=(
        "Karsa SC beat Dunmore City 3-1 on Sunday in a match moved to the capital's Almira "
        "Stadium, 180 kilometres south, after the league ruled that their own ground was "
        "unsafe while the offensive on the city continues.",
        "A crowd of 18,500 watched Yusuf Darwish, the 27-year-old striker, score twice in the "
        "second half after Dunmore had taken the lead through a penalty in the 34th minute. "
        "Substitute Karim Aziz added the third in stoppage time.",
        "The win leaves Karsa SC four points clear at the top of the table with 11 games left. "
        "They have won 14 of their 19 league matches this season and lost only two.",
        "\u201cThis is for everyone back home who is sleeping in a basement tonight,\u201d "
        "said the club's 42-year-old coach, Tarek Mansour, who wore a black armband with the "
        "rest of his staff. \u201cThe players knew what this game meant.\u201d",
        "The club said gate receipts of about $150,000 would go to a fund for families in "
        "the city, and that supporters' groups had collected another $32,000 in the stands. "
        "Dunmore City matched the players' donation of one week's wages.",
        "Several hundred Karsa fans who live in the capital made the trip to the stadium, "
        "many of them wearing the club's green and white shirts, first sold in 1964. Tickets "
        "were priced at 5,000 pounds, half the usual price.",
        "Darwish, who joined from a second-division side for a fee of about $400,000 in "
        "2022, now has 17 league goals this season, three short of the club record set in "
        "1989. He said after the match that he had spoken to his parents, who still live in "
        "the city, on the phone at half-time.",
        "The league has not said where Karsa SC will play their next home fixture, against "
        "Port Saleh on the 12th. A decision is expected on Thursday.",
    ),
    modified_min=600,
)


STORIES: tuple[Story, ...] = (
    Story(
        "meridian",
        "A",
        "/world/middle-east/karsa-offensive-toll-1042871",
        "World",
        "Leila Farouk",
        ((0, A0), (1, A1)),
        published_min=120,
        tags=("Karsa", "Conflict"),
    ),
    Story(
        "meridian",
        "R",
        "/world/middle-east/karsa-families-underground-1042860",
        "World",
        "Leila Farouk",
        ((0, R0),),
        published_min=300,
        gone_at=1,
        tags=("Karsa",),
    ),
    Story(
        "meridian",
        "U",
        "/uk/rail-strike-pay-talks-collapse-1042855",
        "UK",
        "Tom Ashby",
        ((0, U0),),
        published_min=240,
        tags=("Transport", "Strikes"),
    ),
    Story(
        "meridian",
        "W",
        "/world/wires/karsa-troops-advance-1042877",
        "World",
        "Agence France-Presse",
        (
            (
                0,
                _wire(
                    "Karsa: troops advance under heavy artillery cover",
                    "A war monitor says at least 240 people have been killed in four days.",
                    60,
                ),
            ),
        ),
        published_min=60,
        wire=True,
        tags=("Karsa",),
    ),
    Story(
        "meridian",
        "P",
        "/private/briefing-karsa-grain-1042880",
        "Business",
        "Daniel Okafor",
        ((0, P0),),
        published_min=150,
        tags=("Subscribers",),
    ),
    Story(
        "courrier",
        "F0",
        "/societe/greve-controleurs-aeriens-vols-annules_6218.html",
        "Société",
        "Claire Dubois",
        ((0, F0),),
        published_min=200,
        tags=("Transports",),
    ),
    Story(
        "courrier",
        "F1",
        "/international/offensive-karsa-morts-deplaces_6231.html",
        "International",
        "Julien Marchand",
        ((1, F1),),
        published_min=50,
        tags=("Karsa", "Conflits"),
    ),
    Story(
        "harbor",
        "W",
        "/news/world/troops-push-deeper-into-karsa/",
        "World",
        "AFP",
        (
            (
                0,
                _wire(
                    "Troops push deeper into Karsa as toll passes 240",
                    "Government forces advanced under artillery cover, a war monitor said.",
                    70,
                ),
            ),
        ),
        published_min=70,
        wire=True,
        tags=("Karsa",),
    ),
    Story(
        "harbor",
        "N",
        "/news/world/aid-convoy-waits-outside-karsa/",
        "World",
        "Harbor Post staff",
        ((1, N1),),
        published_min=40,
        tags=("Karsa", "Aid"),
    ),
    Story(
        "valley",
        "W",
        "/stories/5531-war-monitor-240-dead-in-karsa-assault",
        "World",
        "AFP",
        (
            (
                0,
                _wire(
                    "War monitor: 240 dead in Karsa assault",
                    "The government offensive entered a fourth day.",
                    80,
                    trimmed=True,
                ),
            ),
        ),
        published_min=80,
        wire=True,
        trimmed=True,
        tags=("World",),
    ),
    Story(
        "valley",
        "V",
        "/stories/5524-karsa-sc-win-home-game-played-180km-away",
        "Sport",
        "Nadia Karam",
        ((0, V0),),
        published_min=600,
        tags=("Sport", "Football"),
    ),
)
