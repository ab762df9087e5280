"""Word lists the rules use: operator verbs (calls, threats, intentions), light verbs, people nouns, weapons and the
words of particular frames. Lemmas are lower case. The trigger lemmas of each event type are in
:mod:`extract.event_types`. Edit these lists to teach the extractor new phrasing."""

from __future__ import annotations

import re

# Trigger verbs whose object (or, for "go off", subject) must be a weapon: "set off a bomb", "threw a grenade".
WEAPON_VERBS = {"set", "throw", "hurl", "lob", "plant", "go"}
BODY_PARTS = {"leg", "arm", "eye", "hand", "foot", "limb", "finger", "sight", "hearing", "toe", "ear"}
# Objects that make "attack", "hit", "hurt" figurative: "attacked the proposal", "hurt the industry".
ABSTRACT_OBJECTS = {
    "proposal", "plan", "policy", "idea", "bill", "law", "decision", "budget", "record", "remark", "comment", "claim",
    "position", "stance", "strategy", "program", "programme", "reform", "deal", "agreement", "measure", "view",
    "argument", "approach", "handling", "rhetoric", "economy", "industry", "business", "sale", "price", "chance",
    "reputation", "image", "credibility", "morale", "feeling", "pride", "confidence", "interest", "growth", "profit",
    "rating", "poll", "market", "note", "chord", "nerve", "headline", "jackpot", "milestone", "wall", "snag", "stride",
    "problem", "issue", "question", "belief", "response", "failure", "tax", "spending", "agenda", "administration's",
    "investment", "investor", "tourism", "trade", "export", "import", "earnings", "revenue", "stock", "share",
    "motion", "amendment", "legislation", "order", "search", "warrant", "contract", "merger", "momentum", "story",
    "sanction", "tariff", "fine", "lawsuit", "indictment", "subpoena", "embargo", "ban", "restriction", "levy",
}
# Subjects and objects that make "hit", "strike", "shoot" no attack: "the storm hit the coast", "shot a video".
NATURAL_FORCES = {"hurricane", "storm", "earthquake", "quake", "flood", "typhoon", "cyclone", "tornado", "tsunami",
                  "wave", "virus", "pandemic", "epidemic", "recession", "crisis", "drought", "heatwave", "lightning",
                  "outbreak", "inflation", "downturn"}
FILMED = {"video", "film", "footage", "photo", "picture", "scene", "movie", "documentary", "episode", "clip", "ad",
          "commercial", "hoop", "basket", "goal", "par", "glance", "look"}
# "a heart attack", "a panic attack": illnesses, not attacks.
MEDICAL_WORDS = {"heart", "panic", "asthma", "anxiety", "migraine", "seizure", "cardiac", "stroke"}
# Words of a political contest: candidates "attacking each other" in a debate are criticising each other.
DEBATE_WORDS = {"debate", "campaign", "election", "candidate", "primary", "ad", "advert", "tweet", "rally", "poll"}
DEITIES = {"god", "allah", "lord", "jesus", "heaven"}
# Heads that make a trigger noun or verb generic ("the prevention of an attack", "intent to coerce").
GENERIC_HEADS = {"prevention", "definition", "fear", "risk", "concept", "notion", "glorification", "financing",
                 "likelihood", "possibility", "danger", "intent", "intention", "purpose", "threat"}
# Heads that make a trigger noun before them a kind of thing: "killing field", "attack helicopter", "death penalty".
KIND_HEADS = {"field", "fields", "dog", "helicopter", "rifle", "weapon", "penalty", "row", "warrant", "ad", "aircraft",
              "jet", "plane", "drone", "vehicle", "boat", "submarine", "sub", "capability", "mode", "machine", "spree"}
# Light verbs that put a force into action: "mounted strikes", "carried out raids".
LAUNCH_VERBS = {"mount", "launch", "carry", "conduct", "stage", "unleash", "wage", "intensify", "step", "resume"}

