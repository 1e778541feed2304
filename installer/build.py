"""Build planner's one-folder application and its Linux tarball in one command.

From a clean checkout::

    uv run --group installer python installer/build.py

gives ``dist/planner/`` (the PyInstaller folder) and, on Linux,
``dist/planner-<version>-linux-x86_64.tar.gz`` (the folder, ``install.sh``,
the menu entry, the icons and the ``.planner`` file type). On Windows, it
then runs Inno Setup's ``iscc`` when it is on the PATH (else prints the
command), which gives ``dist/planner-<version>-setup.exe``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
ICONS = ROOT / "resources" / "icons"


def version() -> str:
    """``planner.__version__``, read without importing the package."""
    for line in (ROOT / "planner" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("__version__ introuvable dans planner/__init__.py")


def pyinstaller(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; return ``dist/planner``."""
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(INSTALLER / "planner.spec"),
    ]
    subprocess.run(command, cwd=ROOT, check=True)
    return dist / "planner"


def linux_tarball(folder: Path, dist: Path, release: str) -> Path:
    """``planner-<version>-linux-<arch>.tar.gz`` with the app and ``install.sh``."""
    name = f"planner-{release}-linux-{platform.machine()}"
    stage = dist / name
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(folder, stage / "planner", symlinks=True)
    shutil.copy2(INSTALLER / "linux" / "install.sh", stage / "install.sh")
    share = stage / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(
        INSTALLER / "linux" / "planner.desktop", share / "applications" / "planner.desktop"
    )
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy2(
        INSTALLER / "linux" / "planner-mime.xml", share / "mime" / "packages" / "planner.xml"
    )
    shutil.copytree(ICONS / "hicolor", share / "icons" / "hicolor")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(ICONS / "planner.svg", scalable / "planner.svg")
    archive = dist / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(stage, arcname=name)
    shutil.rmtree(stage)
    return archive


def windows_setup(release: str) -> None:
    """Compile the Inno Setup script when ``iscc`` is available."""
    iss = INSTALLER / "windows" / "planner.iss"
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if iscc is None:
        print(f"Inno Setup introuvable : lancez « iscc {iss.relative_to(ROOT)} »")
        return
    subprocess.run([iscc, f"/DAppVersion={release}", str(iss)], cwd=ROOT, check=True)


def folder_size(folder: Path) -> int:
    """Bytes of the files under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    """Build, then package for the current platform."""
    parser = argparse.ArgumentParser(description="Construire l'application planner.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="dossier de sortie")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="dossier de travail")
    parser.add_argument("--no-package", action="store_true", help="sans tarball ni setup.exe")
    args = parser.parse_args(argv)
    release = version()
    started = time.monotonic()
    folder = pyinstaller(args.dist.resolve(), args.work.resolve())
    built = time.monotonic() - started
    print(f"dossier : {folder} ({folder_size(folder) / 1e6:.0f} Mo, {built:.0f} s)")
    if not args.no_package:
        if sys.platform.startswith("linux"):
            archive = linux_tarball(folder, args.dist.resolve(), release)
            print(f"archive : {archive} ({archive.stat().st_size / 1e6:.0f} Mo)")
        elif os.name == "nt":
            windows_setup(release)
    return 0


if __name__ == "__main__":
    sys.exit(main())
