"""The shipped QTI 3.0 schemas and tests/qti3.py: they compile offline, accept items and manifests written
by the book (1EdTech's QTI 3.0 examples) and reject broken ones with the line of the fault."""

import re

import pytest
from lxml import etree

from tests.qti3 import DATA_DIR, ITEM_SCHEMA, MANIFEST_SCHEMA, SCHEMA_DIR, LocalSchemas, validate_item, validate_manifest

# A choice item shaped like 1EdTech's QTI3_BeginnersGuide_Examples/items/firstexample.xml. Line numbers
# matter below: the second choice is on line 20, the interaction on line 17, and lxml puts a fault of the
# root on line 5, where its start tag ends.
ITEM = b"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsglobal.org/xsd/imsqtiasi_v3p0 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd"
    identifier="capital-of-nepal" title="Capital of Nepal" adaptive="false" time-dependent="false" xml:lang="en">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response>
      <qti-value>B</qti-value>
    </qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float">
    <qti-default-value>
      <qti-value>0</qti-value>
    </qti-default-value>
  </qti-outcome-declaration>
  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="1" shuffle="true">
      <qti-prompt>Which city is the capital of Nepal?</qti-prompt>
      <qti-simple-choice identifier="A">Pokhara</qti-simple-choice>
      <qti-simple-choice identifier="B">Kathmandu</qti-simple-choice>
      <qti-simple-choice identifier="C">Lalitpur</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct"/>
</qti-assessment-item>
"""

# A package manifest shaped like 1EdTech's QTI3_BeginnersGuide_Examples/imsmanifest.xml, with one item.
# (That example says schemaversion 3.0.1, which this 3.0 content-packaging schema does not allow.)
MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
    identifier="backchannel-package">
  <metadata>
    <schema>QTI Package</schema>
    <schemaversion>3.0.0</schemaversion>
  </metadata>
  <organizations/>
  <resources>
    <resource identifier="capital-of-nepal" type="imsqti_item_xmlv3p0" href="items/capital-of-nepal.xml">
      <file href="items/capital-of-nepal.xml"/>
    </resource>
  </resources>
</manifest>
"""


def test_a_choice_item_written_by_the_book_is_valid():
    assert validate_item(ITEM) == []


@pytest.mark.parametrize(
    ("broken", "line", "words"),
    [
        (
            ITEM.replace(b'<qti-simple-choice identifier="B">Kathmandu</qti-simple-choice>', b'<qti-simple-choise identifier="B">Kathmandu</qti-simple-choise>'),
            20,
            ["qti-simple-choise", "not expected"],
        ),
        (ITEM.replace(b'<qti-choice-interaction response-identifier="RESPONSE" ', b"<qti-choice-interaction "), 17, ["response-identifier", "required but missing"]),
        (ITEM.replace(b' time-dependent="false"', b""), 5, ["qti-assessment-item", "time-dependent", "required but missing"]),
    ],
    ids=["misspelt element", "interaction without response-identifier", "item without time-dependent"],
)
def test_a_broken_item_fails_on_the_line_of_the_fault(broken, line, words):
    errors = validate_item(broken)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"line {line}: "), errors
    assert all(word in errors[0] for word in words), errors


def test_an_item_that_is_not_well_formed_reports_the_parser_line():
    errors = validate_item(ITEM.replace(b"</qti-item-body>", b""))
    assert len(errors) == 1 and re.match(r"line 25: .*qti-item-body", errors[0]), errors


def test_a_minimal_package_manifest_with_one_item_is_valid():
    assert validate_manifest(MANIFEST) == []


def test_a_manifest_resource_of_the_wrong_type_fails_on_its_line():
    errors = validate_manifest(MANIFEST.replace(b'type="imsqti_item_xmlv3p0"', b'type="imsqti_item_xmlv2p2"'))
    assert errors and errors[0].startswith("line 12: "), errors
    assert "imsqti_item_xmlv2p2" in errors[0] and "type" in errors[0], errors


def test_an_item_is_not_a_manifest_and_the_other_way_round():
    assert any("No matching global declaration" in error for error in validate_manifest(ITEM))
    assert any("No matching global declaration" in error for error in validate_item(MANIFEST))


def test_every_schema_location_in_the_shipped_schemas_resolves_to_a_shipped_file():
    """Compiling never needs the network: each import, include and redefine names a file we ship."""
    files = LocalSchemas().files
    locations = {
        node.get("schemaLocation")
        for path in SCHEMA_DIR.glob("*.xsd")
        for node in etree.parse(str(path)).iter("{http://www.w3.org/2001/XMLSchema}import", "{http://www.w3.org/2001/XMLSchema}include", "{http://www.w3.org/2001/XMLSchema}redefine")
        if node.get("schemaLocation")
    }
    assert locations, "no imports found: the schemas were not read"
    missing = sorted(location for location in locations if location.rstrip("/").rsplit("/", 1)[-1] not in files)
    assert missing == [], f"not shipped in {DATA_DIR}: {missing}"
    assert ITEM_SCHEMA.name in files and MANIFEST_SCHEMA.name in files