# Verbs that kill when their object is "life": "the attack claimed 12 lives", "took the lives of two soldiers".
LIFE_TAKING_VERBS = {"claim", "take", "cost"}
# A shooting of one named person by another is read as a killing unless its sentence says otherwise.
SHOOTING_FORMS = {"shot", "shoot", "shoots", "shooting"}
SURVIVED = re.compile(r"\b(?:(?<!mortally )(?<!fatally )wound(?:ed|ing|s)?\b|injur\w*|surviv\w*|recover\w*|hospitali[sz]ed|"
                      r"(?:critical|stable|serious) condition|in the (?:leg|arm|foot|hand|"
                      r"shoulder|knee|thigh|buttocks|stomach|back)\b(?! of the head))", re.IGNORECASE)
# Agent nouns that name a killer: "Kennedy's assassin, Lee Harvey Oswald" is a killing by Oswald of Kennedy.
KILLER_NOUNS = {"assassin", "killer", "murderer", "slayer"}
# "murdered on the orders of X", "killed at X's behest": X is the agent.
COMMAND_NOUNS = {"order", "instruction", "command", "behest", "direction", "bidding"}
# "conspired with X in the assassination of Y", "helped X to kill Y", "X was involved in the attack": X took part.
ACCOMPLICE_VERBS = {"conspire", "collude", "plot", "collaborate", "participate", "help", "assist", "join", "work",
                    "involve", "implicate"}
# "launched a wave of attacks", "a spate of bombings carried out by X": the event nouns stand where these do.
SERIES_NOUNS = frozenset({"series", "wave", "spate", "string", "spree", "round", "flurry", "rash", "succession", "volley",
                          "salvo", "number"})
# Verbs whose subject suffers the event: "the soldier lost a leg".
VICTIM_SUBJECT_VERBS = {"lose"}
# "the bombing was blamed on X", "blamed X for the bombing": X did it.
BLAME_VERBS = {"blame", "attribute", "pin"}
# Verdicts and suspicions whose "of"/"for"/"with" phrase names a deed their subject did ("convicted of killing Y").
SUSPICION_WORDS = {"suspect", "accuse", "allege", "charge", "blame", "indict", "arrest", "detain", "question"}
VERDICT_WORDS = SUSPICION_WORDS | {"convict", "guilty", "sentence", "jail", "imprison", "execute", "try", "responsible",
                                   "serve", "prosecute", "acquit", "confess", "admit", "plead", "trial", "conviction"}
# Nouns that only count as triggers with a particle or object that disambiguates them.
NEEDS_PARTICLE = {"blow": "up", "round": "up", "open": "fire", "gun": "down", "pass": "away", "set": "off",
                  "go": "off"}
# Verbs whose subject bears an injury named as their object ("suffered gunshot wounds", "sustained injuries").
BEARING_VERBS = {"suffer", "sustain", "receive", "incur", "treat"}
# Objects that make a threat verb a promise of support ("pledged allegiance to IS"), not a threat.
ALLEGIANCE_NOUNS = {"allegiance", "loyalty", "fealty", "support", "obedience", "bay'ah", "bayat"}
# Verb triggers that need a human or place object to be an event ("hit a checkpoint", "fire at", "target").
NEEDS_OBJECT = {"hit", "target", "strike", "fire", "seize", "capture", "storm", "ram", "direct", "order", "ask",
                "request", "command", "call", "claim", "report", "add", "beat", "execute", "deploy", "occupy", "describe",
                "tell", "state", "demand", "encourage", "hang", "kick", "advise", "recommend", "harm"}
# Nouns that are events only in a military/violent sense when a modifier says so ("US special forces operation").
MILITARY_MODIFIERS = {"military", "special", "force", "forces", "army", "counter", "counter-terrorism", "counterterrorism",
                      "security", "police", "air", "ground", "naval", "raid", "rescue", "commando", "terror", "anti"}

# Verbs whose nominal object is an event done by their subject ("staged attacks", "carried out a bombing").
LIGHT_VERBS = {"carry", "stage", "launch", "conduct", "commit", "perpetrate", "mount", "plot", "plan", "execute",
               "orchestrate", "unleash", "undertake", "claim", "wage", "initiate", "begin", "start", "resume", "step",
               "mastermind", "organize", "organise", "prepare", "attempt", "try", "make", "do", "take",
               "stag"}  # the model's lemma of "staged"

