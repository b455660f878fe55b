#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Regenerates data/flags/<cc>.gif, data/countries.json, data/licenses/ and the flag server's
# resource list (src/server/fl-server.gresource.xml) from two npm packages. The build never
# runs this: its output is committed.
#
#   flag-icons          SVG flags (4x3), MIT            -> data/flags/<cc>.gif, 160 px wide
#   i18n-iso-countries  ISO 3166-1 codes, names, MIT    -> data/countries.json (en, zh)
#
# Needs: npm, python3, rsvg-convert (Debian: librsvg2-bin), convert (imagemagick).
# The tarballs are fetched with `npm pack` into a temporary folder that is removed on exit.
#
# Usage: tools/regenerate-flags.sh [FLAG_ICONS_VERSION [I18N_ISO_COUNTRIES_VERSION]]
set -euo pipefail

flag_icons_version="${1:-7.5.0}"
countries_version="${2:-7.14.0}"
width=160

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/data"

for tool in npm python3 rsvg-convert convert; do
  if ! command -v "$tool" >/dev/null; then
    echo "regenerate-flags: “$tool” is missing (rsvg-convert: apt-get install librsvg2-bin)" >&2
    exit 1
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "flag-icons@$flag_icons_version" \
                                  "i18n-iso-countries@$countries_version" >/dev/null)
mkdir -p "$work/flag-icons" "$work/countries"
tar xzf "$work/flag-icons-$flag_icons_version.tgz" -C "$work/flag-icons"
tar xzf "$work/i18n-iso-countries-$countries_version.tgz" -C "$work/countries"
svgs="$work/flag-icons/package/flags/4x3"
names="$work/countries/package"

rm -rf "$data/flags"
mkdir -p "$data/flags" "$data/licenses"

# Every alpha-2 code the names package knows (ISO 3166-1 plus XK), lower case.
codes="$(python3 -c '
import json, sys
for row in json.load(open(sys.argv[1])):
    print(row[0].lower())
' "$names/codes.json" | sort)"

for cc in $codes; do
  if [ ! -f "$svgs/$cc.svg" ]; then
    echo "regenerate-flags: flag-icons has no flag for “$cc”" >&2
    exit 1
  fi
  # -strip and a fixed palette size keep the output byte-stable between runs.
  rsvg-convert -w "$width" "$svgs/$cc.svg" \
    | convert png:- -strip -colors 256 "gif:$data/flags/$cc.gif"
done

# Image sizes, read back from the GIFs themselves.
sizes="$work/sizes.txt"
for cc in $codes; do
  identify -format "%t %w %h\n" "$data/flags/$cc.gif"
done >"$sizes"

python3 - "$names" "$sizes" "$flag_icons_version" "$countries_version" \
  >"$data/countries.json" <<'EOF'
import json, sys

names_dir, sizes_path, flag_icons_version, countries_version = sys.argv[1:5]

# The classic "20 most populous countries" list of the flags2 examples (Fluent Python,
# 1st ed. 2015 and 2nd ed. 2022, flags.py POP20_CC), in its own order: population as
# estimated around 2014. Newer estimates order some of them differently (India passed
# China in 2023); the list is kept because the CLI's default follows those scripts.
POP20 = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR".split()

def pick(value):
    # i18n-iso-countries gives a list for some codes; its first entry is the one the
    # package itself returns by default ("official").
    return value[0] if isinstance(value, list) else value

en = json.load(open(f"{names_dir}/langs/en.json"))["countries"]
zh = json.load(open(f"{names_dir}/langs/zh.json"))["countries"]
codes = sorted(row[0] for row in json.load(open(f"{names_dir}/codes.json")))
sizes = {}
for line in open(sizes_path):
    cc, w, h = line.split()
    sizes[cc] = (int(w), int(h))

countries = []
for code in codes:
    cc = code.lower()
    entry = {
        "code": cc,
        "name": pick(en[code]),
        "name_zh": pick(zh[code]),
        "width": sizes[cc][0],
        "height": sizes[cc][1],
    }
    if code in POP20:
        entry["population_rank"] = POP20.index(code) + 1
    countries.append(entry)

doc = {
    "sources": {
        "codes_and_names": f"npm i18n-iso-countries {countries_version} (MIT)",
        "flags": f"npm flag-icons {flag_icons_version} (MIT), flags/4x3 rendered 160 px wide as GIF",
        "population_rank": "flags2 examples' POP20_CC list (Fluent Python, 2015/2022), "
                           "population estimates of about 2014",
    },
    "countries": countries,
}
json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")
EOF

# The flag server compiles every flag into its binary: list them for glib-compile-resources.
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<!-- SPDX-License-Identifier: GPL-3.0-or-later -->'
  echo '<!-- Written by tools/regenerate-flags.sh: edit that, not this. -->'
  echo '<gresources>'
  echo '  <gresource prefix="/io/github/FuturesLab/server">'
  echo '    <file compressed="true">countries.json</file>'
  for cc in $codes; do
    echo "    <file>flags/$cc.gif</file>"
  done
  echo '  </gresource>'
  echo '</gresources>'
} >"$root/src/server/fl-server.gresource.xml"

cp "$work/flag-icons/package/LICENSE" "$data/licenses/flag-icons.LICENSE"
cp "$work/countries/package/LICENSE" "$data/licenses/i18n-iso-countries.LICENSE"

echo "regenerate-flags: $(echo "$codes" | wc -w) flags and countries.json written to $data"
