#!/usr/bin/env bash
# Build (once) a Debian root file system with a newer GNOME Shell, for the GNOME tests' chroot.
#
#   scripts/build-gnome-rootfs.sh [SUITE]        SUITE: trixie (default; GNOME Shell 48), sid (51)
#
# Besides GNOME, each tree holds the other Wayland compositors of its suite (the extra packages
# below; DESKMETER_ROOTFS_EXTRA_PACKAGES overrides them, "" for GNOME alone).
#
# Prints the root file system's directory on stdout (everything else goes to stderr).
# debootstrap --variant=minbase SUITE, then inside it (a private mount namespace with /proc,
# /sys, /dev bound in): apt-get install --no-install-recommends $DESKMETER_GNOME_ROOTFS_PACKAGES.
#
# Cached: the tree is kept as a directory under $DESKMETER_CACHE_DIR (default ~/.cache/deskmeter)
# named by the suite and a hash of its inputs (suite, package list, mirror-independent parts of
# this script), completed by a stamp file; a second run only checks the stamp. An interrupted or
# failed build leaves no stamp and is redone. Old trees of the same suite are removed.
#
# The Debian mirror is read from this machine's apt sources (sources.list or *.sources), or
# DEBIAN_MIRROR. Needs root and debootstrap.
set -euo pipefail
suite=${1:-${DESKMETER_GNOME_SUITE:-trixie}}
packages=${DESKMETER_GNOME_ROOTFS_PACKAGES:-"gnome-shell gjs mutter dbus dbus-daemon dbus-x11 \
gnome-shell-extension-prefs xwayland libglib2.0-bin dconf-service dconf-gsettings-backend \
gsettings-desktop-schemas"}
# The other desktops' compositors share the GNOME trees (one debootstrap per suite, not two):
# trixie adds Sway 1.10 and KWin 6.3 (+ qdbus), sid adds labwc and Hyprland (+ a Sway to nest
# Hyprland in); both add python3-venv for a tracker venv inside the chroot (tests/desktops_chroot).
case $suite in
  trixie) extra_default="sway kwin-wayland qdbus-qt6 python3-venv" ;;
  sid | unstable) extra_default="labwc hyprland sway python3-venv" ;;
  *) extra_default="" ;;
esac
packages="$packages ${DESKMETER_ROOTFS_EXTRA_PACKAGES-$extra_default}"
cache=${DESKMETER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/deskmeter}
say() { printf '==> gnome rootfs: %s\n' "$*" >&2; }
die() { printf 'build-gnome-rootfs.sh: %s\n' "$*" >&2; exit 1; }

# The mirror the machine's apt already uses (first non-security Debian source).
apt_mirror() {
  local file uri
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    uri=$(awk 'BEGIN{IGNORECASE=1} /^URIs:/ {for (i = 2; i <= NF; i++) print $i}' "$file" \
      | grep -v -- '-security' | head -n1 || true)
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $file ]] || continue
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$file" \
      | grep -v -- '-security' | head -n1 || true)
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
}

mirror=${DEBIAN_MIRROR:-$(apt_mirror)}
[[ -n $mirror ]] || die "no Debian mirror found in /etc/apt/sources* (set DEBIAN_MIRROR)"
key=$( (echo "$suite"; echo "$packages" | tr -s ' \t\n' '\n' | sort; sed -n '/^# -- build --/,$p' "$0") \
  | sha256sum | cut -c1-12)
dir=$cache/gnome-rootfs-$suite-$key
mkdir -p "$cache"
exec 9>"$cache/gnome-rootfs-$suite.lock"
flock 9  # one build at a time (scripts/setup.d and a test fixture may both ask)
if [[ -f $dir/.deskmeter-complete ]]; then
  say "$dir is up to date"
  echo "$dir"
  exit 0
fi

# -- build --
[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt: debootstrap)"
command -v unshare >/dev/null || die "unshare is not installed (apt: util-linux)"
for old in "$cache"/gnome-rootfs-"$suite"-*; do
  [[ -d $old && $old != "$dir" ]] || continue
  say "removing the outdated $old"
  rm -rf --one-file-system "$old"
done
rm -rf --one-file-system "$dir"
start=$(date +%s)
say "debootstrap --variant=minbase $suite (once; cached in $dir)"
check_valid=()
[[ $suite == sid || $suite == unstable ]] && check_valid=(-o Acquire::Check-Valid-Until=false)
if ! debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$cache/gnome-rootfs-$suite.log" 2>&1; then
  tail -n 20 "$cache/gnome-rootfs-$suite.log" >&2
  die "debootstrap $suite failed (log: $cache/gnome-rootfs-$suite.log)"
fi
cp /etc/resolv.conf "$dir/etc/resolv.conf"
# Extra CA certificates of this machine (a proxy's), so apt inside works where the host's does.
for crt in /usr/local/share/ca-certificates/*.crt; do
  [[ -f $crt ]] && { mkdir -p "$dir/usr/local/share/ca-certificates"; cp "$crt" "$dir/usr/local/share/ca-certificates/"; }
done
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"  # no service starts in the chroot
chmod 755 "$dir/usr/sbin/policy-rc.d"
say "apt-get install $packages"
# shellcheck disable=SC2016  # expanded inside the namespace
if ! unshare --mount --propagation private -- sh -ec '
    dir=$1; shift
    mount -t proc proc "$dir/proc"
    mount --rbind /sys "$dir/sys"
    mount --rbind /dev "$dir/dev"
    exec chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      sh -ec "apt-get $* update -qq
              apt-get $* install -y -qq --no-install-recommends '"$packages"'
              apt-get clean
              rm -rf /var/lib/apt/lists/*"
  ' sh "$dir" "${check_valid[@]}" >>"$cache/gnome-rootfs-$suite.log" 2>&1; then
  tail -n 20 "$cache/gnome-rootfs-$suite.log" >&2
  die "apt-get install in the $suite root file system failed (log: $cache/gnome-rootfs-$suite.log)"
fi
# dbus and GLib want a machine id; /run must be empty when the shell starts (a tmpfs then).
chroot "$dir" /bin/sh -c 'dbus-uuidgen >/etc/machine-id'
rm -rf "${dir:?}/run/"* 2>/dev/null || true
touch "$dir/.deskmeter-complete"
say "built $dir in $(($(date +%s) - start)) s ($(du -sh --one-file-system "$dir" | cut -f1))"
echo "$dir"