# Verbs that say an event named as their subject or object happened (or not): "no attack took place", "the attack
# did not occur". With light verbs, the only governors whose negation or condition is the event's.
OCCURRENCE_VERBS = {"happen", "occur", "take", "be", "have", "see", "suffer", "witness", "experience", "face", "come"}

# Operators: a governing word changes the modality of the event it governs (innermost operator wins).
CALL_VERBS = {"urge", "call", "appeal", "demand", "order", "command", "instruct", "incite", "exhort", "encourage",
              "implore", "beg", "request", "ask", "summon", "direct", "push", "press", "tell", "invite"}
THREAT_VERBS = {"threaten", "warn", "vow", "pledge", "promise", "swear"}
INTENT_VERBS = {"want", "plan", "intend", "need", "aim", "seek", "hope", "plot", "prepare", "try", "attempt", "consider",
                "wish", "expect", "mean", "decide", "agree", "refuse", "propose", "fear", "scheme", "conspire"}
NEGATING_VERBS = {"deny", "refute", "fail", "prevent", "thwart", "foil", "avert", "stop"}
REPORTING_VERBS = {"say", "tell", "report", "claim", "state", "add", "allege", "believe", "think", "suspect", "accuse",
                   "reportedly", "announce", "confirm", "write", "according"}
INTENT_NOUNS = frozenset({"capacity", "ability", "plan", "plot", "intention", "attempt", "bid", "effort", "scheme",
                          "capability", "threat", "call", "order", "appeal", "demand", "readiness", "willingness",
                          "desire", "risk", "possibility"})
# Nouns of one's own intent or attempt: "the group's decision / plan / attempt to attack" -> the group attacks. The
# intents above but a call, order, appeal or demand (which others carry out) and a risk or possibility (nobody's), and
# decisions, promises, failures and refusals.
OWN_INTENT_NOUNS = ((INTENT_NOUNS - {"call", "order", "appeal", "demand", "risk", "possibility"})
                    | {"decision", "vow", "promise", "pledge", "failure", "refusal", "determination"})
MODAL_AUX = {"could", "might", "may", "would", "should", "can", "must", "shall", "ought"}
CONDITIONAL_MARKS = {"if", "unless", "whether"}
# An explosion or shot nobody meant is no attack ("two accidental explosions", "the device detonated prematurely").
ACCIDENT_WORDS = {"accidental", "accidentally", "premature", "prematurely", "unintended", "unintentionally"}
# Conjunctions of a clause that states the circumstances of another ("while the crusaders are fighting").
SITUATION_MARKS = {"while", "as", "when", "whilst", "because", "since", "although", "though", "whereas", "after"}
NEGATIVE_DETERMINERS = {"no"}

# Verbs whose object is the addressee who is to act ("urged supporters to ..." -> supporters act).
OBJECT_CONTROL = CALL_VERBS | {"force", "persuade", "convince", "instruct", "allow", "help", "lead", "send", "recruit",
                               "train", "pay", "hire", "enable"}

