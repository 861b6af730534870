"""QTI 3.0 content packages (1EdTech): export and import. Pure (lxml, zipfile).

Export writes a zip: one ``items/<id>.xml`` ``qti-assessment-item`` per question (its type's mapping,
``app/course/qtypes/<type>/qti.py``, writes the responses, interaction, response processing and
feedback), a ``qti-assessment-test`` holding them all (``test.xml``), and ``imsmanifest.xml`` listing
each as a resource with its metadata: LOM keywords (our tags), LOM difficulty, QTI metadata (the
interactions, how it is scored) and one ``bc:question`` element of our own namespace inside the LOM
record (which admits other namespaces) holding, as JSON, what QTI has no place for: the question's
type and lesson anchor, a passage's line numbers, the Markdown of texts QTI holds only as XHTML, and
whichever fields reading the item back would not give exactly (known wrong answers that are no plain
number, units, spelling, word limits, excludes). The export reads each item back as the importer
does and keeps those fields, so import(export(q)) == q for every question, by construction; the
tests check which fields ride there.

Import reads every item resource of the manifest: our own items by the type their metadata names,
another tool's by its interactions (each type's ``fit``). A package that is no zip, unpacks to more
than it may, names a path outside itself, holds more items than one import takes, declares a DTD
(entity bombs, external entities), or holds an item that is not QTI 3.0 is refused whole, with the
file and line; a QTI 3.0 item we cannot read (a hotspot) is skipped with its reason.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from app.course import qtypes
from app.course.interop.gift import Imported, Skipped, UniqueIds, refuse_many
from app.course.formats.qti_item import (EXPLANATION, QTI, ItemReader, ItemWriter, block_markdown, el, local, our_id,
                                         root_element)
from app.course.limits import MAX_QUESTIONS_PER_FILE, UNLIMITED, Budget
from app.course.markup import render_block
from app.course.passages import with_passage, without_passage
from app.course.words import _

CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
LOM = "http://ltsc.ieee.org/xsd/LOM"
QMD = "http://www.imsglobal.org/xsd/imsqti_metadata_v3p0"
BC = "urn:backchannel:qti-metadata:1"  # our own metadata; any tool but ours skips it
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MANIFEST_LOCATION = " ".join([
    CP, "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd",
    LOM, "https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/imsmd_loose_v1p3p2.xsd",
    QMD, "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_metadatav3p0_v1p0.xsd"])
MANIFEST = "imsmanifest.xml"
ITEM_RESOURCE, TEST_RESOURCE = "imsqti_item_xmlv3p0", "imsqti_test_xmlv3p0"
MAX_PACKAGE_BYTES = 2 * 1024 * 1024  # a zip as uploaded (the app takes no bigger request)
MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # everything in it, unpacked: a zip bomb stops here
MAX_FILE_BYTES = 4 * 1024 * 1024  # one file in it
MAX_FILES = 2 * MAX_QUESTIONS_PER_FILE + 16
# Elements in one item (ours hold at most a few hundred; a cloze of 100 blanks of 100 options some 30,000): reading
# takes about 25 µs and building the tree some 180 bytes per element, so 4 MB of bare <em>s took 9 s and 300 MB.
MAX_ITEM_ELEMENTS = 50_000
# LOM's difficulty vocabulary; its "very easy" and "very difficult" fold into our ends.
DIFFICULTY_TO_LOM = {"easy": "easy", "medium": "medium", "hard": "difficult"}
DIFFICULTY_FROM_LOM = {"very easy": "easy", "easy": "easy", "medium": "medium", "difficult": "hard", "very difficult": "hard"}
FIRST_FIELDS = ("id", "type", "prompt", "explanation", "lesson_anchor", "tags", "difficulty")
_QTI2 = re.compile(r"imsqti_(?:item_)?v2p\d|imsqti_v2p\d")
_MISSING = object()


@dataclass
class Resource:
    """What the manifest says of one item: its file, title, tags, difficulty and our metadata."""

    href: str
    title: str = ""
    tags: list[str] = field(default_factory=list)
    difficulty: str | None = None
    meta: dict = field(default_factory=dict)


# --- Export ------------------------------------------------------------------------------

def _title(data: dict) -> str:
    """A question's title for other tools' lists: the start of its prompt as plain text."""
    words = " ".join(lxml.html.fromstring(render_block(data["prompt"]) or "<p></p>").text_content().split())
    return (words[:77] + "…" if len(words) > 80 else words) or data["id"]


def _write_item(data: dict) -> ItemWriter:
    """The item of one question, its metadata holding what QTI has no place for (but not yet the fields read back wrong)."""
    item = ItemWriter(data["id"], _title(data))
    item.blocks(item.body, "prompt", with_passage(data["prompt"], data.get("passage")))
    mapping(data["type"]).write(data, item)
    item.modal(EXPLANATION, "explanation", data["explanation"])
    item.meta.update({"type": data["type"], "lesson_anchor": data["lesson_anchor"],
                      **({"passage": data["passage"]} if "passage" in data else {})})
    item.finish()
    return item


def _resource_element(item: ItemWriter, data: dict, href: str) -> etree._Element:
    """The manifest's resource for one item: LOM (identifier, title, keywords, difficulty, our JSON) and QTI metadata."""
    qti_metadata = etree.Element(f"{{{QMD}}}qtiMetadata")
    for name, value in (("timeDependent", "false"), *(("interactionType", kind) for kind in item.interactions),
                        ("feedbackType", "nonadaptive"), ("solutionAvailable", str(item.scoring != "human").lower()),
                        ("scoringMode", item.scoring), ("toolName", "Backchannel")):
        etree.SubElement(qti_metadata, f"{{{QMD}}}{name}").text = value
    lom = etree.Element(f"{{{LOM}}}lom")
    general = etree.SubElement(lom, f"{{{LOM}}}general")
    etree.SubElement(etree.SubElement(general, f"{{{LOM}}}identifier"), f"{{{LOM}}}entry").text = data["id"]
    _lang_string(etree.SubElement(general, f"{{{LOM}}}title"), item.root.get("title"))
    for tag in data["tags"]:
        _lang_string(etree.SubElement(general, f"{{{LOM}}}keyword"), tag)
    difficulty = etree.SubElement(etree.SubElement(lom, f"{{{LOM}}}educational"), f"{{{LOM}}}difficulty")
    etree.SubElement(difficulty, f"{{{LOM}}}source").text = "LOMv1.0"
    etree.SubElement(difficulty, f"{{{LOM}}}value").text = DIFFICULTY_TO_LOM[data["difficulty"]]
    etree.SubElement(lom, f"{{{BC}}}question").text = json.dumps(item.meta, ensure_ascii=False, sort_keys=True)
    resource = etree.Element(f"{{{CP}}}resource", identifier=item.root.get("identifier"), type=ITEM_RESOURCE, href=href)
    metadata = etree.SubElement(resource, f"{{{CP}}}metadata")
    metadata.extend([qti_metadata, lom])
    etree.SubElement(resource, f"{{{CP}}}file", href=href)
    return resource


