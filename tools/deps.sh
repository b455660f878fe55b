# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by run-app and run-tests: makes sure the Debian 12 packages Futures Lab needs are
# installed. As root it installs what is missing (non-interactive apt-get); otherwise it
# prints the apt-get line to run and stops.

FL_BUILD_PACKAGES="gcc pkg-config meson ninja-build gettext libglib2.0-dev libglib2.0-dev-bin \
libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev libgtksourceview-5-dev \
desktop-file-utils appstream-util python3"
FL_TEST_PACKAGES="xvfb xauth dbus dbus-x11 xdotool imagemagick nginx-light python3-requests \
python3-httpx"

fl_missing_packages () {
  local missing=""
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $pkg"
    fi
  done
  echo "$missing"
}

fl_ensure_packages () {
  local missing
  missing=$(fl_missing_packages "$@")
  [ -z "$missing" ] && return 0

  if [ "$(id -u)" -ne 0 ]; then
    echo "Futures Lab needs these Debian packages:$missing" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
  fi

  echo "Installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be missing or stale on a fresh machine.
  if ! apt-get install -y -q $missing; then
    apt-get update -q
    apt-get install -y -q $missing
  fi
}

# Configures $1 (a build directory) with the remaining arguments if it is not configured yet.
fl_setup_build () {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@"
  fi
}
