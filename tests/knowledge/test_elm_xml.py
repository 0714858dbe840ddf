"""Europass XML (ELM v3.1 learning opportunities, ELM v2 credentials) on small files written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.catalog import import_report, validate_text
from knowledge.formats import guess_format
from knowledge.store import CatalogStore

SKILL = "http://data.europa.eu/esco/skill/ccdf3597-5c80-410f-896d-e1bdfa223de9"
AUTH = "http://publications.europa.eu/resource/authority"

LOQ = f"""<?xml version="1.0" encoding="UTF-8"?>
<Courses xmlns="http://data.europa.eu/snb/model/ap/loq-constraints/" xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <learningOpportunityReferences>
    <learningOpportunity id="https://amk.example/lo/haavanhoito-2027">
      <title language="fi">Haavanhoidon perusteet</title>
      <title language="en">Wound care basics</title>
      <mode uri="http://data.europa.eu/snb/learning-assessment/920fbb3cbe"/>
      <priceDetail>
        <amount><unit uri="{AUTH}/currency/EUR"/><value>120</value></amount>
      </priceDetail>
      <providedBy idref="https://amk.example/org"/>
      <learningAchievementSpecification idref="https://amk.example/spec/haavanhoito"/>
    </learningOpportunity>
  </learningOpportunityReferences>
  <learningAchievementSpecificationReferences>
    <learningAchievementSpecification id="https://amk.example/spec/haavanhoito">
      <title language="fi">Haavanhoidon perusteet</title>
      <title language="en">Wound care basics</title>
      <description language="fi">Kroonisten haavojen arviointi ja hoito kotihoidossa.</description>
      <description language="en">Assessing and treating chronic wounds in home care.</description>
      <volumeOfLearning>PT54H</volumeOfLearning>
      <creditPoint>
        <framework uri="http://data.europa.eu/snb/education-credit/6fcec5c5af"/>
        <point>2</point>
      </creditPoint>
      <language uri="{AUTH}/language/FIN"/>
      <learningOutcome idref="https://amk.example/lo/1"/>
      <learningOutcome idref="https://amk.example/lo/2"/>
      <learningOutcome idref="https://amk.example/lo/3"/>
    </learningAchievementSpecification>
  </learningAchievementSpecificationReferences>
  <learningOutcomeReferences>
    <learningOutcome id="https://amk.example/lo/1">
      <title language="fi">Arvioi haavan paranemisen vaiheen</title>
      <title language="en">Assess the healing stage of a wound</title>
      <relatedESCOSkill uri="{SKILL}"/>
    </learningOutcome>
    <learningOutcome id="https://amk.example/lo/2">
      <title language="fi">Valitsee haavalle sopivan sidoksen</title>
      <title language="en">Choose a suitable dressing for a wound</title>
    </learningOutcome>
    <learningOutcome id="https://amk.example/lo/3">
      <title language="fi">Ohjaa asiakasta haavan omahoidossa</title>
      <title language="en">Guide the client in caring for the wound</title>
    </learningOutcome>
  </learningOutcomeReferences>
  <agentReferences>
    <organisation id="https://amk.example/org">
      <legalName language="fi">Esimerkin ammattikorkeakoulu</legalName>
      <location><address><countryCode uri="{AUTH}/country/FIN"/></address></location>
    </organisation>
  </agentReferences>
</Courses>
"""

V2 = f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<vp:verifiablePresentation xmlns="http://data.europa.eu/snb" xmlns:vp="http://data.europa.eu/snb/vp"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" id="urn:verifiable:1">
  <europassCredential id="urn:credential:1">
    <title><text content-type="text/plain" lang="es">Certificado</text></title>
    <credentialSubject id="urn:person:1">
      <achievements>
        <learningAchievement id="urn:epass:learningAchievement:1">
          <title>
            <text content-type="text/plain" lang="es">Gestión de residuos en obra</text>
            <text content-type="text/plain" lang="en">Construction waste management</text>
          </title>
          <wasAwardedBy idref="urn:epass:awardingProcess:1"/>
          <specifiedBy idref="urn:epass:qualification:1"/>
        </learningAchievement>
      </achievements>
    </credentialSubject>
    <learningSpecificationReferences>
      <qualification id="urn:epass:qualification:1">
        <title><text content-type="text/plain" lang="es">Gestión de residuos en obra</text></title>
        <description>
          <text content-type="text/plain" lang="es">Clasificar, reducir y documentar los residuos de una obra.</text>
        </description>
        <volumeOfLearning>PT75H</volumeOfLearning>
        <hasECTSCreditPoints>3</hasECTSCreditPoints>
        <language uri="{AUTH}/language/SPA"/>
        <mode uri="http://data.europa.eu/snb/learning-assessment/e92d221e4d"/>
        <eqfLevel uri="http://data.europa.eu/snb/eqf/5"/>
        <learningOutcomes>
          <learningOutcome idref="urn:epass:learningOutcome:1"/>
          <learningOutcome idref="urn:epass:learningOutcome:2"/>
        </learningOutcomes>
      </qualification>
    </learningSpecificationReferences>
    <learningOutcomeReferences>
      <learningOutcome id="urn:epass:learningOutcome:1">
        <prefLabel><text content-type="text/plain" lang="es">Clasifica los residuos según su peligrosidad</text></prefLabel>
        <relatedEscoSkill uri="{SKILL}"/>
      </learningOutcome>
      <learningOutcome id="urn:epass:learningOutcome:2">
        <prefLabel><text content-type="text/plain" lang="es">Redacta el plan de gestión de residuos</text></prefLabel>
      </learningOutcome>
    </learningOutcomeReferences>
    <agentReferences>
      <organization id="urn:epass:org:1">
        <prefLabel><text content-type="text/plain" lang="es">Escuela de Obra Ejemplo</text></prefLabel>
        <hasLocation><hasAddress><country uri="{AUTH}/country/ESP"/></hasAddress></hasLocation>
      </organization>
    </agentReferences>
    <awardingProcessReferences>
      <awardingProcess id="urn:epass:awardingProcess:1"><awardingBody idref="urn:epass:org:1"/></awardingProcess>
    </awardingProcessReferences>
  </europassCredential>
  <ds:Signature><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>
</vp:verifiablePresentation>
"""


