"""The catalog as ELM v3 learning opportunities, the JSON-LD that Europass receives learning offers in.

Each credential becomes a `LearningOpportunity` (the offering: web page, dates, price, provider, place) whose
`learningAchievementSpecification` is a `LearningAchievementSpecification` (what is learned: outcomes with ESCO
skills, credits, workload, EQF level, languages, entry requirements, assessment, awarding body). A stack is a
specification its components are `isPartOf`; a saved pathway is a learning opportunity whose parts are its steps.
The shape follows the Commission's Learning Opportunities and Qualifications (LOQ) SHACL profile, so Europass
and any ELM reader take it as published. Elements a credential does not state are left out, never defaulted.

The `@context` is inline, with the Commission's own term names (those of its EDC context), so a JSON-LD processor
reads the file without fetching anything and a reader that goes by the compact names reads it unchanged.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.isced import FIELDS
from knowledge.models import Catalog, Credential, Participation, Provider, Stack

if TYPE_CHECKING:
    from rdflib import Graph

ELM = "http://data.europa.eu/snb/model/elm/"
SNB = "http://data.europa.eu/snb/"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
ESCO_SKILLS = "http://data.europa.eu/esco/concept-scheme/skills"
URN = "urn:stackwise:"
UNDETERMINED = "und"  # BCP 47 tag for text whose language the catalog does not state

# Term names as in the Commission's EDC JSON-LD context (edc-ap-context.jsonld), except `value`: the EDC context
# maps it to elm:value, while the LOQ shapes (and the ELM ontology's Amount) require rdf:value.
CONTEXT: dict[str, Any] = {
    "id": "@id",
    "type": "@type",
    "elm": ELM,
    "dc": "http://purl.org/dc/terms/",
    "adms": "http://www.w3.org/ns/adms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rov": "http://www.w3.org/ns/regorg#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **{
        name: f"elm:{name}"
        for name in (
            "Address",
            "Amount",
            "AwardingOpportunity",
            "CreditPoint",
            "Identifier",
            "LearningAchievementSpecification",
            "LearningAssessmentSpecification",
            "LearningOpportunity",
            "LearningOutcome",
            "Note",
            "Organisation",
            "PriceDetail",
            "WebResource",
        )
    },
    "Concept": "skos:Concept",
    "ConceptScheme": "skos:ConceptScheme",
    "Location": "dc:Location",
    "PeriodOfTime": "dc:PeriodOfTime",
    **{
        name: {"@id": f"elm:{name}", "@type": "@id"}
        for name in (
            "additionalNote",
            "address",
            "amount",
            "awardingBody",
            "awardingOpportunity",
            "countryCode",
            "creditPoint",
            "defaultLanguage",
            "educationLevel",
            "entryRequirement",
            "framework",
            "hasPart",
            "isPartOf",
            "learningAchievementSpecification",
            "learningOutcome",
            "location",
            "mode",
            "priceDetail",
            "providedBy",
            "provenBy",
            "relatedESCOSkill",
            "scheduleInformation",
            "unit",
        )
    },
    **{
        name: {"@id": f"elm:{name}", "@container": "@language"}
        for name in ("category", "geographicName", "noteLiteral")
    },
    **{name: {"@id": f"dc:{name}", "@container": "@language"} for name in ("title", "description")},
    "identifier": {"@id": "adms:identifier", "@type": "@id"},
    "notation": {"@id": "skos:notation"},
    "schemeName": {"@id": "elm:schemeName", "@type": "xsd:string"},
    "homepage": {"@id": "foaf:homepage", "@type": "@id"},
    "contentURL": {"@id": "elm:contentUrl", "@type": "xsd:anyURI"},
    "language": {"@id": "dc:language", "@type": "@id"},
    "subject": {"@id": "dc:subject", "@type": "@id"},
    "temporal": {"@id": "dc:temporal", "@type": "@id"},
    "startDate": {"@id": "elm:startDate", "@type": "xsd:dateTime"},
    "duration": {"@id": "elm:duration", "@type": "xsd:duration"},
    "volumeOfLearning": {"@id": "elm:volumeOfLearning", "@type": "xsd:duration"},
    "thematicArea": {"@id": "elm:ISCEDFCode", "@type": "@id"},
    "point": {"@id": "elm:point", "@type": "xsd:string"},
    "value": {"@id": "rdf:value", "@type": "xsd:decimal"},
    "legalName": {"@id": "rov:legalName", "@container": "@language"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
}

# Europass controlled vocabularies, with the concept URIs the Commission's own samples use.
_MODES = {
    Participation.ONLINE: ("920fbb3cbe", "Online"),
    Participation.ONSITE: ("9191af2ed9", "Presential"),
    Participation.BLENDED: ("e92d221e4d", "Blended"),
}
_ECTS = ("education-credit/6fcec5c5af", "European Credit Transfer System")
# Our own subjects for notes that ELM has no property of their own for, named so a reader can tell them apart.
NOTE_QUALITY_ASSURANCE = f"{URN}note-subject:quality-assurance"
NOTE_STACK_CREDITS = f"{URN}note-subject:stack-credits"
_NOTE_LABELS = {NOTE_QUALITY_ASSURANCE: "Quality assurance", NOTE_STACK_CREDITS: "Credits towards a larger credential"}

# ISO 3166-1 alpha-2 -> alpha-3 and ISO 639-1 -> ISO 639-2/T, the codes of the EU country and language authority
# tables (from Debian's iso-codes). Pairs run together: "ADAND" is AD -> AND.
_COUNTRIES = (
    "ADAND AEARE AFAFG AGATG AIAIA ALALB AMARM AOAGO AQATA ARARG ASASM ATAUT AUAUS AWABW AXALA AZAZE BABIH BBBRB "
    "BDBGD BEBEL BFBFA BGBGR BHBHR BIBDI BJBEN BLBLM BMBMU BNBRN BOBOL BQBES BRBRA BSBHS BTBTN BVBVT BWBWA BYBLR "
    "BZBLZ CACAN CCCCK CDCOD CFCAF CGCOG CHCHE CICIV CKCOK CLCHL CMCMR CNCHN COCOL CRCRI CUCUB CVCPV CWCUW CXCXR "
    "CYCYP CZCZE DEDEU DJDJI DKDNK DMDMA DODOM DZDZA ECECU EEEST EGEGY EHESH ERERI ESESP ETETH FIFIN FJFJI FKFLK "
    "FMFSM FOFRO FRFRA GAGAB GBGBR GDGRD GEGEO GFGUF GGGGY GHGHA GIGIB GLGRL GMGMB GNGIN GPGLP GQGNQ GRGRC GSSGS "
    "GTGTM GUGUM GWGNB GYGUY HKHKG HMHMD HNHND HRHRV HTHTI HUHUN IDIDN IEIRL ILISR IMIMN ININD IOIOT IQIRQ IRIRN "
    "ISISL ITITA JEJEY JMJAM JOJOR JPJPN KEKEN KGKGZ KHKHM KIKIR KMCOM KNKNA KPPRK KRKOR KWKWT KYCYM KZKAZ LALAO "
    "LBLBN LCLCA LILIE LKLKA LRLBR LSLSO LTLTU LULUX LVLVA LYLBY MAMAR MCMCO MDMDA MEMNE MFMAF MGMDG MHMHL MKMKD "
    "MLMLI MMMMR MNMNG MOMAC MPMNP MQMTQ MRMRT MSMSR MTMLT MUMUS MVMDV MWMWI MXMEX MYMYS MZMOZ NANAM NCNCL NENER "
    "NFNFK NGNGA NINIC NLNLD NONOR NPNPL NRNRU NUNIU NZNZL OMOMN PAPAN PEPER PFPYF PGPNG PHPHL PKPAK PLPOL PMSPM "
    "PNPCN PRPRI PSPSE PTPRT PWPLW PYPRY QAQAT REREU ROROU RSSRB RURUS RWRWA SASAU SBSLB SCSYC SDSDN SESWE SGSGP "
    "SHSHN SISVN SJSJM SKSVK SLSLE SMSMR SNSEN SOSOM SRSUR SSSSD STSTP SVSLV SXSXM SYSYR SZSWZ TCTCA TDTCD TFATF "
    "TGTGO THTHA TJTJK TKTKL TLTLS TMTKM TNTUN TOTON TRTUR TTTTO TVTUV TWTWN TZTZA UAUKR UGUGA UMUMI USUSA UYURY "
    "UZUZB VAVAT VCVCT VEVEN VGVGB VIVIR VNVNM VUVUT WFWLF WSWSM YEYEM YTMYT ZAZAF ZMZMB ZWZWE XKXKX"
)
_LANGUAGES = (
    "aaAAR abABK aeAVE afAFR akAKA amAMH anARG arARA asASM avAVA ayAYM azAZE baBAK beBEL bgBUL bhBIH biBIS bmBAM "
    "bnBEN boBOD brBRE bsBOS caCAT ceCHE chCHA coCOS crCRE csCES cuCHU cvCHV cyCYM daDAN deDEU dvDIV dzDZO eeEWE "
    "elELL enENG eoEPO esSPA etEST euEUS faFAS ffFUL fiFIN fjFIJ foFAO frFRA fyFRY gaGLE gdGLA glGLG gnGRN guGUJ "
    "gvGLV haHAU heHEB hiHIN hoHMO hrHRV htHAT huHUN hyHYE hzHER iaINA idIND ieILE igIBO iiIII ikIPK ioIDO isISL "
    "itITA iuIKU jaJPN jvJAV kaKAT kgKON kiKIK kjKUA kkKAZ klKAL kmKHM knKAN koKOR krKAU ksKAS kuKUR kvKOM kwCOR "
    "kyKIR laLAT lbLTZ lgLUG liLIM lnLIN loLAO ltLIT luLUB lvLAV mgMLG mhMAH miMRI mkMKD mlMAL mnMON mrMAR msMSA "
    "mtMLT myMYA naNAU nbNOB ndNDE neNEP ngNDO nlNLD nnNNO noNOR nrNBL nvNAV nyNYA ocOCI ojOJI omORM orORI osOSS "
    "paPAN piPLI plPOL psPUS ptPOR quQUE rmROH rnRUN roRON ruRUS rwKIN saSAN scSRD sdSND seSME sgSAG siSIN skSLK "
    "slSLV smSMO snSNA soSOM sqSQI srSRP ssSSW stSOT suSUN svSWE swSWA taTAM teTEL tgTGK thTHA tiTIR tkTUK tlTGL "
    "tnTSN toTON trTUR tsTSO ttTAT twTWI tyTAH ugUIG ukUKR urURD uzUZB veVEN viVIE voVOL waWLN woWOL xhXHO yiYID "
    "yoYOR zaZHA zhZHO zuZUL"
)
ALPHA3_COUNTRY = {pair[:2]: pair[2:] for pair in _COUNTRIES.split()}
ALPHA3_LANGUAGE = {pair[:2]: pair[2:] for pair in _LANGUAGES.split()}


@dataclass(frozen=True)
class PathwayInfo:
    """A saved pathway to export as one learning opportunity: its id, title and the address where it is kept."""

    id: str
    title: str
    homepage: str


def document(catalog: Catalog, credentials: Sequence[Credential] | None = None) -> dict[str, Any]:
    """The JSON-LD document: one learning opportunity per credential, and the stacks those credentials are part of."""
    chosen = list(catalog.credentials if credentials is None else credentials)
    graph: list[dict[str, Any]] = [learning_opportunity(c, catalog) for c in chosen]
    stack_ids = dict.fromkeys(s.stack for c in chosen for s in c.stacks)
    graph += [_stack(catalog.stack_by_id[sid], catalog) for sid in stack_ids if sid in catalog.stack_by_id]
    return {"@context": CONTEXT, "@graph": graph}


def dump(catalog: Catalog) -> str:
    """The document with one graph node a line: a catalog indented in full would be several times larger."""
    doc = document(catalog)
    nodes = ",\n".join(json.dumps(node, ensure_ascii=False, separators=(",", ":")) for node in doc["@graph"])
    context = json.dumps(doc["@context"], indent=2, ensure_ascii=False)
    return f'{{"@context": {context},\n"@graph": [\n{nodes}\n]}}\n'


def pathway_document(catalog: Catalog, pathway: PathwayInfo, steps: Sequence[Credential]) -> dict[str, Any]:
    """A saved pathway: a learning opportunity with the steps' learning opportunities as its parts, in order."""
    doc = document(catalog, _unique(steps))
    doc["@graph"].insert(0, _pathway(pathway, steps, catalog))
    return doc


