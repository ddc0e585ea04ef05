"""The word lists of the entities stage, as data in one place.

Titles recorded before a person's name (matching), name particles, function
words and months, titles, nationality adjectives and the head nouns that hint
at an organisation, a place or an event (discovery).
"""

from __future__ import annotations

#: Titles before a person ("Maj. Gen.", "Prime Minister"): the alternation of a regular expression.
TITLE_WORDS = (
    r"(?:Maj|Gen|Lt|Col|Brig|Capt|Adm|Sgt|Cpl|Pres|Sen|Rep|Gov|Amb|Dr|Mr|Mrs|Ms|Prof|Rev)\.?"
    r"|Major|Lieutenant|General|Colonel|Brigadier|Captain|Admiral|Commander|Marshal"
    r"|President|Vice President|Prime Minister|Foreign Minister|Defen[cs]e Minister|Minister|Ambassador|Speaker"
    r"|Senator|Secretary of State|Secretary|Grand Ayatollah|Ayatollah|Hojatoleslam|Sayyid|Sayed|Sheikh|Shaikh|Mullah"
    r"|King|Prince|Emir|Imam"
)

#: The word right before a name when a title precedes it (the last word of each title above).
TITLE_LAST_WORDS = frozenset(
    """
    Maj Gen Lt Col Brig Capt Adm Sgt Cpl Pres Sen Rep Gov Amb Dr Mr Mrs Ms Prof Rev Major Lieutenant General Colonel
    Brigadier Captain Admiral Commander Marshal President Minister Ambassador Speaker Senator State Secretary Ayatollah
    Hojatoleslam Sayyid Sayed Sheikh Shaikh Mullah King Prince Emir Imam
    """.split()
)

PARTICLES = frozenset("al el ad ar as ash at az an bin ibn bint abu abd abdul e".split())
STOPWORDS = frozenset(
    """
    a an the and or but nor if in on at of for to from by with as after before since until when while where what who whom
    whose why how which this that these those it its he she we they i you his her their our my your him them us me there here
    then so not no yes all any some many most much more one two three four five six seven eight nine ten also even just only
    still yet both each every other another such per via about over under between among against during through without within
    into onto upon like unlike is was are were be been do does did have has had will would can could should may might must
    shall let thanks thank please ok okay yea yeah pfft oh nice well now today yesterday tomorrow meanwhile however although
    though because unless whether across around along near above below again ever never always sometimes perhaps maybe
    according said says say off out up down away back
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
    """.split()
)
TITLES = frozenset(
    """
    president vice prime minister foreign defense defence gen general maj major lt lieutenant col colonel brig brigadier capt
    captain adm admiral commander ambassador ayatollah grand sayyid sayed sheikh shaikh hojatoleslam mullah speaker senator
    secretary king prince emir mr mrs ms dr prof former late
    """.split()
)
DEMONYMS = frozenset(
    """
    american british iranian iraqi syrian russian kurdish persian arab arabic israeli saudi lebanese afghan european western
    eastern northern southern shiite sunni muslim islamic christian jewish english farsi german french chinese turkish asian
    african iranians iraqis americans arabs europeans westerners
    """.split()
)
PREFIX_WORDS = STOPWORDS | TITLES | DEMONYMS
DERIVED_SUFFIXES = ("ians", "ian", "ans", "an", "ns", "n", "is", "i", "ese", "ish", "ites", "ite", "ists", "ist", "s")
ORG_WORDS = frozenset(
    """
    ministry council organization organisation force forces party agency department university army corps guard guards group
    company committee embassy consulate foundation institute bank times news network office service mission parliament
    administration commission court police brigade brigades militia movement front union alliance list tv
    """.split()
)
PLACE_WORDS = frozenset(
    "city river valley gulf sea province zone base mountains island street square airport governorate lake desert strait region "
    "tower towers building palace".split()
)
EVENT_WORDS = frozenset("war operation attack attacks revolution crisis massacre deal agreement treaty conference election elections uprising".split())