def _lang_string(parent: etree._Element, text: str) -> None:
    """A LOM string in English under ``parent``."""
    string = etree.SubElement(parent, f"{{{LOM}}}string")
    string.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    string.text = text


def _to_bytes(root: etree._Element) -> bytes:
    """A document as UTF-8 with its declaration, indented where no text is."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_item(data: dict) -> tuple[bytes, etree._Element]:
    """One question's item file and its manifest resource; reading them back gives ``data`` exactly.

    The item is read back as the importer reads it; every field that comes back otherwise rides in
    the metadata (``fields``; ``absent`` for one that comes back but was not there).
    """
    href = f"items/{data['id']}.xml"
    item = _write_item(data)
    xml = _to_bytes(item.root)
    found = _read_item(_parse_xml(href, xml), _resource(_resource_element(item, data, href)), "", UniqueIds())[0]
    fields = {name: value for name, value in data.items() if found.get(name, _MISSING) != value}
    absent = sorted(name for name in found if name not in data)
    if fields:
        item.meta["fields"] = fields
    if absent:
        item.meta["absent"] = absent
    return xml, _resource_element(item, data, href)


def export_package(questions: list[dict], title: str) -> bytes:
    """A QTI 3.0 content package (zip) of the questions: items, a test holding them, and the manifest."""
    manifest = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "imsmd": LOM, "imsqti": QMD, "bc": BC, "xsi": XSI},
                             identifier="MANIFEST-backchannel")
    manifest.set(f"{{{XSI}}}schemaLocation", MANIFEST_LOCATION)
    metadata = etree.SubElement(manifest, f"{{{CP}}}metadata")
    etree.SubElement(metadata, f"{{{CP}}}schema").text = "QTI Package"
    etree.SubElement(metadata, f"{{{CP}}}schemaversion").text = "3.0.0"
    etree.SubElement(manifest, f"{{{CP}}}organizations")
    resources = etree.SubElement(manifest, f"{{{CP}}}resources")
    files, refs = {}, []
    for data in questions:
        xml, resource = export_item(data)
        files[resource.get("href")] = xml
        resources.append(resource)
        refs.append(el("qti-assessment-item-ref", identifier=resource.get("identifier"), href=resource.get("href")))
    part = el("qti-test-part", el("qti-assessment-section", *refs, identifier="SECTION", title=title, visible="true"),
              identifier="PART", navigation_mode="nonlinear", submission_mode="simultaneous")
    test = root_element("qti-assessment-test", identifier="TEST", title=title)
    test.append(part)
    test_resource = etree.Element(f"{{{CP}}}resource", identifier="TEST", type=TEST_RESOURCE, href="test.xml")
    etree.SubElement(test_resource, f"{{{CP}}}file", href="test.xml")
    for resource in resources:
        etree.SubElement(test_resource, f"{{{CP}}}dependency", identifierref=resource.get("identifier"))
    resources.insert(0, test_resource)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # A fixed date, so exporting the same questions twice gives the same bytes.
        for name, content in {MANIFEST: _to_bytes(manifest), "test.xml": _to_bytes(test), **files}.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# --- Import ------------------------------------------------------------------------------

def mapping(name: str):
    """The QTI mapping module of type ``name`` (ValueError for a type that has none)."""
    module = qtypes.mapping(name, "qti")
    if module is None:
        raise ValueError(f"question type '{name}' has no QTI mapping")
    return module


def _line_of(content: bytes, marker: bytes) -> int:
    """The line ``marker`` first appears on."""
    return content[: content.find(marker)].count(b"\n") + 1


def _parse_xml(name: str, content: bytes) -> etree._Element:
    """A document of the package, refused (ValueError naming the file and line) when it has a DTD or is not well-formed.

    lxml is told never to expand an entity or fetch anything, and to refuse trees past its safe limits;
    a DTD is refused before parsing, since QTI never needs one and entity bombs come in by it.
    """
    if b"<!DOCTYPE" in content:
        raise ValueError(f"{name}: line {_line_of(content, b'<!DOCTYPE')}: " + _("the file declares a document type "
                                                                                 "(<!DOCTYPE>); QTI needs none, and "
                                                                                 "entity bombs and external entities "
                                                                                 "come in that way"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"{name}: line {error.lineno}: " + _("not well-formed XML (%(msg)s)",
                                                              msg=error.msg)) from error
    if root.getroottree().docinfo.doctype:  # one the byte search missed: another encoding (UTF-16)
        raise ValueError(f"{name}: line 1: " + _("the file declares a document type (<!DOCTYPE>); QTI needs none"))
    return root


def _unpack(data: bytes) -> dict[str, bytes]:
    """Every file of the package by name; refuses (ValueError) what no honest package holds."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise ValueError(_("the package is %(count)s bytes; one import takes at most %(most)s",
                           count=format(len(data), ","), most=format(MAX_PACKAGE_BYTES, ",")))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ValueError(_("this is not a zip file (a QTI content package is a zip with imsmanifest.xml)")) from error
    infos = [info for info in archive.infolist() if not info.is_dir()]
    names = [info.filename for info in infos]
    if twice := next((name for name in names if names.count(name) > 1), None):
        raise ValueError(f"{twice}: " + _("the package holds two files of this name; which one is meant?"))
    if len(infos) > MAX_FILES:
        raise ValueError(_("the package holds %(count)s files; one import takes at most %(most)s",
                           count=format(len(infos), ","), most=format(MAX_FILES, ",")))
    for info in infos:
        name = info.filename
        if (name.startswith("/") or "\\" in name or "\0" in name or re.match(r"^[A-Za-z]:", name)
                or ".." in name.split("/")):
            raise ValueError(f"{name}: " + _("a file named outside the package (an absolute path or '..'); nothing "
                                             "was imported"))
        if info.flag_bits & 0x1:
            raise ValueError(f"{name}: " + _("the file is encrypted"))
        if info.file_size > MAX_FILE_BYTES:
            raise ValueError(f"{name}: " + _("the file unpacks to %(file_size)s bytes; one file may hold at most "
                                             "%(most)s",
                                             file_size=format(info.file_size, ","), most=format(MAX_FILE_BYTES, ",")))
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNPACKED_BYTES:
        raise ValueError(_("the package unpacks to %(declared)s bytes; one import takes at most %(most)s",
                           declared=format(declared, ","), most=format(MAX_UNPACKED_BYTES, ",")))
    files = {}
    for info in infos:
        try:  # zipfile unpacks no more than the (checked) size the zip declares, and checks the CRC
            files[info.filename] = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise ValueError(f"{info.filename}: " + _("the file is damaged or packed in a way we cannot read "
                                                      "(%(error)s)", error=error)) from error
    return files


