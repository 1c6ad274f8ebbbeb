#!/usr/bin/env bash
# Install the Debian packages VXacq's tests and demo need, only when something is missing.
#   tools:  DCMTK (real DICOM peers), dicom3tools (dciodvfy), Orthanc (+ worklist and DICOMweb
#           plugins; stunnel4 is the HTTPS front of its DICOMweb, as Debian's Orthanc
#           closes HTTPS connections),
#           PixelMed (its DicomSRValidator checks the dose reports' templates; its storage
#           and query server is the third independent peer) and a Java runtime
#   gui:    Xvfb and the xcb libraries Qt's platform plugin loads
#   dist:   what `make dist` and `make dist-check` use: the gui libraries (dpkg-shlibdeps maps
#           the bundle's system libraries to their packages), dpkg-dev, binutils (PyInstaller,
#           strip), patchelf (drops build-machine RUNPATHs), icu-devtools and gcc (rebuild
#           ICU's data library for the shipped languages: installer/icu_data.py), g++ (numpy
#           built without BLAS for the bundle: installer/build-dist.sh), lintian, and
#           DCMTK's storescp for the bundled `vxacq echo`
set -euo pipefail
what="${1:-tools}"

missing=()
need() { dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1"); }

gui_packages=(xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
              libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
              libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-noto-cjk)

case "$what" in
  tools)
    for p in dcmtk dicom3tools orthanc orthanc-dicomweb libpixelmed-java pixelmed-apps \
             default-jre-headless slapd ldap-utils rsyslog rsyslog-gnutls postgresql stunnel4; do
      need "$p"; done ;;
  gui)
    for p in "${gui_packages[@]}"; do need "$p"; done ;;
  dist)
    for p in "${gui_packages[@]}" dpkg-dev binutils patchelf icu-devtools gcc g++ lintian dcmtk; do need "$p"; done ;;
  *) echo "usage: $0 tools|gui|dist" >&2; exit 2 ;;
esac

[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing packages: ${missing[*]}. Install them with your system's package manager." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${missing[*]}"
# slapd is started by the tests with their own configuration; none at install time.
echo "slapd slapd/no_configuration boolean true" | $sudo debconf-set-selections
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
