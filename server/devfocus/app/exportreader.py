"""Reading an export file (``devfocus export``'s JSON or CSV) streamed, and checking it whole.

The JSON is read a value at a time (one element of its arrays in memory, and a chunk), the CSV row
by row. :func:`scan_json` and :func:`scan_csv` read a file through and say what it holds, or raise
:class:`NotImportable` for one that is not an export, is from a newer DevFocus or is cut short;
:func:`json_elements` and :func:`csv_rows` give what a file holds to merge.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from devfocus.app.userdata import EXPORT_FIELDS, EXPORT_FORMAT, EXPORT_VERSION

MAX_ELEMENT_CHARS = 8 << 20  # no event or history row of an export comes near this
_CHUNK = 1 << 20  # characters read at a time
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_AFTER_ELEMENT = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")
_REQUIRED_CSV = ("id", "start", "end", "kind")


class NotImportable(Exception):
    """A file that is not imported at all: not an export, from a newer DevFocus, cut short or
    malformed. Nothing of it was written."""


@dataclass
class Scan:
    """What checking a whole export found."""

    events: int = 0
    version: int | None = None
    tables: dict[str, int] = field(default_factory=dict)  # array → elements


def open_text(path: Path) -> IO[str]:
    return open(path, encoding="utf-8-sig", newline="")


# -- JSON --------------------------------------------------------------------------------------
class _JsonStream:
    """A JSON text read a value at a time: at most one element (and a chunk) in memory."""

    def __init__(self, text: IO[str]) -> None:
        self._in = text
        self._buf = ""
        self._pos = 0
        self._base = 0  # characters dropped before the buffer
        self._eof = False
        self._decode = json.JSONDecoder().raw_decode

    def _more(self) -> bool:
        if self._eof:
            return False
        try:
            chunk = self._in.read(_CHUNK)
        except UnicodeDecodeError as error:
            raise NotImportable("it is not UTF-8 text throughout, so not an export") from error
        if not chunk:
            self._eof = True
            return False
        self._base += self._pos
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def where(self) -> str:
        return f"character {self._base + self._pos + 1:,}"

    def char(self) -> str:
        """The next character that is not white space, consumed; "" at the end."""
        while True:
            self._pos = _WHITESPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                self._pos += 1
                return self._buf[self._pos - 1]
            if not self._more():
                return ""

    def peek(self) -> str:
        c = self.char()
        if c:
            self._pos -= 1
        return c

    def value(self) -> Any:
        if not self.peek():
            raise _cut_short()
        while True:
            try:
                value, end = self._decode(self._buf, self._pos)
            except json.JSONDecodeError as error:
                if len(self._buf) - self._pos > MAX_ELEMENT_CHARS:
                    raise NotImportable(
                        f"it is not valid JSON at {self.where()}: {error.msg}"
                    ) from error
                if self._more():
                    continue
                if error.pos >= len(self._buf) - 1 or "Unterminated" in error.msg:
                    raise _cut_short() from error
                raise NotImportable(
                    f"it is not valid JSON at {self.where()}: {error.msg}"
                ) from error
            if end == len(self._buf) and self._more():
                continue  # a number may go on in the next chunk
            self._pos = end
            return value

    def elements(self) -> Iterator[Any]:
        """The elements of the array whose "[" was just read, up to its "]". Each is decoded
        where it lies in the buffer; the careful way (:meth:`value`, :meth:`expect`) is taken
        only at the buffer's end and for what does not decode."""
        if self.peek() == "]":
            self.char()
            return
        decode = self._decode
        after = _AFTER_ELEMENT.match
        while True:
            buf = self._buf
            try:
                value, end = decode(buf, self._pos)
                found = after(buf, end)
            except json.JSONDecodeError:
                found = None
            if found is None:
                value = self.value()
                c = self.expect(",]")
                if c == ",":
                    self.peek()  # to the next element: where the next decode starts
            else:
                self._pos = found.end()
                c = found.group(1)
            yield value
            if c == "]":
                return

    def expect(self, allowed: str) -> str:
        c = self.char()
        if not c:
            raise _cut_short()
        if c not in allowed:
            self._pos -= 1
            expected = " or ".join(repr(a) for a in allowed)
            raise NotImportable(f"it is not valid JSON at {self.where()}: expected {expected}")
        return c


def _cut_short() -> NotImportable:
    return NotImportable("it ends before the export does: the file is cut short")


def json_elements(text: IO[str]) -> Iterator[tuple[str, bool, Any]]:
    """(key, True, element) for each element of the top-level object's arrays, (key, False,
    value) for its other values, in the file's order."""
    stream = _JsonStream(text)
    if stream.char() != "{":
        raise NotImportable(
            f'it is not a DevFocus export (a JSON object with "format": "{EXPORT_FORMAT}")'
        )
    if stream.peek() == "}":
        stream.char()
    else:
        while True:
            key = stream.value()
            if not isinstance(key, str):
                raise NotImportable(f"it is not valid JSON at {stream.where()}: a key expected")
            stream.expect(":")
            if stream.peek() == "[":
                stream.char()
                for element in stream.elements():
                    yield key, True, element
            else:
                yield key, False, stream.value()
            if stream.expect(",}") == "}":
                break
    if stream.char():
        raise NotImportable(f"it goes on after the export's end ({stream.where()})")


def scan_json(path: Path) -> Scan:
    """The whole file checked, streamed: raises :class:`NotImportable` if it cannot be
    imported."""
    scan = Scan()
    fmt: Any = None
    version: Any = None
    with open_text(path) as text:
        for key, element, value in json_elements(text):
            if element:
                scan.tables[key] = scan.tables.get(key, 0) + 1
                if key == "events":
                    scan.events += 1
                continue
            if key == "format":
                fmt = value
                if fmt != EXPORT_FORMAT:
                    break
            elif key == "version":
                version = value
                _check_version(version)
    if fmt != EXPORT_FORMAT:
        raise NotImportable(
            f'it is not a DevFocus export (no "format": "{EXPORT_FORMAT}"; found {fmt!r})'
        )
    _check_version(version)
    scan.version = version
    return scan


def _check_version(version: Any) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise NotImportable(f"it has no valid export version (found {version!r})")
    if version > EXPORT_VERSION:
        raise NotImportable(
            f"it is an export of version {version}, made by a newer DevFocus; this one reads "
            f"up to version {EXPORT_VERSION}. Upgrade DevFocus here to import it; nothing was "
            "imported"
        )


# -- CSV ---------------------------------------------------------------------------------------
def csv_rows(text: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of each row of a CSV export, checked: :class:`NotImportable` for a file that
    is not one."""
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None or not set(_REQUIRED_CSV) <= set(header):
            raise NotImportable(
                "it is not a DevFocus export: neither JSON nor CSV with the columns "
                + ", ".join(EXPORT_FIELDS)
            )
        for row in reader:
            if not row:
                continue  # a blank line
            if len(row) != len(header):
                raise NotImportable(
                    f"line {reader.line_num} has {len(row)} fields where the header has "
                    f"{len(header)}: the file is cut short or was changed"
                )
            yield reader.line_num, dict(zip(header, row, strict=True))
    except csv.Error as error:
        raise NotImportable(
            f"it is not valid CSV at line {reader.line_num} ({error}): the file is cut short "
            "or was changed"
        ) from error
    except UnicodeDecodeError as error:
        raise NotImportable("it is not UTF-8 text throughout, so not an export") from error


def scan_csv(path: Path) -> Scan:
    scan = Scan()
    with open_text(path) as text:
        for _ in csv_rows(text):
            scan.events += 1
    return scan
