#!/usr/bin/env bash
# Smoke test of the frozen planner (slow: not part of the default test command).
#
#   installer/smoke.sh            build with installer/build.py, then test
#   installer/smoke.sh --reuse    test the existing dist/planner (no rebuild)
#   DIST=/some/dir installer/smoke.sh   build into / reuse another dist folder
#
# The built folder is copied to a fresh directory and started with `env -i`
# (HOME in a temporary directory, offscreen Qt, no PYTHONPATH, no network
# when `unshare -rn` is available): first launch builds the demo campaign and
# must draw every placed firm on the map; a second launch measures the warm
# start-up; then the frozen CLI runs `info` and, when `planner --help` lists
# it, `export call-lists`. Exit 0 when everything passed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dist=${DIST:-$root/dist}
reuse=0
for arg in "$@"; do
    case "$arg" in
        --reuse) reuse=1 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "smoke.sh : option inconnue : $arg" >&2; exit 2 ;;
    esac
done

if [ "$reuse" = 0 ] || [ ! -x "$dist/planner/planner" ]; then
    start=$(date +%s.%N)
    (cd "$root" && uv run --group installer python installer/build.py --dist "$dist" --work "$dist/../build")
    build_seconds=$(printf "%.0f" "$(echo "$(date +%s.%N) - $start" | bc)")
else
    build_seconds="(réutilisé)"
fi

work=$(mktemp -d /tmp/planner-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -a "$dist/planner" "$work/app"
mkdir -p "$work/home"
app="$work/app/planner"
size_mb=$(du -sm "$work/app" | cut -f1)

isolate=()
if unshare -rn true 2>/dev/null; then
    isolate=(unshare -rn)  # no network interface but loopback
    network="coupé (unshare -rn)"
else
    network="disponible (unshare indisponible)"
fi

frozen() {
    # The frozen binary with a minimal environment, from the fresh copy.
    env -i HOME="$work/home" QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 \
        LANG=C.UTF-8 "$@"
}

launch() {
    # Start the app on the demo; print the probe's JSON line ({"drawn": N, "seconds": S}).
    local out
    out=$(cd "$work" && frozen PLANNER_STARTUP_PROBE="$(date +%s.%N)" \
        timeout 900 "${isolate[@]}" "$app" --demo 2>"$work/stderr.log") || {
        echo "ÉCHEC : l'application s'est arrêtée sans dessiner la carte" >&2
        tail -30 "$work/stderr.log" >&2
        exit 1
    }
    local line
    line=$(grep -m1 '^{' <<<"$out" || true)
    if [ -z "$line" ]; then
        echo "ÉCHEC : pas de carte dessinée (sonde muette)" >&2
        tail -30 "$work/stderr.log" >&2
        exit 1
    fi
    echo "$line"
}

echo "== premier lancement (création de la démo)"
first=$(launch)
echo "$first"
drawn=$(sed -E 's/.*"drawn": *([0-9]+).*/\1/' <<<"$first")
[ "$drawn" -gt 0 ] || { echo "ÉCHEC : aucun marqueur" >&2; exit 1; }
echo "== second lancement (démo existante)"
second=$(launch)
echo "$second"

demo=$(find "$work/home" -name '*.planner' | head -1)
[ -n "$demo" ] || { echo "ÉCHEC : campagne de démonstration introuvable" >&2; exit 1; }
echo "== CLI : info ($demo)"
(cd "$work" && frozen "${isolate[@]}" "$app" info "$demo" --json) >"$work/info.json"
grep -q '"demo": *true' "$work/info.json" || {
    echo "ÉCHEC : planner info" >&2; cat "$work/info.json" >&2; exit 1; }
echo "ok"

if (cd "$work" && frozen "$app" --help) | grep -qw export; then
    echo "== CLI : export call-lists"
    (cd "$work" && frozen "${isolate[@]}" "$app" export call-lists "$demo" --out "$work/calls")
    count=$(find "$work/calls" -type f | wc -l)
    [ "$count" -gt 0 ] || { echo "ÉCHEC : aucune liste d'appels écrite" >&2; exit 1; }
    echo "ok : $count fichier(s)"
else
    echo "== CLI : export call-lists ignoré (« planner --help » ne liste pas export)"
fi

seconds() { sed -E 's/.*"seconds": *([0-9.]+).*/\1/' <<<"$1"; }
echo
echo "Résumé"
echo "  construction       : $build_seconds s"
echo "  dossier            : $size_mb Mo"
echo "  réseau             : $network"
echo "  1er lancement      : $(seconds "$first") s jusqu'à la carte ($drawn marqueurs, démo créée)"
echo "  lancement suivant  : $(seconds "$second") s jusqu'à la carte"
echo "SMOKE OK"
