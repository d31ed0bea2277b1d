#!/usr/bin/env python3
"""Generates data/privacy/table_e1_1.tsv, MedSight's de-identification rule table, from the text
of DICOM PS3.15 Table E.1-1 "Application Level Confidentiality Profile Attributes".

Every row of the standard's table becomes one row of the TSV; nothing is picked by hand. Three
sources are understood:

  --docbook part15.xml   the official DocBook XML of PS3.15 (table xml:id="table_E.1-1")
  --html part15.html     the official HTML rendering (the table whose caption names E.1-1)
  --compact FILE         the compact transcription kept in data/privacy/source/ (default)

Names and VRs come from the DCMTK data dictionary (PS3.6), which MedSight already depends on, so
the table stays joinable with what DCMTK reads. The output is deterministic (sorted by tag) so a
regenerated file diffs cleanly.

Usage:
  python3 scripts/privacy/generate_table_e1_1.py [--compact F | --docbook F | --html F]
                                                 [--dictionary dicom.dic] [--output TSV]
"""

import argparse
import html.parser
import re
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_COMPACT = REPO / "data/privacy/source/ps3.15-2025a-table-e1-1.compact.txt"
DEFAULT_OUTPUT = REPO / "data/privacy/table_e1_1.tsv"
DEFAULT_DICTIONARY = Path("/usr/share/libdcmtk17/dicom.dic")

# The ten option columns of Table E.1-1, left to right, with MedSight's TSV column names.
OPTION_COLUMNS = [
    "rtn_safe_private",
    "rtn_uids",
    "rtn_device_identity",
    "rtn_institution_identity",
    "rtn_patient_characteristics",
    "rtn_long_full_dates",
    "rtn_long_modified_dates",
    "clean_descriptors",
    "clean_structured_content",
    "clean_graphics",
]
ACTION = re.compile(r"^(?:[DZXKCU](?:/[DZXKCU])*)$")
TAG_TEXT = re.compile(r"^\(([0-9A-Fa-fxX]{4}),([0-9A-Fa-fxX]{4})\)$")
PRIVATE_ROW = "GGGGEEEE"


class Row:
    def __init__(self, tag, basic, options, source_name=""):
        if tag != PRIVATE_ROW and not re.fullmatch(r"[0-9A-Fx]{8}", tag):
            raise ValueError(f"bad tag {tag!r}")
        basic = basic.rstrip("*").strip()
        if not ACTION.match(basic):
            raise ValueError(f"{tag}: bad basic profile action {basic!r}")
        for code in options.values():
            if not ACTION.match(code):
                raise ValueError(f"{tag}: bad option action {code!r}")
        self.tag, self.basic, self.options, self.source_name = tag, basic, options, source_name


def normalise_tag(group, element):
    return (group + element).upper().replace("X", "x")


def read_compact(path):
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) not in (2, 3):
            raise ValueError(f"{path}:{number}: expected 'TAG BASIC [OVERRIDES]'")
        tag = parts[0] if parts[0] == PRIVATE_ROW else normalise_tag(parts[0][:4], parts[0][4:])
        overrides = parts[2] if len(parts) == 3 else ""
        if len(overrides) % 2:
            raise ValueError(f"{path}:{number}: odd override token {overrides!r}")
        options = {}
        for i in range(0, len(overrides), 2):
            options[OPTION_COLUMNS[int(overrides[i])]] = overrides[i + 1]
        rows.append(Row(tag, parts[1], options))
    return rows


def row_from_cells(cells):
    """One table row as 15 cell texts: name, tag, retired, in IOD, basic, 10 options."""
    if len(cells) != 15:
        return None
    name, tag_text = cells[0], cells[1].replace("\u200b", "").strip()
    if "gggg" in tag_text.lower():
        tag = PRIVATE_ROW
    else:
        match = TAG_TEXT.match(tag_text)
        if not match:
            raise ValueError(f"unreadable tag {tag_text!r} in row {name!r}")
        tag = normalise_tag(match.group(1), match.group(2))
    options = {OPTION_COLUMNS[i]: code.strip() for i, code in enumerate(cells[5:]) if code.strip()}
    return Row(tag, cells[4], options, name)


