#!/usr/bin/env bash
# Pack the Deskmeter GNOME Shell extension into two installable zips:
#
#   deskmeter@deskmeter.dev.v42-44.shell-extension.zip   legacy imports, GNOME Shell 42, 43, 44
#   deskmeter@deskmeter.dev.v45+.shell-extension.zip     ES modules,     GNOME Shell 45 and later
#
# Usage: files/gnome-extension/pack.sh [OUT_DIR]      (default: build/gnome-extension at the repo root)
# Install one with: gnome-extensions install --force OUT_DIR/<zip>   (then log out and in on Wayland)
#
# Both builds share lib/ (logic.js is shell-free; indicator.js gets the shell modules passed in).
# lib/ is written as ES modules; for the legacy build it is rewritten into legacy GJS modules:
# `export function`/`export class`/`export const` lose the export (const -> var, so legacy
# imports see them) and `import {a} from './x.js'` becomes a lookup in Me.imports.lib.x.
# The unpacked trees stay beside the zips (OUT_DIR/legacy, OUT_DIR/esm) for tests and linting.
# The test-only helper extension (test-helper/) is never packed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE/../../build/gnome-extension}
UUID=deskmeter@deskmeter.dev
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

to_legacy() {  # ES module on stdin -> legacy GJS module on stdout
  perl -0pe '
    s#^export function #function #gm;
    s#^export class (\w+)#var $1 = class $1#gm;
    s#^export const #var #gm;
    s#^import\s*\{([^}]*)\}\s*from\s*\x27\./(\w+)\.js\x27;#const {$1} =\n    imports.misc.extensionUtils.getCurrentExtension().imports.lib.$2;#gms;
  '
}

zip_tree() {  # zip_tree DIR ZIP: every file of DIR at the zip's top level
  rm -f "$2"
  (cd "$1" && python3 - "$2" <<'PY'
import sys, zipfile
from pathlib import Path
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
    for path in sorted(Path(".").rglob("*")):
        if path.is_file():
            archive.write(path, path.as_posix())
PY
  )
}

build() {  # build FLAVOUR ZIP_SUFFIX
  local flavour=$1 stage=$OUT/$1
  rm -rf "$stage"
  mkdir -p "$stage/lib"
  cp "$HERE/$flavour/extension.js" "$HERE/$flavour/metadata.json" "$stage/"
  for module in "$HERE"/lib/*.js; do
    if [[ $flavour == legacy ]]; then
      to_legacy <"$module" >"$stage/lib/$(basename "$module")"
    else
      cp "$module" "$stage/lib/"
    fi
  done
  if [[ $flavour == legacy ]] && grep -nE '^(export|import)\b' "$stage"/lib/*.js; then
    echo "pack.sh: the legacy rewrite left ES module syntax above" >&2
    exit 1
  fi
  zip_tree "$stage" "$OUT/$UUID.$2.shell-extension.zip"
  echo "$OUT/$UUID.$2.shell-extension.zip"
}

build legacy v42-44
build esm v45+
