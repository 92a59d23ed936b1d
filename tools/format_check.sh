#!/usr/bin/env bash
# `make format-check`: lints every tracked Swift file under Sources/ and Tests/ with the
# repository's .swift-format (swift-format ships with the toolchain), strict: any finding fails.
# Skipped: generated files (linguist-generated in .gitattributes) and the files listed in
# tools/format-pending.txt — written before the configuration existed and edited by other branches,
# so they are formatted one at a time (`swift format format -i FILE`, then delete its line here).
#   tools/format_check.sh            lint the formatted files (CI)
#   tools/format_check.sh --pending  show what is left in the pending files
#   tools/format_check.sh --add-failing  append every failing file to the pending list, with its
#                                    findings (after merging branches that added unformatted files)
set -euo pipefail
cd "$(dirname "$0")/.."
pending_list=tools/format-pending.txt
mapfile -t tracked < <(git ls-files --cached --others --exclude-standard 'Sources/*.swift' 'Tests/*.swift')
mapfile -t generated < <(git check-attr linguist-generated -- "${tracked[@]}" | awk -F': ' '$3 == "true" { print $1 }')
# One path per line; "#" starts a comment (the findings noted beside each path).
mapfile -t pending < <(sed -e 's/[[:space:]]*#.*//' "$pending_list" | grep -v '^$' || true)
for f in "${pending[@]}"; do
    [ -f "$f" ] || { echo "format-check: $pending_list lists $f, which does not exist; delete the line" >&2; exit 2; }
done
if [ "${1:-}" = "--pending" ]; then
    swift format lint --configuration .swift-format --parallel "${pending[@]}" 2>&1 | cut -d: -f1 | sort | uniq -c | sort -rn
    exit 0
fi
checked=()
for f in "${tracked[@]}"; do
    skip=0
    for g in "${generated[@]}" "${pending[@]}"; do [ "$f" = "$g" ] && { skip=1; break; }; done
    [ $skip = 1 ] || checked+=("$f")
done
if [ "${1:-}" = "--add-failing" ]; then
    swift format lint --configuration .swift-format --parallel "${checked[@]}" 2>&1 \
        | sed -nE 's/^([^:]+):[0-9]+:[0-9]+: (warning|error): \[([A-Za-z]+)\].*/\1 \3/p' | sort | uniq -c \
        | awk '{ n[$2] = n[$2] (n[$2] ? ", " : "") $3 " " $1 } END { for (f in n) printf "%-62s # %s\n", f, n[f] }' \
        | sort | tee -a "$pending_list"
    exit 0
fi
echo "format-check: ${#checked[@]} files (${#pending[@]} pending in $pending_list, ${#generated[@]} generated skipped)"
swift format lint --configuration .swift-format --strict --parallel "${checked[@]}"