def test_learning_opportunities_xml_reads_like_its_json_ld() -> None:
    report = validate_text(LOQ, "elm", "courses.xml", None)
    assert report.ok, [str(e) for e in report.errors]
    (c,) = report.catalog.credentials
    assert (c.title, c.ects, c.hours, c.participation, c.languages) == ("Wound care basics", 2, 54, "online", ("fi",))
    assert (c.price, c.currency) == (120, "EUR")
    assert c.learning_outcomes[0].text == "Assess the healing stage of a wound"
    assert c.learning_outcomes[0].skills == (SKILL,) and len(c.learning_outcomes) == 3
    (finnish,) = c.texts
    assert finnish.language == "fi" and finnish.title == "Haavanhoidon perusteet"
    assert "Ohjaa asiakasta haavan omahoidossa" in finnish.learning_outcomes
    (provider,) = report.catalog.providers
    assert (provider.name, provider.country) == ("Esimerkin ammattikorkeakoulu", "FI")
    assert guess_format(Path("courses.xml"), LOQ) == "elm"


def test_v2_credential_xml_reads_its_own_names_and_warns_that_the_signature_is_not_checked(tmp_path: Path) -> None:
    report = validate_text(V2, "elm", "diploma.xml", None)
    assert report.ok, [str(e) for e in report.errors]
    (c,) = report.catalog.credentials
    assert (c.title, c.ects, c.hours, c.eqf_level) == ("Gestión de residuos en obra", 3, 75, 5)
    assert (c.participation, c.languages) == ("blended", ("es",))
    assert [o.text for o in c.learning_outcomes] == [
        "Clasifica los residuos según su peligrosidad",
        "Redacta el plan de gestión de residuos",
    ]
    assert c.learning_outcomes[0].skills == (SKILL,)
    assert report.catalog.providers[0].country == "ES"
    signature = next(i for i, row in enumerate(V2.splitlines(), 1) if "<ds:Signature>" in row)
    assert any("XML signature" in w.message and w.line == signature for w in report.warnings)
    store = CatalogStore(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert import_report(store, report, replace=True).written
    assert [x.id for x in store.load().credentials] == [c.id]
    store.close()


def test_a_wrong_value_is_located_at_its_xml_line() -> None:
    text = LOQ.replace("<volumeOfLearning>PT54H", "<volumeOfLearning>fifty hours")
    report = validate_text(text, "elm", "courses.xml", None)
    (error,) = report.errors
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "fifty hours" in row)
    assert error.line == line and "ISO 8601 duration" in error.message
    assert not report.catalog.credentials


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>', "DOCTYPE", 2),
        ('<?xml version="1.0"?>\n<Courses>\n  <title language="en">Open\n</Courses>', "not well-formed", 4),
        ("<Courses>" + "<hasPart>" * 70 + "</hasPart>" * 70 + "</Courses>", "nested too deeply", None),
        ('<Courses><agentReferences><organisation id="x"/></agentReferences></Courses>', "holds no ELM", 1),
    ],
)
def test_hostile_and_empty_xml_is_refused_with_its_line(text: str, words: str, line: int | None) -> None:
    report = validate_text(text, "elm", "file.xml", None)
    (error,) = report.errors
    assert words in error.message and error.line == line, str(error)
    assert not report.catalog.credentials


def test_xml_over_the_size_limit_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("knowledge.formats.elm_xml.MAX_BYTES", 100)
    (error,) = validate_text(LOQ, "elm", "big.xml", None).errors
    assert "over the 100-byte limit" in error.message