# People nouns: a noun phrase headed by one of these is an actor (a Person, or a Group when plural) even without a name.
PEOPLE_NOUNS = {
    "man", "woman", "boy", "girl", "child", "people", "person", "civilian", "resident", "villager", "citizen", "worshipper",
    "sympathiser", "sympathizer", "supporter", "follower", "militant", "gunman", "gunmen", "fighter", "insurgent", "rebel",
    "guerrilla", "terrorist", "jihadist", "extremist", "attacker", "assailant", "bomber", "shooter", "suspect", "killer",
    "soldier", "troop", "trooper", "officer", "policeman", "policemen", "police", "guard", "agent", "commander", "member",
    "student", "teacher", "worker", "journalist", "reporter", "official", "leader", "victim", "hostage", "prisoner",
    "protester", "demonstrator", "passenger", "driver", "pilgrim", "tourist", "refugee", "family", "relative", "crowd",
    "force", "army", "militia", "group", "cell", "brigade", "unit", "battalion", "squad", "mob", "teen", "teenager",
    "youth", "adult", "infant", "baby", "son", "daughter", "father", "mother", "husband", "wife", "brother", "sister",
    "priest", "imam", "judge", "mayor", "governor", "minister", "president", "lawmaker", "politician", "candidate",
    "employee", "staff", "crew", "inmate", "detainee", "migrant", "settler", "peacekeeper", "paramilitary", "security",
    "individual", "someone", "anyone", "bystander", "neighbor", "neighbour", "friend", "owner", "customer", "patient",
}
# People nouns that name a collective even in the singular: "the army" is a Group.
COLLECTIVE_NOUNS = {"people", "police", "crew", "staff", "army", "force", "militia", "group", "cell", "brigade", "unit",
                    "battalion", "squad", "mob", "crowd", "family", "security", "military", "government", "band"}
# Group nouns that, with a definite determiner or "its", refer back to the article's main organisation.
GROUP_ANAPHORS = {"group", "organisation", "organization", "movement", "outfit", "network", "militia", "faction"}
# Affiliation words: "a man linked to ISIS", "ISIS-affiliated militants", "loyal to".
AFFILIATION_WORDS = {"link", "linked", "affiliate", "affiliated", "tie", "tied", "connect", "connected", "loyal",
                     "allied", "associate", "associated", "close", "aligned", "inspire", "inspired", "belong"}
MEMBERSHIP_WORDS = {"belong", "join"}

WEAPONS = {
    "bomb", "ied", "explosive", "device", "gun", "rifle", "pistol", "handgun", "firearm", "knife", "machete", "grenade",
    "rocket", "missile", "mortar", "drone", "dynamite", "vest", "artillery", "shell", "car", "truck", "vehicle",
    "weapon", "ak-47", "kalashnikov", "shotgun", "bullet", "ammunition", "landmine", "mine", "tank", "helicopter",
    "aircraft", "plane", "jet", "axe", "sword", "chemical", "gas", "poison", "acid", "fire", "arson",
    "munition", "launcher", "rpg", "bazooka", "revolver", "carbine",
}
# Weapons one runs into: "the patrol hit a roadside bomb" is no attack by the patrol.
TRAP_WEAPONS = frozenset({"bomb", "ied", "mine", "landmine", "explosive", "device"})
REFLEXIVES = frozenset({"himself", "herself", "themselves", "itself", "themself"})
# Quantities whose "of" phrase names the people: "hundreds of hostages", "a number of people", "dozens of soldiers".
QUANTITY_NOUNS = {"hundred", "thousand", "dozen", "score", "number", "group", "couple", "handful", "million", "lot",
                  "majority", "total", "crowd", "team", "band"}
# "the body of a trader was found": the trader is who died.
BODY_NOUNS = {"body", "remains", "corpse"}
# Verbs that hand over a message: "issued a warning to residents", "were given an ultimatum".
DELIVERY_VERBS = {"give", "issue", "send", "deliver", "make", "receive", "relay", "transmit", "phone", "telephone"}
# Verbs whose subject can be an attack and whose object is then its target ("the blast hit a bus").
IMPACT_VERBS = {"target", "hit", "strike", "rock", "destroy", "damage", "tear", "rip", "devastate", "level", "wreck"}
# Time words that are never participants, also where lower-case text leaves them without an entity label.
DAY_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
             "tonight", "weekend", "night", "morning", "evening", "afternoon", "dawn", "midnight", "noon"}
# Nouns of a time phrase set off by a comma ("attacked the convoy, the second time this week"): no list item.
TIME_NOUNS = frozenset({"time", "day", "week", "month", "year", "hour", "minute", "period", "occasion", "moment"})
# Prepositions that set an event in time against another ("after the shooting", "following the raid").
TIME_PREPS = {"after", "before", "since", "following", "during", "amid", "until"}
# "the towns of X and Y", "the province of X": the named places are what is meant.
SETTLEMENT_NOUNS = {"town", "city", "village", "province", "region", "district", "state", "county", "island", "port",
                    "capital", "suburb", "neighborhood", "neighbourhood", "municipality", "governorate"}