# -- credentials -----------------------------------------------------------------------------------------------


def opportunity_id(credential_id: str) -> str:
    return f"{URN}learningOpportunity:{credential_id}"


def specification_id(credential_id: str) -> str:
    return f"{URN}learningAchievementSpecification:{credential_id}"


def _described(c: Credential, node_id: str, kind: str, identifier: str) -> dict[str, Any]:
    """A node for the credential: its id, class, our id as an Identifier, title and description in every language."""
    lang = _main_language(c)
    return {
        "id": node_id,
        "type": kind,
        "identifier": _identifier(identifier, c.id, "Stackwise credential id"),
        "title": _texts(c, lang, "title"),
        "description": _texts(c, lang, "description"),
    }


def learning_opportunity(c: Credential, catalog: Catalog) -> dict[str, Any]:
    lo = _described(c, opportunity_id(c.id), "LearningOpportunity", f"{URN}identifier:learningOpportunity:{c.id}")
    if c.url:
        lo["homepage"] = _web_resource(c.url)
    if c.schedule.start_dates:  # ELM allows one period: the first start; every start date is in the note
        lo["temporal"] = {"type": "PeriodOfTime", "startDate": f"{min(c.schedule.start_dates).isoformat()}T00:00:00"}
    if c.duration_weeks is not None:
        lo["duration"] = _days(c.duration_weeks * 7)
    if c.participation is not None:
        lo["mode"] = _mode(c.participation)
    schedule = _schedule_text(c)
    if schedule:
        lo["scheduleInformation"] = _note({"en": schedule})
    if c.price is not None:
        lo["priceDetail"] = {
            "type": "PriceDetail",
            "amount": {"type": "Amount", "unit": _authority("currency", c.currency), "value": f"{c.price:.2f}"},
        }
    provider = catalog.provider_by_id.get(c.provider)
    if provider is not None:
        lo["providedBy"] = organisation(provider)
    if c.delivery.country:
        lo["location"] = _location(c.delivery.country, c.delivery.city)
    lo["learningAchievementSpecification"] = achievement_specification(c, catalog)
    if c.languages:
        lo["defaultLanguage"] = _language(c.languages[0])
    return lo


