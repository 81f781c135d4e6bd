"""One vocabulary of person titles and pronouns, for every module that needs one.

Titles ("President", "Gen.", "Mr") and pronouns ("he", "they") are cues in four places: name
discovery (:mod:`analysis.entities.discovery`: a title before a capitalised sequence makes it a
PERSON), Russian/Ukrainian name discovery (:mod:`analysis.entities.cyrillic`), speaker
attribution of quotes (:mod:`analysis.framing.quotes`, :mod:`analysis.framing.quotes_cyr`: the
words dropped from the front of a speaker, pronoun speakers) and document sentiment toward a
person (:mod:`analysis.sentiment.target`: pronouns after a mention, titles skipped before a
surname). They all read their lists from here.

The lists are not one flat set because each use needs a different cut, and merging them would move
the tested and evaluated figures (NER, quote attribution, PerSenT): each use gets a documented
subset, and ``tests/test_vocabulary.py`` checks how the subsets relate (the honorifics of
:data:`DOCUMENT_TITLES_EN` are titles of :data:`TITLES_EN`, the speaker pronouns are
:data:`PRONOUNS_EN` without possessives, ...). Add a word where its use needs it; to add it
everywhere, add it to each list that should have it and check the evaluate commands.

>>> "Gen." in TITLES_EN, "gen" in DOCUMENT_TITLES_EN, SPEAKER_PRONOUNS_EN["they"]
(True, True, 'group')
>>> sorted(THIRD_PERSON_PRONOUNS_EN - set(SPEAKER_PRONOUNS_EN))
['hers', 'his', 'its', 'their']
"""

from __future__ import annotations

__all__ = [
    "TITLES_EN",
    "SPEAKER_TITLES_EN",
    "DOCUMENT_TITLES_EN",
    "PRONOUNS_EN",
    "POSSESSIVE_PRONOUNS_EN",
    "THIRD_PERSON_PRONOUNS_EN",
    "SPEAKER_PRONOUNS_EN",
    "TITLES_CYR",
    "SPEAKER_TITLES_CYR",
    "SPEAKER_PRONOUNS_CYR",
]

# ----------------------------------------------------------------------------------------- English
#: Titles, ranks, offices and honorifics before an English name, as written (case and the full
#: stop matter: "Gen", "Gen.", "Mr", "Mr."). Name discovery's cue for PERSON (Mikheev, Moens &
#: Grover 1999) and the words it strips from the front of a discovered name.
TITLES_EN = frozenset("""
President Presidents Prime Minister Ministers Foreign Defence Defense Secretary General Gen Gen. Lt Lt. Col Col.
Colonel Major Maj Maj. Captain Capt Capt. Sergeant Sgt Sgt. Admiral Adm Adm. Commander Chancellor Chairman
Chairwoman Chair Senator Sen Sen. Rep Rep. Representative Governor Gov Gov. Mayor Ambassador Mr Mr. Mrs Mrs. Ms
Ms. Dr Dr. Prof Prof. Professor King Queen Pope Patriarch Deputy Vice Chief Head Spokesman Spokeswoman
Spokesperson Lieutenant Marshal Colonel-General Lieutenant-General Major-General Brigadier Archbishop Metropolitan
Director Speaker Premier Commissioner Judge Private Corporal Tsar Tsarina Emperor Empress Prince Count Duke Grand Kaiser Officer Secretary-General Acting Former First Lady
Press Sergeant-Major Envoy Special Representative Minister-Counsellor Counsellor Attorney Senior Junior Assistant
Undersecretary Under Ombudsman Commissioner Sheikh Emir Crown Prince Princess Sir Dame Lord Lady Saint St St.
Leader Presidential Executive Director-General CEO Founder Chief-of-Staff Officials Official Sen.
""".split())

#: Lower-cased words that may precede a quoted speaker's name and are not part of it: titles and
#: offices, plus the descriptors news puts before a speaker ("Russian", "former", "the",
#: "Kremlin", "analyst"). Speaker attribution drops them ("Russian Foreign Minister Sergei Lavrov"
#: -> "Sergei Lavrov") and does not take them for a name.
SPEAKER_TITLES_EN = frozenset({
    "president", "prime", "minister", "ministers", "foreign", "defence", "defense", "secretary", "general",
    "spokesman", "spokeswoman", "spokesperson", "chancellor", "chief", "commander", "deputy", "mayor",
    "governor", "ambassador", "senator", "sen.", "rep.", "gen.", "lt.", "col.", "maj.", "mr.", "mrs.", "ms.",
    "dr.", "prof.", "former", "russian", "ukrainian", "us", "u.s.", "american", "british", "german", "french",
    "polish", "belarusian", "kremlin", "head", "leader", "speaker", "state", "vice", "the", "pope", "king",
    "queen", "director", "director-general", "adviser", "advisor", "official", "officials", "envoy",
    "press", "analyst", "expert", "lawmaker", "mp", "colonel", "lieutenant", "captain", "sergeant",
})