# Forces whose name before an attack or arrest noun is the agent: "a police shooting", "army raids".
FORCE_NOUNS = {"police", "army", "military", "troop", "soldier", "militant", "rebel", "insurgent", "officer",
               "security", "militia", "guerrilla", "navy", "gunman", "jihadist", "terrorist"}
# Common nouns that name where something happened ("at the bus station", "in the market").
PLACE_NOUNS = {
    "station", "area", "district", "city", "town", "village", "market", "marketplace", "mosque", "church", "synagogue",
    "temple", "school", "university", "street", "road", "highway", "neighborhood", "neighbourhood", "base", "camp",
    "checkpoint", "hospital", "embassy", "airport", "square", "region", "province", "border", "building", "hotel",
    "restaurant", "cafe", "bar", "club", "mall", "stadium", "office", "headquarters", "compound", "prison", "jail",
    "court", "courthouse", "home", "house", "residence", "apartment", "bridge", "port", "harbour", "harbor", "park",
    "shop", "store", "bakery", "bank", "ministry", "palace", "parliament", "capital", "county", "state", "country",
    "territory", "zone", "front", "post", "outpost", "barracks", "farm", "field", "forest", "mountain", "valley",
    "beach", "concert", "venue", "arena", "theater", "theatre", "bus", "train", "subway", "metro", "parking",
    "consulate", "factory", "plant", "refinery", "pipeline", "warehouse", "depot", "garrison", "convoy", "tower",
    "place", "site", "scene", "spot", "location", "premises", "centre", "center", "terminal", "junction", "crossing",
    "intersection", "entrance", "gate", "shrine", "pub", "nightclub", "cinema", "hall", "supermarket", "kindergarten",
}
# Last words of a name that make it a place, whatever label the NER gave it ("Oxford Street", "Bagram Airfield").
TOPONYM_HEADS = frozenset({"street", "st", "road", "rd", "avenue", "ave", "boulevard", "lane", "square", "highway",
                           "airfield", "airport", "district", "province", "neighbourhood", "neighborhood"})
# Prepositions after which a place is where the event happened.
LOCATIVE_PREPS = {"in", "at", "near", "across", "outside", "inside", "around", "throughout", "on", "into", "within",
                  "from", "between", "along", "off", "towards", "toward", "over", "by"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom", "whose"}
PERSONAL_PRONOUNS = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
GROUP_PRONOUNS = {"its", "it", "itself"}
VAGUE_PRONOUNS = {"it", "someone", "somebody", "anyone", "anybody", "something", "this", "that", "one", "nobody",
                  "everyone", "everybody", "whoever"}

# Unions the rules test per token, built once.
FIRED = frozenset(WEAPONS | {"shot", "round"})  # "fired a rocket / two shots / rounds"
WEAPON_SUBJECTS = FIRED | {"blast"}  # "the shots that killed X": a subject that is the instrument, not the agent
DEVICE_OBJECTS = frozenset(WEAPONS | {"explosion", "blast"})  # "set off a bomb / an explosion"
DEVICE_VERBS = frozenset(WEAPON_VERBS | {"detonate", "explode", "blow", "fire"})  # their weapon object: an instrument
ACCUSING_WORDS = frozenset(SUSPICION_WORDS | BLAME_VERBS)  # "accused / blamed X of/for the killing": X did it
NAMING_VERBS = frozenset(LIGHT_VERBS | OCCURRENCE_VERBS)  # verbs that only say who did an event or that it happened
WHERE_VERBS = NAMING_VERBS | IMPACT_VERBS  # their place phrase is where the event in their subject or object was
MEMBER_NOUNS = frozenset(QUANTITY_NOUNS | BODY_NOUNS)  # "hundreds of hostages", "the body of a trader"
PERSON_HEADS = frozenset(PEOPLE_NOUNS | KILLER_NOUNS)  # "murder suspect", "assassination victim": the head is a person