def achievement_specification(c: Credential, catalog: Catalog) -> dict[str, Any]:
    lang = _main_language(c)
    las = _described(c, specification_id(c.id), "LearningAchievementSpecification", f"{URN}identifier:{c.id}")
    if c.fields:
        las["thematicArea"] = [_isced(code) for code in c.fields]
    if c.hours is not None:
        las["volumeOfLearning"] = _hours(c.hours)
    if c.ects is not None:
        las["creditPoint"] = _credit_points(c.ects)
    if c.eqf_level is not None:
        las["educationLevel"] = _eqf(c.eqf_level)
    if c.languages:
        las["language"] = [_language(code) for code in c.languages]
    if c.participation is not None:
        las["mode"] = _mode(c.participation)
    requirement = _entry_requirement(c, catalog)
    if requirement:
        las["entryRequirement"] = _note({lang: requirement})
    las["learningOutcome"] = [_outcome(c, n, lang) for n in range(len(c.learning_outcomes))]
    if c.assessment is not None:
        las["provenBy"] = {
            "id": f"{URN}learningAssessmentSpecification:{c.id}",
            "type": "LearningAssessmentSpecification",
            "title": {lang: c.assessment},
        }
    notes = []
    if c.quality_assurance is not None:
        notes.append(_note({lang: c.quality_assurance}, NOTE_QUALITY_ASSURANCE))
    for part in c.stacks:
        stack = catalog.stack_by_id.get(part.stack)
        name = stack.title if stack else part.stack
        notes.append(_note({"en": f"Counts for {part.ects:g} ECTS towards {name}."}, NOTE_STACK_CREDITS))
    if notes:
        las["additionalNote"] = notes
    awarding = catalog.provider_by_id.get(c.awarding_body or c.provider)
    if awarding is not None:
        las["awardingOpportunity"] = _awarding(f"{URN}awardingOpportunity:{c.id}", awarding, specification_id(c.id))
    if c.stacks:
        las["isPartOf"] = [_stack_id(part.stack) for part in c.stacks]
    return las