#: Lower-cased honorifics (no full stop) that open a full name in a document; the PerSenT document
#: scorer does not take them for the person's first name (every one is a title of :data:`TITLES_EN`).
DOCUMENT_TITLES_EN = frozenset({"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "prime", "minister", "gen"})

#: English personal pronouns and what they can refer to: a person, a group, an organisation or
#: country ("it", "its"), or the speaker's own side ("we", "I").
PRONOUNS_EN: dict[str, str] = {
    "he": "person", "him": "person", "his": "person", "she": "person", "her": "person", "hers": "person",
    "they": "group", "them": "group", "their": "group", "it": "org", "its": "org", "we": "self", "i": "self",
}
#: Possessive-only forms ("her" is also the object form, so it is not here).
POSSESSIVE_PRONOUNS_EN = frozenset({"his", "hers", "their", "its"})
#: Third-person pronouns, possessives included: a pronoun that continues a mention of a person
#: (document sentiment toward a person: pronouns that follow a mention count as mentions).
THIRD_PERSON_PRONOUNS_EN = frozenset(w for w, kind in PRONOUNS_EN.items() if kind != "self")
#: Pronouns that can be a quote's speaker ("he said", "they told"), with their kind: no possessives.
SPEAKER_PRONOUNS_EN: dict[str, str] = {w: kind for w, kind in PRONOUNS_EN.items() if w not in POSSESSIVE_PRONOUNS_EN}

# -------------------------------------------------------------------------------- Russian/Ukrainian
#: Titles and role nouns before a Russian/Ukrainian name, per language, with their frequent case
#: forms (name discovery's PERSON cue).
TITLES_CYR = {
    "ru": frozenset("""президент президента премьер премьер-министр министр министра глава главы мэр мэра губернатор
губернатора генерал генерала полковник командующий командующего посол посла депутат депутата спикер спикера речник
пресс-секретарь представитель представителя журналист журналиста эксперт эксперта политолог аналитик директор директора
руководитель руководителя председатель председателя советник советника канцлер король папа патриарх замминистра
заместитель заместителя вице-премьер лидер лидера сенатор сенатора офицер офицера боец бойца военный блогер""".split()),
    "uk": frozenset("""президент президента прем'єр прем'єр-міністр прем'єр-міністра міністр міністра голова голови мер мера
губернатор губернатора генерал генерала полковник командувач командувача посол посла депутат депутата спікер спікера
речник речника речниця пресс-секретар представник представника журналіст журналіста експерт експерта політолог аналітик
директор директора керівник керівника очільник очільника радник радника канцлер король папа патріарх заступник
заступника віце-прем'єр лідер лідера сенатор сенатора офіцер офіцера боєць бійця військовий блогер волонтер волонтерка
омбудсман""".split()),
}

#: Role words dropped from the front of a quoted speaker ("Глава МИД Сергей Лавров" -> "Сергей
#: Лавров"); Russian and Ukrainian together, base forms.
SPEAKER_TITLES_CYR = frozenset({
    "президент", "премьер", "премьер-министр", "министр", "глава", "пресс-секретарь", "генсек", "губернатор",
    "мэр", "депутат", "посол", "председатель", "спикер", "директор", "командир", "командующий", "генерал",
    "полковник", "официальный", "представитель", "канцлер", "замглавы", "вице-премьер", "эксперт", "политолог",
    "прем'єр", "прем'єр-міністр", "міністр", "голова", "речник", "речниця", "очільник", "командувач",
    "представник", "мер", "депутатка", "міністерка", "експерт", "політолог", "радник", "советник",
})

#: Pronouns that can be a quote's speaker, per language.
SPEAKER_PRONOUNS_CYR = {"ru": frozenset({"он", "она", "они"}), "uk": frozenset({"він", "вона", "вони"})}