def _text_of(element: etree._Element | None) -> str:
    """An element's text, spaces collapsed ('' for none)."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _resource(resource: etree._Element) -> Resource:
    """What a manifest resource says of its item (any CP namespace: QTI 2 packages use another)."""
    found = Resource(resource.get("href") or next((f.get("href") for f in resource.iter("{*}file")), ""))
    lom = next(resource.iter(f"{{{LOM}}}lom"), None)
    if lom is None:
        return found
    found.title = _text_of(next(lom.iter(f"{{{LOM}}}title"), None))
    found.tags = [_text_of(keyword) for keyword in lom.iter(f"{{{LOM}}}keyword") if _text_of(keyword)]
    difficulty = next(lom.iter(f"{{{LOM}}}difficulty"), None)
    if difficulty is not None:
        found.difficulty = DIFFICULTY_FROM_LOM.get(_text_of(difficulty.find(f"{{{LOM}}}value")).lower())
    ours = lom.find(f"{{{BC}}}question")
    if ours is not None and ours.text:
        try:
            meta = json.loads(ours.text)
        except (ValueError, RecursionError) as error:
            raise ValueError(_("its %(BC)s metadata is not readable JSON", BC=BC)) from error
        if not isinstance(meta, dict):
            raise ValueError(_("its metadata is not a JSON object"))
        found.meta = meta
    return found


def _check_item(name: str, root: etree._Element) -> None:
    """Refuse an item that is not a QTI 3.0 ``qti-assessment-item``, saying what it is."""
    if root.tag == f"{{{QTI}}}qti-assessment-item":
        return
    namespace = etree.QName(root).namespace or ""
    what = "QTI 2.x" if _QTI2.search(namespace) else f"<{etree.QName(root).localname}> in {namespace or 'no namespace'}"
    raise ValueError(f"{name}: line {root.sourceline}: " + _("the item is %(what)s, not a QTI 3.0 "
                                                             "qti-assessment-item; export it as QTI 3.0", what=what))


def _kind(reader: ItemReader) -> str:
    """The type an item is: ours as its metadata says, another tool's by the type that fits it best."""
    named = reader.meta.get("type")
    if isinstance(named, str) and named in qtypes.NAMES:
        return named
    fits = {name: module.fit(reader) for name in qtypes.NAMES if (module := qtypes.mapping(name, "qti")) is not None}
    best = max(fits, key=fits.get, default=None)
    if best is None or not fits[best]:
        kinds = ", ".join(sorted({local(e).removeprefix("qti-") for e in reader.interactions()})) or "no interaction"
        raise ValueError(_("its interactions (%(kinds)s) have no equivalent here", kinds=kinds))
    return best


