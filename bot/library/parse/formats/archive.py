"""ZIP containers (EPUB, DOCX, ODT) opened with bounds.

Every member is checked before anything is expanded: member count, declared sizes (each
and in total), compression ratio (a "zip bomb"), absolute or ".." paths, encryption.
Members are read at most to their declared size; reading past it is refused.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from bot.library.errors import StoryRejected

MAX_TOTAL_BYTES = 50 * 1024 * 1024  # all members, uncompressed
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 5000
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024


class SafeZip:
    """A zip opened with bounds; `what` names the format in refusals ("EPUB", "DOCX")."""

    def __init__(self, data: bytes, source_name: str, what: str) -> None:
        self.source_name = source_name
        self.what = what
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as err:
            raise self.reject("the file is not a ZIP archive") from err
        except (NotImplementedError, EOFError, zlib.error) as err:
            raise self.reject("the ZIP archive is damaged or of an unsupported kind") from err
        if len(infos) > MAX_MEMBERS:
            raise self.reject(f"it has more than {MAX_MEMBERS} files inside")
        total = 0
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            parts = name.replace("\\", "/").split("/")
            if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
                raise self.reject(f"unsafe path inside the archive ({name!r})")
            if info.flag_bits & 0x1:
                raise self.reject("the book is encrypted (DRM-protected)")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                raise self.reject(f"{name!r} is a compression bomb (ratio {ratio:.0f}:1)")
            if info.file_size > MAX_MEMBER_BYTES:
                raise self.reject(f"{name!r} expands past the size limit")
            total += info.file_size
            self.infos[name] = info
        if total > MAX_TOTAL_BYTES:
            raise self.reject(f"it expands past {MAX_TOTAL_BYTES // (1024 * 1024)} MiB")
        self._read_total = 0
        self._lower = {n.lower(): n for n in self.infos}

    def reject(self, reason: str) -> StoryRejected:
        return StoryRejected(f"not a valid {self.what}: {reason}", source_name=self.source_name)

    def has(self, name: str) -> bool:
        return name in self.infos or name.lower() in self._lower

    def read(self, name: str) -> bytes:
        real = name if name in self.infos else self._lower.get(name.lower())
        if real is None:
            raise KeyError(name)
        info = self.infos[real]
        try:
            with self.zip.open(info) as fh:
                data = fh.read(info.file_size + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
        ) as err:
            raise self.reject(f"{real!r} is damaged and cannot be read") from err
        except RuntimeError as err:  # zipfile raises RuntimeError for encrypted members
            raise self.reject("the book is encrypted (DRM-protected)") from err
        if len(data) > info.file_size:
            raise self.reject(f"{real!r} is larger than the archive says")
        self._read_total += len(data)
        if self._read_total > MAX_TOTAL_BYTES:
            raise self.reject("it expands past the size limit")
        return data


def zip_names(data: bytes) -> set[str] | None:
    """The member names of a ZIP (its central directory only), or None if it is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if len(zf.infolist()) > MAX_MEMBERS:
                return set()
            return set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return None
    except (NotImplementedError, zlib.error):
        return None
