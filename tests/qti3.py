"""Offline validation against the QTI 3.0 schemas shipped in tests/data/qti3 (a test helper; the files' origins
and licence are in tests/data/qti3/schemas/README.md and tests/data/qti3/LICENCE)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

DATA_DIR = Path(__file__).parent / "data" / "qti3"
SCHEMA_DIR = DATA_DIR / "schemas"
STUB_DIR = DATA_DIR / "stubs"
ITEM_SCHEMA = SCHEMA_DIR / "imsqti_asiv3p0p1_v1p0.xsd"
MANIFEST_SCHEMA = SCHEMA_DIR / "imsqtiv3p0_imscpv1p2_v1p0.xsd"


class LocalSchemas(etree.Resolver):
    """Serve every schema the QTI files import from the local copies, whatever URL names it."""

    def __init__(self) -> None:
        super().__init__()
        # The official files import by purl.imsglobal.org URL and some vendored copies by bare
        # file name; the last path segment is the same in both, and unique across the folders.
        self.files = {path.name: path for folder in (SCHEMA_DIR, STUB_DIR) for path in folder.glob("*.xsd")}

    def resolve(self, system_url: str, public_id: str | None, context: object) -> object:
        """Return the local copy of a schema, or refuse one that is not shipped."""
        path = self.files.get(system_url.rstrip("/").rsplit("/", 1)[-1])
        if path is None:
            raise LookupError(f"{system_url} is not shipped in {DATA_DIR}; add it (and its origin) there")
        return self.resolve_filename(str(path), context)


def _parser(*, resolve_schemas: bool) -> etree.XMLParser:
    """A parser that never touches the network and expands no entities."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    if resolve_schemas:
        parser.resolvers.add(LocalSchemas())
    return parser


@cache
def compiled(schema_path: Path) -> etree.XMLSchema:
    """Compile a schema and everything it imports, once per test run."""
    return etree.XMLSchema(etree.parse(str(schema_path), _parser(resolve_schemas=True)))


def _errors(schema: etree.XMLSchema, xml_bytes: bytes) -> list[str]:
    """lxml's messages for a document, each with its line number; empty when it is valid."""
    try:
        document = etree.fromstring(xml_bytes, _parser(resolve_schemas=False))
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: {error.msg}"]
    if schema.validate(document):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]


def validate_item(xml_bytes: bytes) -> list[str]:
    """Errors of a qti-assessment-item (or test, section, stimulus) under the QTI 3.0 ASI schema."""
    return _errors(compiled(ITEM_SCHEMA), xml_bytes)


def validate_manifest(xml_bytes: bytes) -> list[str]:
    """Errors of an imsmanifest.xml under the QTI 3.0 content-packaging schema."""
    return _errors(compiled(MANIFEST_SCHEMA), xml_bytes)