# ---------------------------------------------------------------------------
# Type evidence of discovered names (discovery._guess_type; gazetteer)
# ---------------------------------------------------------------------------
#: more head nouns of organisations (the last word of "Ministry of Defence", "Labour Party", "Human Rights Watch" is not one)
ORG_WORDS = ORG_WORDS | frozenset(
    """
    agencies association federation society centre center board authority assembly senate congress church school college
    academy hospital corporation corp inc ltd plc group airlines airways bureau directorate command coalition league
    fund trust institution club team radio television newspaper magazine press programme program
    """.split()
)
#: more head nouns of places
PLACE_WORDS = PLACE_WORDS | frozenset(
    "countryside village town district suburb county avenue road bridge camp port mount peninsula coast bay ocean "
    "neighbourhood neighborhood quarter square hill hills heights plain plains oasis crossing".split()
)
#: lower-case words right after a name that say it is a place ("Hadar village", "Harasta suburb")
PLACE_CUES_AFTER = frozenset(
    "village villages town towns city cities province provinces countryside suburb suburbs district districts region "
    "governorate neighbourhood neighborhood area areas camp border".split()
)
#: the words right before a name that say it is a place ("the town of Albu Kamal", "in Eastern Ghouta", "north of Hama")
PLACE_CUES_BEFORE = frozenset(
    """
    town_of city_of village_of province_of suburb_of region_of district_of countryside_of outskirts_of capital_of
    north_of south_of east_of west_of northeast_of northwest_of southeast_of southwest_of near in_eastern in_western
    in_northern in_southern eastern western northern southern capital
    """.split()
)
#: name particles that make a name a person's: "son of", "servant of" (not "al-": Ahrar al-Sham, Jurf al-Sakhar)
PERSON_PARTICLES = frozenset("bin ibn bint abdul abdel abd".split())
#: well-known news organisations and agencies (a press corpus cites them as sources), compared in lower case
NEWS_ORGANISATIONS = frozenset(
    """
    reuters, afp, agence france-presse, ap, associated press, bbc, cnn, al jazeera, aljazeera, al arabiya, sky news,
    fox news, new york times, washington post, wall street journal, guardian, telegraph, independent, economist,
    financial times, bloomberg, xinhua, tass, ria novosti, sputnik, interfax, irna, isna, fars, tasnim, mehr, press tv,
    anadolu, yonhap, kyodo, efe, ansa, dpa, npr, pbs, nbc, cbs, abc, msnbc, politico, axios, the intercept, intercept,
    al-monitor, al monitor, middle east eye
    """.replace("\n", " ").split(",")
)
NEWS_ORGANISATIONS = frozenset(" ".join(n.split()) for n in NEWS_ORGANISATIONS if n.strip())
#: everyday country names that ISO 3166 (pycountry) lacks, to the country they name
COUNTRY_ALIASES = {
    "Britain": "United Kingdom", "Great Britain": "United Kingdom", "UK": "United Kingdom", "U.K.": "United Kingdom",
    "England": "United Kingdom", "Scotland": "United Kingdom", "Wales": "United Kingdom", "Northern Ireland": "United Kingdom",
    "US": "United States", "U.S.": "United States", "USA": "United States", "U.S.A.": "United States", "America": "United States",
    "United States of America": "United States", "Russia": "Russian Federation", "Syria": "Syria", "Iran": "Iran",
    "Palestine": "Palestine", "Gaza": "Palestine", "West Bank": "Palestine", "South Korea": "Korea, Republic of",
    "North Korea": "Korea, Democratic People's Republic of", "Vietnam": "Viet Nam", "Laos": "Lao People's Democratic Republic",
    "Ivory Coast": "Côte d'Ivoire", "Burma": "Myanmar", "Congo": "Congo",
    "Soviet Union": "Soviet Union", "USSR": "Soviet Union", "Turkey": "Türkiye", "Czech Republic": "Czechia",
    "Holland": "Netherlands", "Vatican": "Holy See", "Bosnia": "Bosnia and Herzegovina", "Macedonia": "North Macedonia",
    "Swaziland": "Eswatini", "East Timor": "Timor-Leste", "Cape Verde": "Cabo Verde",
}
#: continents and regions news names like countries (no gazetteer package lists them)
REGIONS = frozenset(
    """
    Europe, Africa, Asia, Middle East, Near East, Far East, Levant, Persian Gulf, Gulf, Balkans, Caucasus, Scandinavia,
    Latin America, South America, North America, Central America, Caribbean, Central Asia, South Asia, Southeast Asia,
    East Asia, West Africa, East Africa, North Africa, Sub-Saharan Africa, Horn of Africa, Sahel, Maghreb, Kurdistan,
    Mesopotamia, Arabian Peninsula, Sinai, Golan Heights, Western Europe, Eastern Europe, Arctic, Antarctica, Pacific, Atlantic
    """.replace("\n", " ").split(",")
)
REGIONS = frozenset(" ".join(r.split()) for r in REGIONS if r.strip())
#: common English, Arabic, Persian, Turkish, Kurdish and other given names (the first word of a person's name)
GIVEN_NAMES = frozenset(
    """
    aaron adam adrian alan albert alex alexander alfred alice alison amanda amy andrew andy angela ann anna anne anthony
    arthur barbara barry ben benjamin bernard bill billy bob brian bruce carl carol caroline catherine charles charlie
    charlotte chris christine christopher clare claire colin craig daniel david dennis diana donald douglas edward elizabeth
    emily emma eric frank fred frederick gary geoff geoffrey george gerald gordon graham greg harold harry helen henry hillary
    howard hugh ian jack james jane janet jason jean jeff jennifer jeremy jessica jim jimmy joan joe john jonathan joseph
    julia julie justin karen kate keith ken kenneth kevin larry laura lawrence lee lisa liz louise lucy margaret maria mark
    martin mary matthew michael mike nancy neil nicholas nick nicola nigel oliver patricia patrick paul peter philip rachel
    ralph richard robert robin roger ronald ross ruth ryan sally sam samuel sandra sarah scott sean simon stephen steve
    steven stuart susan thomas tim timothy tom tony trevor victoria walter william gordon alastair menzies charles boris
    theresa ed jo kofi colin condoleezza condi dick donald joe barack hillary mitt nancy rudy tommy
    vladimir sergei sergey dmitry mikhail boris viktor igor ivan nikolai yuri alexei
    abdullah abdulla abbas abu ahmad ahmed akbar ali amin amir anwar ashraf ayman bashar bassam fadi faisal farouk fatima
    hafez hamid hamza hassan hasan hussein hossein hussain ibrahim imad ismail jalal jamal jawad kamal karim khaled khalid
    mahmoud mahmud majid mansour marwan mohammed mohammad muhammad mohamed mostafa mustafa muqtada nabil nasser nouri nuri
    omar osama qassem qasem qassim rafik rafiq rami rashid riad saddam said saeed salah salem salim sami samir sayed tariq
    walid yasser yasir youssef yusuf ziad haider haidar adil adel fuad jafar ammar moqtada ayad iyad hamad hamdi tawfiq
    mahmoud javad mohsen hassan hamid ebrahim esmail reza ali akbar mehdi mahdi morteza masoud massoud mojtaba gholam
    hashemi abolfazl ruhollah hadi kazem kazim yahya zaid zayd ehud ariel benjamin binyamin shimon yitzhak moshe avigdor
    tzipi recep ahmet mehmet mustafa kemal abdel abdul salva omar idriss kim jose juan carlos luis miguel pedro jorge
    augusto fidel hugo evo lula nelson thabo jacob robert kofi ban pope hamid nawaz benazir pervez atal narendra manmohan
    """.split()
)
#: names a gazetteer lists as some town but that are, in news text, almost always a person's or a common word
PLACE_STOPLIST = frozenset(
    """
    howard campbell mason lincoln jackson clinton kennedy douglas wilson hamilton franklin harrison
    jefferson madison warren marshall nelson grant tyler taylor morgan
    obama bush trump blair
    said best mobile reading bath deal enterprise independence liberty union unity progress victory
    """.split()
)
