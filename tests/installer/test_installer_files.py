"""The packaging files agree with each other and with the code (no PyInstaller run).

The frozen build itself is checked by ``installer/smoke.sh`` (slow, outside CI).
"""

from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from planner import __version__

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
ICONS = ROOT / "resources" / "icons"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_installer_{name}", INSTALLER / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(INSTALLER / "linux" / "planner.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_hicolor_pngs_have_their_nominal_size() -> None:
    sizes = _load("make_icons").HICOLOR_SIZES
    for size in sizes:
        png = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "planner.png"
        assert _png_size(png.read_bytes()) == (size, size), png
    assert _png_size((ICONS / "planner.png").read_bytes()) == (256, 256)
    assert (ICONS / "planner.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_ico_directory_points_at_png_images_of_the_listed_sizes() -> None:
    data = (ICONS / "planner.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for index in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        size = width or 256
        assert height == width
        assert _png_size(data[offset : offset + length]) == (size, size)
        sizes.append(size)
    assert sorted(sizes) == sorted(_load("make_icons").ICO_SIZES)


def test_ico_writer_round_trips() -> None:
    make_icons = _load("make_icons")
    fake = {16: b"\x89PNG\r\n\x1a\n" + bytes(8) + struct.pack(">II", 16, 16), 256: b"x" * 5}
    data = make_icons.ico_bytes(fake)
    assert struct.unpack("<HHH", data[:6]) == (0, 1, 2)
    first = struct.unpack("<BBBBHHII", data[6:22])
    second = struct.unpack("<BBBBHHII", data[22:38])
    assert first[0] == 16 and second[0] == 0  # 0 means 256
    assert data[first[7] : first[7] + first[6]] == fake[16]
    assert data[second[7] : second[7] + second[6]] == fake[256]


def test_mime_type_globs_planner_files_and_matches_the_desktop_entry() -> None:
    root = ET.parse(INSTALLER / "linux" / "planner-mime.xml").getroot()
    (mime,) = root.findall(f"{MIME_NS}mime-type")
    assert [g.get("pattern") for g in mime.findall(f"{MIME_NS}glob")] == ["*.planner"]
    entry = _desktop_entry()
    assert entry["MimeType"].rstrip(";").split(";") == [mime.get("type")]
    assert entry["Icon"] == "planner"
    assert entry["Exec"].split()[0] == "planner" and "%f" in entry["Exec"]
    assert entry["Terminal"] == "false"


def test_desktop_entry_validates() -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate n'est pas installé")
    result = subprocess.run(
        [validator, str(INSTALLER / "linux" / "planner.desktop")],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout


def test_spec_ships_existing_data_and_version() -> None:
    spec = (INSTALLER / "planner.spec").read_text(encoding="utf-8")
    for match in re.finditer(r'ROOT((?: / "[^"]+")+)', spec):
        parts = re.findall(r'"([^"]+)"', match.group(1))
        if not parts[-1].endswith((".ico", ".png")):
            assert ROOT.joinpath(*parts).exists(), parts
    assert "console=False" in spec and "COLLECT(" in spec
    assert "ProductVersion', '{__version__}'" in spec
    assert "qtwebengine_locales" in spec and '"fr"' in spec


def test_inno_setup_script_is_consistent() -> None:
    iss = (INSTALLER / "windows" / "planner.iss").read_text(encoding="utf-8-sig")
    # The version comes from the exe's version resource, written from __version__.
    assert 'GetStringFileInfo(DistDir + "\\" + AppExeName, "ProductVersion")' in iss
    assert "AppVersion={#AppVersion}" in iss
    assert '#define AppExeName "planner.exe"' in iss
    assert "SetupIconFile={#IconsDir}\\planner.ico" in iss
    assert (ICONS / "planner.ico").exists()
    prog_id = re.search(r'#define ProgId "([^"]+)"', iss)
    assert prog_id is not None
    assert 'Subkey: "Software\\Classes\\.planner\\OpenWithProgids"' in iss
    assert '--open ""%1""' in iss
    assert "ChangesAssociations=yes" in iss
    assert "{uninstallexe}" in iss and "{group}" in iss
    assert 'MessagesFile: "compiler:Languages\\French.isl"' in iss
    assert re.search(r'^#define DistDir SourcePath \+ "\.\.\\\.\.\\dist\\planner"', iss, re.M)


def test_build_script_reads_the_package_version() -> None:
    assert _load("build").version() == __version__


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/home/a/Campagne T6.planner"], ["--open", "/home/a/Campagne T6.planner"]),
        (["C:\\Users\\a\\B.PLANNER"], ["--open", "C:\\Users\\a\\B.PLANNER"]),
        (["--demo"], ["--demo"]),
        (["info", "x.planner"], ["info", "x.planner"]),
        ([], []),
    ],
)
def test_frozen_entry_turns_a_double_clicked_file_into_open(
    argv: list[str], expected: list[str]
) -> None:
    assert _load("planner_entry")._arguments(argv) == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux tarball")
def test_tarball_install_and_uninstall(tmp_path: Path) -> None:
    build = _load("build")
    app = tmp_path / "dist" / "planner"
    (app / "_internal").mkdir(parents=True)
    (app / "planner").write_text("#!/bin/sh\necho planner\n")
    (app / "planner").chmod(0o755)
    archive = build.linux_tarball(app, tmp_path / "dist", "9.9.9")
    assert archive.name.startswith("planner-9.9.9-linux-")
    shutil.unpack_archive(archive, tmp_path / "unpacked")
    (stage,) = (tmp_path / "unpacked").iterdir()
    prefix = tmp_path / "prefix"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    subprocess.run(
        ["sh", str(stage / "install.sh"), "--prefix", str(prefix)],
        check=True,
        env=env,
        capture_output=True,
    )
    share = prefix / "share"
    installed = prefix / "lib" / "planner"
    assert (prefix / "bin" / "planner").resolve() == (installed / "planner").resolve()
    desktop = (share / "applications" / "planner.desktop").read_text(encoding="utf-8")
    assert f"Exec={installed}/planner %f" in desktop
    assert (share / "mime" / "packages" / "planner.xml").exists()
    assert (share / "icons" / "hicolor" / "48x48" / "apps" / "planner.png").exists()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "planner.svg").exists()
    subprocess.run(
        ["sh", str(installed / "uninstall.sh")], check=True, env=env, capture_output=True
    )
    assert not installed.exists()
    assert not (prefix / "bin" / "planner").exists()
    assert not (share / "applications" / "planner.desktop").exists()
    assert not list(share.rglob("planner.png"))
