#!/usr/bin/env bash
# `make dist`: everything into dist/ — the wheel and sdist, the PyInstaller bundle (dist/vxacq/),
# and the Debian package vxacq_<version>_amd64.deb staged in build/deb and built with dpkg-deb.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"

# The one version: vxacq/__init__.py, which setuptools also reads for the wheel's metadata.
version=$("$PY" -c 'import vxacq; print(vxacq.__version__)')
# PEP 440 pre-releases sort before the release in Debian only with a tilde (1.0rc1 → 1.0~rc1).
debversion=$(printf '%s' "$version" | sed -E 's/\.?(a|b|rc|dev)([0-9]*)$/~\1\2/')
deb="dist/vxacq_${debversion}_amd64.deb"

rm -rf dist build/deb build/pyinstaller
mkdir -p build
echo "== wheel and sdist (vxacq $version)"
"$PY" -m build --outdir dist . >build/python-build.log 2>&1 || { cat build/python-build.log; exit 1; }
ls dist/vxacq-"$version".tar.gz dist/vxacq-"$version"-py3-none-any.whl

echo "== numpy for the bundle, built without BLAS"
# The numpy wheel links OpenBLAS (numpy.libs: 28 MB with its gfortran runtime, a quarter of
# the bundle). The console makes no BLAS call on image-sized data (the chain is element-wise
# arithmetic, sorting, filters, pocketfft; polyfit on a few points goes to numpy's own LAPACK
# lite; the simulator upsamples without a matrix product). So the bundle gets the venv's numpy version built from source with no BLAS (numpy's own loops):
# same API and results, one wheel per version kept in build/wheels (its build takes minutes;
# not from pip's cache, which does not tell builds with BLAS from builds without).
numpy_version=$("$PY" -c 'import numpy; print(numpy.__version__)')
numpy_wheels=build/wheels/numpy-noblas-$numpy_version
if ! ls "$numpy_wheels"/numpy-"$numpy_version"-*.whl >/dev/null 2>&1; then
    "$PY" -m pip wheel -q --no-cache-dir --no-deps --no-binary numpy "numpy==$numpy_version" -w "$numpy_wheels" \
        -Csetup-args=-Dblas=none -Csetup-args=-Dlapack=none -Csetup-args=-Dallow-noblas=true
fi
rm -rf build/numpy-noblas
"$PY" -m pip install -q --no-deps --no-index --target build/numpy-noblas "$numpy_wheels"/numpy-*.whl
PYTHONPATH=build/numpy-noblas "$PY" -c 'import numpy, sys
blas = numpy.show_config("dicts")["Build Dependencies"]["blas"]
sys.exit(0 if blas.get("found") is False or blas.get("name") in (None, "none") else f"numpy links BLAS: {blas}")'

echo "== bundle (PyInstaller, onedir)"
# (PYTHONPATH first: PyInstaller collects that numpy instead of the venv's)
PYTHONPATH=build/numpy-noblas "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist \
    --workpath build/pyinstaller installer/vxacq.spec