def _read_item(root: etree._Element, resource: Resource, default_anchor: str, used: UniqueIds) -> tuple[dict, list[str]]:
    """One item as our question data (still to be checked) and notes on what was lost."""
    reader = ItemReader(root, resource.meta)
    meta = resource.meta
    kind = _kind(reader)
    body = mapping(kind).read(reader)
    prompt, passage = without_passage(reader.text("prompt", block_markdown(reader.prompt_blocks())), meta.get("passage"))
    name = root.get("identifier", "")
    if meta:
        ident = our_id(name)
    else:
        ident = used.first_free(our_id(name))
    used.add(ident)
    explanation = reader.feedback_for(EXPLANATION, "explanation")
    data = {"id": ident, "type": kind, "prompt": prompt or root.get("title", ""),
            "explanation": explanation or "No explanation was given in the imported file.",
            "lesson_anchor": meta.get("lesson_anchor", default_anchor), "tags": resource.tags or ["imported"],
            "difficulty": resource.difficulty or "medium", **body}
    if passage:
        data["passage"] = passage
    fields = meta.get("fields")
    if isinstance(fields, dict):
        data.update(fields)
    for absent in meta.get("absent") or ():
        data.pop(absent, None)
    if not meta and len(reader.all("qti-modal-feedback")) > len(reader.feedback_rules()):
        reader.notes.append(_("feedback not tied to a choice or an answer (right/wrong messages) was dropped"))
    return {**{key: data[key] for key in FIRST_FIELDS if key in data}, **data}, reader.notes


