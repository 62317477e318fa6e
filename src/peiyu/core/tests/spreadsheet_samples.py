"""Spreadsheets for the upload guard's tests: a minimal xlsx with any declared dimension and rows,
the hostile 5 KB file that makes python-calamine allocate 512 GiB, and a zip bomb. Never hand these
to a reader."""

from __future__ import annotations

import io
import zipfile

SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dim}"/><sheetData>{rows}</sheetData></worksheet>'
)


def xlsx_with(dim: str, rows: str) -> bytes:
    """A minimal xlsx (zip) with one sheet: `dim` declared, `rows` as sheetData."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", SHEET.format(dim=dim, rows=rows))
    return buf.getvalue()


def hostile_xlsx() -> bytes:
    """5 KB that make a reader allocate 17 billion cells: the declared dimension and one cell at XFD1048576."""
    return xlsx_with(
        "A1:XFD1048576",
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    )


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (300 * 1024 * 1024) + b"</worksheet>")
    return buf.getvalue()


def with_part(data: bytes, name: str, xml: str) -> bytes:
    """`data` (a zip) with the part `name` added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            if info.filename != name:
                z.writestr(info, source.read(info))
        z.writestr(name, xml)
    return buf.getvalue()


def shared_strings_bomb() -> bytes:
    """A shared-string table declaring two billion strings: the reader reserves 48 GB for them."""
    return with_part(
        xlsx_with("A1", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
        "xl/sharedStrings.xml",
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'count="2000000000" uniqueCount="2000000000"><si><t>x</t></si></sst>',
    )


def ods_with(rows: str) -> bytes:
    """A minimal ods whose only table holds `rows` (table:table-row elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def ods_cell(text: str, repeat: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="string">'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def ods_repeat_bomb() -> bytes:
    """One valued cell repeated over 100 000 rows × 999 columns: the reader allocates 3 GB."""
    return ods_with(
        f'<table:table-row table:number-rows-repeated="100000">{ods_cell("x", 999)}</table:table-row>'
    )


def ods_like_libreoffice() -> bytes:
    """A small sheet with the trailing empty repeats LibreOffice writes to every sheet."""
    return ods_with(
        f"<table:table-row>{ods_cell('姓名')}{ods_cell('身份证号码')}"
        '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
        f"<table:table-row>{ods_cell('张三')}{ods_cell('1')}"
        '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )


def xlsb_record(kind: int, body: bytes) -> bytes:
    """One record of a binary worksheet: type and size as 7-bit varints, then the body."""

    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            byte, n = n & 0x7F, n >> 7
            out.append(byte | (0x80 if n else 0))
            if not n:
                return bytes(out)

    return varint(kind) + varint(len(body)) + body


def xlsb_with(records: bytes) -> bytes:
    """A zip holding one binary worksheet (enough for the guard, which reads the records only)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.bin", records)
    return buf.getvalue()


def u32(*values: int) -> bytes:
    return b"".join(v.to_bytes(4, "little") for v in values)
