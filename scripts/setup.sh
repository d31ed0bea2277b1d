#!/usr/bin/env bash
# Installs every Debian package MedSight needs to build, test and benchmark.
# Idempotent, non-interactive, works as root (or through sudo). Runs `apt-get update` once.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang clang-format
  libclang-rt-14-dev
  # core libraries
  libtorch-dev libinsighttoolkit5-dev libdcmtk-dev dcmtk libgdcm-dev libgdcm-tools
  libopenjp2-7-dev libpng-dev libjpeg-dev zlib1g-dev libdeflate-dev libzip-dev libnifti2-dev libniftiio-dev
  libsqlite3-dev libpqxx-dev postgresql libsodium-dev libssl-dev
  libcpp-httplib-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libicu-dev libre2-dev libopencv-dev libsvm-dev libxgboost-dev libqhull-dev liblinear-dev
  libfftw3-dev libyaml-cpp-dev
  # tests and reference tools
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  orthanc orthanc-dicomweb elastix dcm2niix dicom3tools openssl
  python3-torch python3-numpy python3-sklearn python3-skimage
  chromium hyperfine valgrind wkhtmltopdf
  # GNU time: peak memory of peers run as child processes (elastix in bench/registration)
  time
  # server benchmarks and tests: HTTP load generator, zip archives for upload tests
  wrk zip
  # a CJK font so Chinese patient summaries render in headless Chromium (web e2e screenshots)
  fonts-wqy-microhei
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js and npm may come from Debian or NodeSource; only install Debian's when absent.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all Debian packages present"
fi

# Orthanc's Debian package starts a system service on 4242/8042; our tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet orthanc 2>/dev/null; then
  $SUDO systemctl stop orthanc || true
fi

# npm packages, pinned by their lock files: the plotting libraries inlined into validation
# reports, the web review station's libraries (dwv, marked, esbuild), and playwright-core,
# which drives the system Chromium in the report's and the web station's browser tests.
# `npm ci` reinstalls from scratch, so it only runs when the lock file changed since last time.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for npm_dir in "$REPO_ROOT/report" "$REPO_ROOT/web"; do
  if [ -f "$npm_dir/package-lock.json" ]; then
    stamp="$npm_dir/node_modules/.medsight-lock-sha256"
    want="$(sha256sum "$npm_dir/package-lock.json" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
      echo "setup: npm ci in ${npm_dir#"$REPO_ROOT"/}"
      (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
      echo "$want" >"$stamp"
    fi
  fi
done

# The web review station (web/): esbuild bundles the sources and their npm dependencies into
# web/dist, which `medsight serve` serves at /. Rebuilt when a source is newer than the bundle.
web="$REPO_ROOT/web"
if [ -f "$web/build.mjs" ] && [ -d "$web/node_modules" ]; then
  if [ ! -f "$web/dist/index.html" ] ||
     [ -n "$(find "$web/src" "$web/build.mjs" "$web/package-lock.json" -newer "$web/dist/index.html" -print -quit)" ]; then
    echo "setup: building web/dist"
    (cd "$web" && node build.mjs)
  fi
fi
