"""Stored files: what ``getFile`` and ``/file/bot<token>/<path>`` serve.

Every file that enters the emulator (uploaded by the bot, sent by a person)
gets a ``file_id``/``file_unique_id`` pair and a ``file_path``; its bytes are kept
in memory.  The module also ships tiny valid sample files (PNG, GIF, OGG, PDF)
so people can send media without preparing any bytes, and sniffs image sizes
so photo messages carry plausible dimensions.
"""

from __future__ import annotations

import base64
import itertools
import mimetypes
import struct
from dataclasses import dataclass
from typing import Any

# 1x1 transparent PNG.
SAMPLE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
# 1x1 GIF.
SAMPLE_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# An Ogg page header is enough for a client to recognise an (empty) voice note.
SAMPLE_OGG = b"OggS\x00\x02" + bytes(22)
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "document": ("documents", ""),
    "voice": ("voice", ".oga"),
    "audio": ("music", ".mp3"),
    "video": ("videos", ".mp4"),
    "animation": ("animations", ".mp4"),
    "sticker": ("stickers", ".webp"),
    "video_note": ("video_notes", ".mp4"),
}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def file_size(self) -> int:
        return len(self.data)

    def to_file(self) -> dict[str, Any]:
        """The Bot API ``File`` object returned by getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG image, or None if not recognised."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        segment_length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        # SOF0..SOF15 carry the frame size, except DHT/JPG/DAC markers.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        index += 2 + segment_length
    return None


class FileStore:
    """All files known to the emulator, by file_id and by file_path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(
        self,
        data: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        number = next(self._counter)
        folder, default_ext = _FOLDERS.get(kind, ("documents", ""))
        ext = default_ext
        if file_name and "." in file_name and kind in ("document", "audio"):
            ext = "." + file_name.rsplit(".", 1)[1]
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        size = image_size(data) if kind in ("photo", "sticker", "animation") else None
        stored = StoredFile(
            file_id=f"sandbox-{kind}-{number:06d}",
            file_unique_id=f"u{number:06d}",
            kind=kind,
            data=bytes(data),
            file_path=f"{folder}/file_{number}{ext}",
            file_name=file_name,
            mime_type=mime_type,
            width=size[0] if size else None,
            height=size[1] if size else None,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def __len__(self) -> int:
        return len(self._by_id)


def _file_fields(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
    }


def photo_sizes(files: FileStore, stored: StoredFile) -> list[dict[str, Any]]:
    """PhotoSize list for a photo: a thumbnail (when the photo is large) and the photo.

    The thumbnail is a separate file_id serving the same bytes; the emulator
    does not resize images.
    """
    width = stored.width or 1280
    height = stored.height or 960
    sizes: list[dict[str, Any]] = []
    longest = max(width, height)
    if longest > 90:
        thumb = files.add(stored.data, "photo", mime_type=stored.mime_type)
        scale = 90 / longest
        thumb.width, thumb.height = max(1, round(width * scale)), max(1, round(height * scale))
        sizes.append({**_file_fields(thumb), "width": thumb.width, "height": thumb.height})
    sizes.append({**_file_fields(stored), "width": width, "height": height})
    return sizes


def media_object(kind: str, stored: StoredFile, **attributes: Any) -> dict[str, Any]:
    """The Bot API object (Document, Voice, Audio, ...) describing a stored file.

    ``attributes`` are the method's optional parameters (duration, width,
    title, emoji...); missing required ones get plausible defaults.
    """
    media = _file_fields(stored)
    given = {k: v for k, v in attributes.items() if v is not None}
    if kind == "document":
        media["file_name"] = stored.file_name or "document"
        media["mime_type"] = stored.mime_type or "application/octet-stream"
    elif kind == "voice":
        media["duration"] = given.get("duration", 1)
        media["mime_type"] = "audio/ogg"
    elif kind == "audio":
        media["duration"] = given.get("duration", 1)
        media["mime_type"] = stored.mime_type or "audio/mpeg"
        for key in ("performer", "title"):
            if key in given:
                media[key] = given[key]
        if stored.file_name:
            media["file_name"] = stored.file_name
    elif kind in ("video", "animation"):
        media["width"] = given.get("width", stored.width or 640)
        media["height"] = given.get("height", stored.height or 480)
        media["duration"] = given.get("duration", 1)
        media["mime_type"] = stored.mime_type or ("video/mp4" if kind == "video" else "image/gif")
        if stored.file_name:
            media["file_name"] = stored.file_name
    elif kind == "video_note":
        media["length"] = given.get("length", 240)
        media["duration"] = given.get("duration", 1)
    elif kind == "sticker":
        media.update(
            type="regular",
            width=stored.width or 512,
            height=stored.height or 512,
            is_animated=False,
            is_video=False,
        )
        if "emoji" in given:
            media["emoji"] = given["emoji"]
    return media