def _outcome(c: Credential, n: int, lang: str) -> dict[str, Any]:
    outcome = c.learning_outcomes[n]
    title = {lang: outcome.text}
    for local in _local_texts(c):
        if local.language != lang and n < len(local.learning_outcomes) and local.learning_outcomes[n]:
            title[local.language] = local.learning_outcomes[n]
    out: dict[str, Any] = {"id": f"{URN}learningOutcome:{c.id}:{n + 1}", "type": "LearningOutcome", "title": title}
    if outcome.skills:
        out["relatedESCOSkill"] = [
            {"id": uri, "type": "Concept", "inScheme": {"id": ESCO_SKILLS, "type": "ConceptScheme"}}
            for uri in outcome.skills
        ]
    return out


def _entry_requirement(c: Credential, catalog: Catalog) -> str:
    """ELM has one note for entry requirements: the text, then the skills and credentials it names."""
    p = c.prerequisites
    parts = [p.text] if p.text else []
    if p.skills:
        parts.append("ESCO skills: " + ", ".join(p.skills) + ".")
    if p.credentials:
        titles = [
            f"{catalog.credential_by_id[cid].title} ({cid})" if cid in catalog.credential_by_id else cid
            for cid in p.credentials
        ]
        parts.append("Credentials: " + "; ".join(titles) + ".")
    return "\n".join(parts)