def read_docbook(path):
    root = ElementTree.parse(path).getroot()
    xml_id = "{http://www.w3.org/XML/1998/namespace}id"
    table = next((e for e in root.iter() if e.tag.endswith("table") and
                  e.attrib.get(xml_id) == "table_E.1-1"), None)
    if table is None:
        raise ValueError(f"{path}: no table_E.1-1")
    rows = []
    for tr in (e for e in table.iter() if e.tag.endswith("tr")):
        cells = ["".join(c.itertext()).strip() for c in tr if c.tag.endswith(("td", "th"))]
        if cells and cells[0].startswith("Attribute Name"):
            continue
        row = row_from_cells(cells)
        if row:
            rows.append(row)
    return rows


class _HtmlTables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.text, self.row, self.cell, self.depth = [], [], None, None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": " ".join(self.text[-3:]), "rows": []})
        elif tag == "tr" and self.tables:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1]["rows"].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        elif data.strip():
            self.text.append(data.strip())


def read_html(path):
    parser = _HtmlTables()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    for table in parser.tables:
        if "E.1-1" in table["caption"]:
            return [r for r in (row_from_cells(c) for c in table["rows"]) if r]
    raise ValueError(f"{path}: no table captioned E.1-1")


def read_dictionary(path):
    entries = {}
    for line in Path(path).read_text(encoding="latin-1").splitlines():
        if not line.startswith("("):
            continue
        fields = line.split("\t")
        match = re.match(r"^\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)$", fields[0])
        if match and len(fields) >= 3:
            entries[(match.group(1) + match.group(2)).upper()] = (fields[2], fields[1])
    return entries


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--compact", type=Path)
    source.add_argument("--docbook", type=Path)
    source.add_argument("--html", type=Path)
    parser.add_argument("--dictionary", type=Path, default=DEFAULT_DICTIONARY)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--edition", default="2025a", help="PS3.15 edition named in the header")
    args = parser.parse_args()

    if args.docbook:
        rows, origin = read_docbook(args.docbook), args.docbook.name
    elif args.html:
        rows, origin = read_html(args.html), args.html.name
    else:
        path = args.compact or DEFAULT_COMPACT
        rows, origin = read_compact(path), path.relative_to(REPO) if path.is_relative_to(REPO) \
            else path.name
    seen = set()
    for row in rows:
        if row.tag in seen:
            raise ValueError(f"duplicate row for {row.tag}")
        seen.add(row.tag)

    dictionary = read_dictionary(args.dictionary) if args.dictionary.exists() else {}
    lines = [
        f"# Generated by scripts/privacy/generate_table_e1_1.py from {origin}:",
        f"# DICOM PS3.15 {args.edition} Table E.1-1, one line per row of the standard's table "
        f"({len(rows)} rows). Do not edit by hand.",
        "# keyword/vr: DCMTK data dictionary (PS3.6); '-' when the dictionary predates the row.",
        "\t".join(["tag", "keyword", "vr", "basic"] + OPTION_COLUMNS),
    ]
    missing = []
    for row in sorted(rows, key=lambda r: r.tag.replace("x", "0")):
        keyword, vr = dictionary.get(row.tag, ("-", "-"))
        if row.tag == PRIVATE_ROW:
            keyword = "PrivateAttributes"
        elif "x" in row.tag:
            keyword = row.source_name.replace(" ", "") or {
                "50xxxxxx": "CurveData", "60xx4000": "OverlayComments", "60xx3000": "OverlayData"
            }.get(row.tag, "-")
        elif keyword == "-":
            missing.append(row.tag)
        lines.append("\t".join([row.tag, keyword, vr, row.basic] +
                               [row.options.get(c, "") for c in OPTION_COLUMNS]))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} rows to {args.output}; {len(missing)} tags not in the dictionary: "
          f"{' '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
