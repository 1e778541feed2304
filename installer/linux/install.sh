#!/bin/sh
# Install planner from this unpacked tarball.
#
#   ./install.sh                 per-user, into ~/.local (no root needed)
#   sudo ./install.sh --prefix /usr/local    system-wide
#
# Copies the application to PREFIX/lib/planner, links PREFIX/bin/planner,
# installs the menu entry, the icons (hicolor theme) and the .planner file type,
# and writes PREFIX/lib/planner/uninstall.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix="$HOME/.local"
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "install.sh : option inconnue : $1" >&2; exit 2 ;;
    esac
done
if [ "$prefix" = "$HOME/.local" ] && [ -n "${XDG_DATA_HOME:-}" ]; then
    share="$XDG_DATA_HOME"
else
    share="$prefix/share"
fi

app="$prefix/lib/planner"
echo "Installation de planner dans $app"
rm -rf "$app"
mkdir -p "$app" "$prefix/bin" "$share/applications" "$share/mime/packages"
cp -R "$here/planner/." "$app/"
ln -sf "$app/planner" "$prefix/bin/planner"

sed "s|^Exec=planner|Exec=$app/planner|; s|^TryExec=planner|TryExec=$app/planner|" \
    "$here/share/applications/planner.desktop" > "$share/applications/planner.desktop"
cp "$here/share/mime/packages/planner.xml" "$share/mime/packages/planner.xml"
mkdir -p "$share/icons"
cp -R "$here/share/icons/." "$share/icons/"

cat > "$app/uninstall.sh" <<UNINSTALL
#!/bin/sh
# Remove planner installed by install.sh (prefix $prefix).
set -eu
rm -f "$prefix/bin/planner" "$share/applications/planner.desktop" \\
      "$share/mime/packages/planner.xml"
find "$share/icons/hicolor" -path '*/apps/planner.*' -delete 2>/dev/null || true
command -v update-mime-database >/dev/null && update-mime-database "$share/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
rm -rf "$app"
echo "planner a été désinstallé (les campagnes et la démo de l'utilisateur sont conservées)."
UNINSTALL
chmod +x "$app/uninstall.sh"

command -v update-mime-database >/dev/null && update-mime-database "$share/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true

echo "planner est installé : menu Bureautique, ou la commande $prefix/bin/planner"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "(ajoutez $prefix/bin à votre PATH pour la commande planner)";; esac
echo "Pour désinstaller : $app/uninstall.sh"