def _schedule_text(c: Credential) -> str:
    parts = []
    if c.schedule.self_paced:
        parts.append("Self-paced: start at any time.")
    if c.schedule.start_dates:
        parts.append("Starts on " + ", ".join(d.isoformat() for d in sorted(c.schedule.start_dates)) + ".")
    if c.hours_per_week is not None:
        parts.append(f"About {c.hours_per_week:g} hours a week.")
    return " ".join(parts)


# -- providers, stacks and pathways ----------------------------------------------------------------------------


def organisation(p: Provider) -> dict[str, Any]:
    org: dict[str, Any] = {
        "id": f"{URN}organisation:{p.id}",
        "type": "Organisation",
        "identifier": _identifier(f"{URN}identifier:organisation:{p.id}", p.id, "Stackwise provider id"),
        "legalName": {UNDETERMINED: p.name},
    }
    if p.url:
        org["homepage"] = _web_resource(p.url)
    if p.country:
        org["location"] = _location(p.country, p.city)
    return org


def _stack_id(stack_id: str) -> str:
    return f"{URN}learningAchievementSpecification:stack:{stack_id}"


def _stack(s: Stack, catalog: Catalog) -> dict[str, Any]:
    """A stack as the specification its components are part of; it learns what they teach, in their languages."""
    parts = catalog.stack_components(s.id)
    las: dict[str, Any] = {
        "id": _stack_id(s.id),
        "type": "LearningAchievementSpecification",
        "identifier": _identifier(f"{URN}identifier:stack:{s.id}", s.id, "Stackwise stack id"),
        "title": {UNDETERMINED: s.title},
        "category": {UNDETERMINED: s.award},
    }
    if s.description:
        las["description"] = {UNDETERMINED: s.description}
    las |= _combined(parts)
    las["creditPoint"] = _credit_points(s.ects)
    las["educationLevel"] = _eqf(s.eqf_level)
    provider = catalog.provider_by_id.get(s.provider)
    if provider is not None:
        las["awardingOpportunity"] = _awarding(f"{URN}awardingOpportunity:stack:{s.id}", provider, _stack_id(s.id))
    if parts:
        las["hasPart"] = [specification_id(c.id) for c in parts]
    return las


