"""Files a loader must refuse (or, for the owner-password case, must still read).

pypdf would give an encrypted file random ids (`secrets`); we pin them so the bytes repeat.
RC4-128 is used because AES draws random IVs per string, which would break reproducibility.
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.constants import UserAccessPermissions
from pypdf.generic import ArrayObject, ByteStringObject


def _fixed_id_writer(pdf_bytes: bytes) -> PdfWriter:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    file_id = ByteStringObject(hashlib.md5(pdf_bytes, usedforsecurity=False).digest())
    writer._ID = ArrayObject((file_id, file_id))
    writer.generate_file_identifiers = lambda: None  # keep the pinned ids
    return writer


def encrypt_with_user_password(pdf_bytes: bytes, password: str) -> bytes:
    """Unreadable without `password`."""
    writer = _fixed_id_writer(pdf_bytes)
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def restrict_with_owner_password(pdf_bytes: bytes, owner_password: str) -> bytes:
    """Opens without a password (empty user password) but forbids printing and copying."""
    writer = _fixed_id_writer(pdf_bytes)
    permissions = (
        UserAccessPermissions.R1 | UserAccessPermissions.R2 | UserAccessPermissions.ADD_OR_MODIFY
    )
    writer.encrypt(
        user_password="",
        owner_password=owner_password,
        algorithm="RC4-128",
        permissions_flag=permissions,
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncate(pdf_bytes: bytes, keep_fraction: float = 0.4) -> bytes:
    """A download cut off part-way: no cross-reference table, no trailer, streams cut."""
    return pdf_bytes[: int(len(pdf_bytes) * keep_fraction)]


def png_bytes(width: int = 480, height: int = 320) -> bytes:
    """A real PNG (a phone photo of a dented bumper, roughly) that someone named .pdf."""
    image = Image.new("RGB", (width, height), (150, 160, 172))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 140, 440, 260), fill=(120, 20, 24))
    draw.ellipse((80, 230, 160, 310), fill=(30, 30, 30))
    draw.ellipse((320, 230, 400, 310), fill=(30, 30, 30))
    draw.line((200, 150, 260, 210), fill=(60, 10, 12), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def text_bytes() -> bytes:
    """An e-mail body saved with a .pdf extension."""
    return (
        "From: claims-intake@example.com\r\n"
        "Subject: FW: loss run request\r\n\r\n"
        "Please find attached the loss runs for the last five years.\r\n"
        "Thanks,\r\nIntake desk\r\n"
    ).encode("ascii")