[ ! -e dist/vxacq/_internal/numpy.libs ] || { echo "numpy.libs (OpenBLAS) is in the bundle" >&2; exit 1; }
# PyInstaller's files are group-writable in places; Debian wants 644/755, and shared objects
# not executable. No blanket strip: it corrupts the libraries auditwheel rewrote with patchelf
# ("ELF load command address/offset not page-aligned" in numpy's OpenBLAS).
chmod -R u+rwX,go+rX,go-w dist/vxacq
find dist/vxacq/_internal -type f -name '*.so*' -exec chmod 644 {} +
# ICU's data (31 MB in PySide6's Qt) for the languages the console ships: what Qt reaches of
# it and why the rest can go is in installer/icu_data.py.
languages=$(ls vxacq/resources/i18n/vxacq_*.ts | sed -E 's|.*/vxacq_(.+)\.ts$|\1|')
icudata=(dist/vxacq/_internal/PySide6/Qt/lib/libicudata.so.*)
[ ${#icudata[@]} -eq 1 ] && [ -f "${icudata[0]}" ] || { echo "no single libicudata: ${icudata[*]}" >&2; exit 1; }
"$PY" installer/icu_data.py "${icudata[0]}" en $languages
# Debug information and the static symbol table (libpython, ICU, the codec and SQLAlchemy
# extensions carry ~40 MB of them) go; the dynamic symbols stay. Not from the files auditwheel
# grafted or rewrote with patchelf (a copy in a *.libs folder, or an RPATH into one), which
# strip corrupts (see above). A file whose RPATH is $ORIGIN alone (Qt, ICU, PySide6: set at
# their build) is stripped too, and kept as it was unless every loadable segment of the result
# still has its offset congruent to its address modulo its alignment (what the loader checks).
# The build machine's RPATHs (Python's own) are removed below, after stripping.
loadable() {
    local -a f
    while read -r -a f; do  # LOAD offset address physical filesize memsize flags… alignment
        [ "${f[0]:-}" = LOAD ] || continue
        (( (f[1] - f[2]) % f[-1] == 0 )) || return 1
    done < <(readelf -lW "$1")
}
stripped=0 kept=0
# (listed before the loop: the loop adds files beside them)
mapfile -d '' libs < <(find dist/vxacq/_internal -type f -name '*.so*' -print0)
for lib in "${libs[@]}"; do
    case "$lib" in *.libs/*) continue ;; esac
    # (read whole first: grep -q closing the pipe early fails the pipeline under pipefail)
    dynamic=$(readelf -d "$lib" 2>/dev/null || true) sections=$(readelf -S -W "$lib" 2>/dev/null || true)
    grep -qE '\((RPATH|RUNPATH)\).*\.libs' <<<"$dynamic" && continue  # auditwheel's
    grep -qE ' \.(debug_|symtab)' <<<"$sections" || continue
    # into a new file: the bundle's files may be hard links into PyInstaller's cache
    strip --strip-unneeded -o "$lib.stripped" "$lib"
    if loadable "$lib.stripped"; then
        mv "$lib.stripped" "$lib" && chmod 644 "$lib"
        stripped=$((stripped + 1))
    else
        rm "$lib.stripped"
        kept=$((kept + 1))
    fi
done
echo "debug information and symbol tables stripped from $stripped libraries ($kept kept whole)"
# RUNPATHs naming the build machine's folders (pyenv, manylinux) mean nothing on a station:
# keep only the $ORIGIN entries, by which the bundle's libraries find each other.
while IFS= read -r -d '' lib; do
    runpath=$(patchelf --print-rpath "$lib" 2>/dev/null) || continue
    keep=$(tr ':' '\n' <<<"$runpath" | grep '^\$ORIGIN' | paste -sd: -) || true
    [ "$keep" = "$runpath" ] && continue
    if [ -n "$keep" ]; then patchelf --set-rpath "$keep" "$lib"; else patchelf --remove-rpath "$lib"; fi
done < <(find dist/vxacq/_internal -type f -name '*.so*' -print0)
dist/vxacq/vxacq --version

echo "== Debian package"
root="$PWD/build/deb/root"
install -d "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/etc/vxacq" \
    "$root/lib/systemd/system" "$root/usr/share/applications" \
    "$root/usr/share/icons/hicolor/scalable/apps" "$root/usr/share/man/man1" \
    "$root/usr/share/doc/vxacq/examples" "$root/usr/share/lintian/overrides"
cp -a dist/vxacq "$root/opt/vxacq"
chmod -R go-w "$root"
install -m 755 installer/vxacq.sh "$root/usr/bin/vxacq"
install -m 644 installer/vxacq.toml "$root/etc/vxacq/vxacq.toml"
install -m 644 installer/vxacq.service "$root/lib/systemd/system/vxacq.service"
install -m 644 installer/vxacq.desktop "$root/usr/share/applications/vxacq.desktop"
install -m 644 installer/vxacq.svg "$root/usr/share/icons/hicolor/scalable/apps/vxacq.svg"
gzip -9n <installer/vxacq.1 >"$root/usr/share/man/man1/vxacq.1.gz"
install -m 644 vxacq/resources/vxacq.example.toml "$root/usr/share/doc/vxacq/examples/"
install -m 644 docs/installation.md installer/debian/copyright "$root/usr/share/doc/vxacq/"
# Every bundled distribution with its licence; fails on a GPL one (vxacq.docs.licences).
"$PY" -m vxacq.docs.licences --report "$root/usr/share/doc/vxacq/licences.md"
install -m 644 installer/debian/lintian-overrides "$root/usr/share/lintian/overrides/vxacq"
# A native package (the version has no Debian revision): its changelog is changelog.gz.
cat >"build/deb/changelog" <<CHANGES
vxacq ($debversion) stable; urgency=medium

  * Release $version, built from $(git describe --always --dirty 2>/dev/null || echo "a source tree").

 -- VXacq developers <vxacq@example.org>  $(date -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")
CHANGES
gzip -9n <build/deb/changelog >"$root/usr/share/doc/vxacq/changelog.gz"

install -m 755 installer/debian/postinst installer/debian/prerm installer/debian/postrm "$root/DEBIAN/"
echo "/etc/vxacq/vxacq.toml" >"$root/DEBIAN/conffiles"

# Depends: the Debian libraries the bundle's ELF files need and do not carry (the xcb ones among
# them), computed as dpkg-shlibdeps does for any Debian package.
mkdir -p build/deb/debian
printf 'Source: vxacq\n\nPackage: vxacq\nArchitecture: amd64\n' >build/deb/debian/control
mapfile -t elves < <(find "$root/opt/vxacq" -type f -exec sh -c \
    'for f; do [ "$(head -c4 "$f")" = "$(printf "\177ELF")" ] && echo "-e$f"; done' _ {} +)
mapfile -t libdirs < <(find "$root/opt/vxacq" -name '*.so*' -printf '-l%h\n' | sort -u)
depends=$(cd build/deb && dpkg-shlibdeps -O --ignore-missing-info -xvxacq \
    "${libdirs[@]}" "${elves[@]}" 2>shlibdeps.log \
    | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }

(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z \
    | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$debversion/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
    installer/debian/control.in >"$root/DEBIAN/control"
dpkg-deb --build --root-owner-group "$root" "$deb"
ls -l "$deb"
du -sh dist/vxacq