def _pathway(pathway: PathwayInfo, steps: Sequence[Credential], catalog: Catalog) -> dict[str, Any]:
    unique = _unique(steps)
    languages = Counter(c.languages[0] for c in unique if c.languages)
    lang = languages.most_common(1)[0][0] if languages else UNDETERMINED
    las: dict[str, Any] = {
        "id": f"{URN}learningAchievementSpecification:pathway:{pathway.id}",
        "type": "LearningAchievementSpecification",
        "title": {lang: pathway.title},
        **_combined(unique),
    }
    ects = [c.ects for c in unique]
    if ects and all(x is not None for x in ects):
        las["creditPoint"] = _credit_points(sum(x for x in ects if x is not None))
    hours = [c.hours for c in unique]
    if hours and all(h is not None for h in hours):
        las["volumeOfLearning"] = _hours(sum(h for h in hours if h is not None))
    if unique:
        las["hasPart"] = [specification_id(c.id) for c in unique]
    lo: dict[str, Any] = {
        "id": f"{URN}learningOpportunity:pathway:{pathway.id}",
        "type": "LearningOpportunity",
        "title": {lang: pathway.title},
        "homepage": _web_resource(pathway.homepage),
    }
    providers = [catalog.provider_by_id[pid] for pid in dict.fromkeys(c.provider for c in unique)]
    if providers:
        lo["providedBy"] = [organisation(p) for p in providers]
    lo["learningAchievementSpecification"] = las
    if unique:
        lo["hasPart"] = [opportunity_id(c.id) for c in unique]
    if lang != UNDETERMINED:
        lo["defaultLanguage"] = _language(lang)
    return lo


def _combined(parts: Sequence[Credential]) -> dict[str, Any]:
    """Fields, languages and outcomes of a whole made of credentials: those of its parts (outcomes by reference)."""
    out: dict[str, Any] = {}
    fields = list(dict.fromkeys(code for c in parts for code in c.fields))
    if fields:
        out["thematicArea"] = [_isced(code) for code in fields]
    languages = list(dict.fromkeys(code for c in parts for code in c.languages))
    if languages:
        out["language"] = [_language(code) for code in languages]
    outcomes = [f"{URN}learningOutcome:{c.id}:{n + 1}" for c in parts for n in range(len(c.learning_outcomes))]
    if outcomes:
        out["learningOutcome"] = outcomes
    return out


def _unique(credentials: Iterable[Credential]) -> list[Credential]:
    return list({c.id: c for c in credentials}.values())


# -- values ----------------------------------------------------------------------------------------------------


def _main_language(c: Credential) -> str:
    """The language the credential's own texts are in: its first stated language."""
    return c.languages[0] if c.languages else UNDETERMINED


def _local_texts(c: Credential) -> tuple[Any, ...]:
    return tuple(getattr(c, "texts", ()))  # other languages' texts, where the model keeps them


def _texts(c: Credential, lang: str, name: str) -> dict[str, str]:
    texts = {lang: getattr(c, name)}
    for local in _local_texts(c):
        value = getattr(local, name, None)
        if value and local.language not in texts:
            texts[local.language] = value
    return texts


def _identifier(node_id: str, notation: str, scheme: str) -> dict[str, Any]:
    return {"id": node_id, "type": "Identifier", "notation": notation, "schemeName": scheme}


def _web_resource(url: str) -> dict[str, Any]:
    return {"type": "WebResource", "contentURL": url}


def _note(text: dict[str, str], subject: str | None = None) -> dict[str, Any]:
    note: dict[str, Any] = {"type": "Note", "noteLiteral": text}
    if subject is not None:
        note["subject"] = {"id": subject, "type": "Concept", "prefLabel": {"en": _NOTE_LABELS[subject]}}
    return note


def _concept(uri: str, scheme: str, label: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"id": uri, "type": "Concept", "inScheme": {"id": scheme, "type": "ConceptScheme"}}
    if label:
        concept["prefLabel"] = {"en": label}
    return concept


def _snb(path: str, label: str | None = None) -> dict[str, Any]:
    """A concept of a Europass vocabulary; its scheme is the vocabulary's `25831c2` node, as the Commission writes."""
    return _concept(SNB + path, SNB + path.split("/", 1)[0] + "/25831c2", label)