def import_package(data: bytes, default_anchor: str, budget: Budget = UNLIMITED,
                   max_questions: int = MAX_QUESTIONS_PER_FILE) -> tuple[list[Imported], list[Skipped]]:
    """Every item of a QTI 3.0 package as our question data, and every item that had to be skipped.

    Raises ValueError (file and line) for a package refused whole: nothing of it is imported.
    """
    files = _unpack(data)
    if MANIFEST not in files:
        raise ValueError(_("the package has no imsmanifest.xml at its top: it is not a QTI content package"))
    manifest = _parse_xml(MANIFEST, files[MANIFEST])
    if local(manifest) != "manifest":
        raise ValueError(f"{MANIFEST}: line {manifest.sourceline}: " + _("the manifest starts with <%(local)s>, not "
                                                                         "<manifest>", local=local(manifest)))
    resources = list(manifest.iter("{*}resource"))
    items = [resource for resource in resources if resource.get("type") == ITEM_RESOURCE]
    if not items and any(_QTI2.search(resource.get("type", "")) for resource in resources):
        raise ValueError(f"{MANIFEST}: " + _("the package holds QTI 2.x items, not QTI 3.0; export it as QTI 3.0"))
    refuse_many(len(items), max_questions)
    parsed, listed = [], {}
    for resource in items:  # every file is checked before any question is read: a hostile one refuses the whole package
        href = posixpath.normpath(resource.get("href") or next((f.get("href") for f in resource.iter("{*}file")), ""))
        if href.startswith("../") or href.startswith("/") or href == "..":
            raise ValueError(f"{MANIFEST}: line {resource.sourceline}: " + _("item '%(href)s' is outside the package",
                                                                             href=href))
        if href not in files:
            raise ValueError(f"{MANIFEST}: line {resource.sourceline}: " + _("the manifest lists '%(href)s', which "
                                                                             "the package does not hold", href=href))
        if href in listed:  # else one file would be parsed and read once per listing: a few KB could fill gigabytes
            raise ValueError(f"{MANIFEST}: line {resource.sourceline}: " + _("'%(href)s' is listed for two items "
                                                                             "(first on line %(listed)s); each item "
                                                                             "has a file of its own",
                                                                             href=href, listed=listed[href]))
        listed[href] = resource.sourceline
        budget.check()
        root = _parse_xml(href, files[href])
        _check_item(href, root)
        if (elements := sum(1 for _ in root.iter())) > MAX_ITEM_ELEMENTS:
            raise ValueError(f"{href}: line {root.sourceline}: " + _("the item holds %(elements)s elements; one item "
                                                                     "may hold at most %(most)s",
                                                                     elements=format(elements, ","), most=format(MAX_ITEM_ELEMENTS, ",")))
        parsed.append((resource, href))
    imported, skipped, used = [], [], UniqueIds()
    for resource, href in parsed:
        budget.check()
        # Parsed again rather than kept: one item's tree at a time, where keeping all of them made 32 MB of dense
        # markup (a 64 KB zip) into 1.3 GB of trees.
        root = _parse_xml(href, files[href])
        name = f"{root.get('title') or root.get('identifier') or href} ({href})"
        try:
            found = _resource(resource)
            found.href = href
            question, notes = _read_item(root, found, default_anchor, used)
        except (ValueError, KeyError, TypeError, IndexError) as error:
            skipped.append(Skipped(name, root.sourceline or 1, _("%(error)s; skipped", error=error)))
            continue
        imported.append(Imported(name, root.sourceline or 1, question, notes))
    return imported, skipped

