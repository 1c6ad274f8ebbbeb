"""`make dist`: the bundle's ICU data library rebuilt with only what Qt reaches, for the
languages VXacq ships.

PySide6's Qt links ICU, and ICU's data library (libicudata, 31 MB) holds every locale's
collation, names, units, currencies, spell-out rules, the break-iteration dictionaries, the
transliterators and ~200 legacy code-page tables. What Qt calls of ICU is what libQt6Core
imports from it (``nm -D --undefined-only``): case mapping (``u_strToUpper``/``Lower``, whose
data is compiled into libicuuc), collation (``ucol_*``: QCollator), time-zone names
(``ucal_*``: QTimeZone::displayName) and code-page converters (``ucnv_*``: QStringDecoder for
encodings other than Qt's own UTF and Latin-1). The console needs the first three in English,
German and Japanese; it never decodes text through Qt with a legacy code page (DICOM character
sets are decoded by Python's codecs, in pydicom).

Kept: every item that is not locale data (root tables, normalisation, time-zone rules,
supplemental data), and root plus the shipped languages in the main, collation, time-zone and
region (time-zone location names) trees. Left out: the other locales there, the other trees
(brkitr, curr, lang, rbnf, translit, unit) and the code pages (``*.cnv``). Another locale
falls back to root (collation in code-point order of the root rules, time-zone names as
"GMT+1"), as ICU does for any locale without data.

The .dat is cut out of the library (the ``icudtNN_dat`` symbol), trimmed with ``icupkg``, and
assembled back into a shared library of the same name and SONAME with ``genccode`` and gcc
(Debian's icu-devtools and gcc: ``scripts/install-system-tools.sh dist``).

Usage: ``python installer/icu_data.py LIBICUDATA LANGUAGE...``
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

KEPT_TREES = ("", "coll", "zone", "region")
# a locale's data file: language, then optional script/region/variant parts ("de__PHONEBOOK")
LOCALE_FILE = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9]*)*\.res$")
NOT_LOCALES = ("root.res", "res_index.res")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def dropped(items: list[str], languages: set[str]) -> list[str]:
    """The items of the ICU data package that Qt does not reach for ``languages``."""
    out = []
    for item in items:
        tree, _, name = item.rpartition("/")
        locale = LOCALE_FILE.match(name)
        if (tree not in KEPT_TREES or name.endswith(".cnv")
                or (locale and name not in NOT_LOCALES and locale.group(1) not in languages)):
            out.append(item)
    return out


def extract(library: Path) -> tuple[str, bytes]:
    """The entry point's name (``icudt73``) and the data package it exports."""
    symbols = run("readelf", "-sW", "--dyn-syms", str(library))
    match = re.search(r"^\s*\d+:\s+([0-9a-f]+)\s+(\S+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+"
                      r"(icudt\d+)_dat$", symbols, re.MULTILINE)
    if not match:
        raise SystemExit(f"{library}: no icudtNN_dat symbol")
    address, size = int(match.group(1), 16), int(match.group(2), 0)
    index, entry = int(match.group(3)), match.group(4)
    sections = run("readelf", "-SW", str(library))
    header = re.search(rf"^\s*\[\s*{index}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections,
                       re.MULTILINE)
    if not header:
        raise SystemExit(f"{library}: no section {index}")
    offset = address - int(header.group(1), 16) + int(header.group(2), 16)
    return entry, library.read_bytes()[offset:offset + size]


def main(library: Path, languages: set[str]) -> None:
    entry, data = extract(library)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        package = work / f"{entry}l.dat"  # icupkg names the items after the file: keep it
        package.write_bytes(data)
        items = run("icupkg", "-l", str(package)).split()
        drop = dropped(items, languages)
        (work / "drop.txt").write_text("\n".join(drop) + "\n")
        (work / "out").mkdir()
        trimmed = work / "out" / package.name
        run("icupkg", "-r", str(work / "drop.txt"), str(package), str(trimmed))
        run("genccode", "-q", "-a", "gcc", "-e", entry, "-d", str(work), str(trimmed))
        assembly = next(work.glob("*.S"))
        soname = re.search(r"\(SONAME\).*\[(.+)\]", run("readelf", "-d", str(library))).group(1)
        built = work / soname
        run("gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(built),
            str(assembly))
        # a new file in its place: the bundle's files may be hard links into PyInstaller's cache
        replacement = library.with_name(library.name + ".trimmed")
        replacement.write_bytes(built.read_bytes())
        replacement.chmod(0o644)
        replacement.replace(library)
    print(f"ICU data for {', '.join(sorted(languages))}: {len(items) - len(drop)} of "
          f"{len(items)} items, {len(data) / 1e6:.1f} MB to {library.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__.rsplit("Usage: ", 1)[1].strip())
    main(Path(sys.argv[1]), set(sys.argv[2:]))