def _authority(table: str, code: str) -> dict[str, Any]:
    return _concept(f"{AUTHORITY}{table}/{code}", f"{AUTHORITY}{table}")


def _language(code: str) -> dict[str, Any]:
    return _authority("language", ALPHA3_LANGUAGE.get(code, code.upper()))


def _mode(participation: Participation) -> dict[str, Any]:
    code, label = _MODES[participation]
    return _snb(f"learning-assessment/{code}", label)


def _eqf(level: int) -> dict[str, Any]:
    return _snb(f"eqf/{level}", f"Level {level}")


def _isced(code: str) -> dict[str, Any]:
    return _snb(f"isced-f/{code}", FIELDS.get(code))


def _credit_points(ects: float) -> dict[str, Any]:
    return {"type": "CreditPoint", "framework": _snb(*_ECTS), "point": _number(ects)}


def _location(country: str, city: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "type": "Location",
        "address": {"type": "Address", "countryCode": _authority("country", ALPHA3_COUNTRY.get(country, country))},
    }
    if city:
        location["geographicName"] = {UNDETERMINED: city}
    return location


def _awarding(node_id: str, body: Provider, specification: str) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": "AwardingOpportunity",
        "awardingBody": organisation(body),
        "learningAchievementSpecification": specification,
    }


def _hours(hours: float) -> str:
    return f"PT{_number(hours)}H"


def _days(days: float) -> str:
    whole = int(days)
    hours = round((days - whole) * 24, 2)
    return f"P{whole}D" + (f"T{_number(hours)}H" if hours else "")


def _number(x: float) -> str:
    """A plain decimal (never an exponent, which xsd:duration and ELM's points do not allow)."""
    return f"{x:.4f}".rstrip("0").rstrip(".")


# -- checking an export against the Commission's shapes (needs pyshacl, a dev dependency) -----------------------

# The LOQ shapes check web addresses with Java regular expressions; Python's `re` (which pyshacl uses) rejects a
# flag after `^` and has no `\p{..}` classes or nested `[..[..]]` unions. The same patterns, in Python's syntax:
_JAVA_TO_PYTHON = (
    ('"^(?i)(http|https):', '"(?i)^(http|https):'),
    (r"[[A-Fa-f0-9]\\:\\.]*[%[\\p{L}\\p{Nl}\\p{Nd}]]*", r"[A-Fa-f0-9:.]*(?:%|[^\\W_])*"),
)


def load_shapes(shapes_dir: Path, every_shape: bool = True) -> Graph:
    """LOQ-constraints.ttl from `shapes_dir`, with its two Java-only URL patterns in Python syntax.

    The profile ships the LearningAchievementSpecification shape deactivated; `every_shape` checks it anyway, since
    that is where our outcomes, credits and levels are.
    """
    from rdflib import SH, Graph

    text = (shapes_dir / "LOQ-constraints.ttl").read_text(encoding="utf-8")
    for java, python in _JAVA_TO_PYTHON:
        text = text.replace(java, python)
    if r"\\p{" in text or '"^(?i)' in text:
        raise ValueError(f"{shapes_dir}/LOQ-constraints.ttl has a Java-only pattern this checker does not translate")
    shapes = Graph().parse(data=text, format="turtle")
    if every_shape:
        shapes.remove((None, SH.deactivated, None))
    return shapes


def shacl_report(text: str, shapes: Graph) -> tuple[int, str]:
    """Violations of an ELM export against the shapes, and pyshacl's report. Reads the inline context only."""
    from pyshacl import validate
    from rdflib import SH, Graph

    data = Graph().parse(data=text, format="json-ld")
    _conforms, report, report_text = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    violations = len(list(report.subjects(SH.resultSeverity, SH.Violation)))
    return violations, str(report_text)


if __name__ == "__main__":  # python -m knowledge.formats.elm_export EXPORT.jsonld SHAPES_DIR
    import sys

    count, report_text = shacl_report(Path(sys.argv[1]).read_text(encoding="utf-8"), load_shapes(Path(sys.argv[2])))
    print(report_text if count else "", f"{count} SHACL violations", sep="\n")
    sys.exit(1 if count else 0)
