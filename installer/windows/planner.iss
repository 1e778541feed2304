; Inno Setup script of planner (Inno Setup 6.3 or later).
;
; On Windows, from the repository root, after the PyInstaller build:
;   uv run --group installer python installer\build.py --no-package
;   iscc installer\windows\planner.iss
; (installer\build.py runs iscc itself when it is on the PATH.)
; Result: dist\planner-<version>-setup.exe. It installs for the current user
; by default (no administrator rights), or for all users when run elevated.

#define AppName "planner"
#define AppExeName "planner.exe"
#define DistDir SourcePath + "..\..\dist\planner"
#define IconsDir SourcePath + "..\..\resources\icons"
#define ProgId "planner.campaign"

; The version comes from the built executable, whose version resource the
; PyInstaller spec writes from planner.__version__. Override: iscc /DAppVersion=x.y.z
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(DistDir + "\" + AppExeName, "ProductVersion")
#endif
#if AppVersion == ""
  #error "Version introuvable : construisez d'abord dist\planner (installer\build.py)"
#endif

[Setup]
AppId={{6F1C6D2E-3B7A-4C55-9E0B-5A2D1F7C8B41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=planner
AppComments=Planification des task forces entreprises
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
SetupIconFile={#IconsDir}\planner.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName} {#AppVersion}
LicenseFile={#SourcePath}..\..\LICENSE
OutputDir={#SourcePath}..\..\dist
OutputBaseFilename=planner-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; A new version replaces the previous application folder entirely.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Comment: "Planification des task forces entreprises"
Name: "{group}\Démonstration de {#AppName}"; Filename: "{app}\{#AppExeName}"; Parameters: "--demo"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Registry]
; .planner → planner.campaign (HKA: HKCU for a per-user install, HKLM for all users).
Root: HKA; Subkey: "Software\Classes\.planner\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Campagne planner"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExeName},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"" --open ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExeName}\SupportedTypes"; ValueType: string; ValueName: ".planner"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExeName}"; Parameters: "--demo"; Description: "Ouvrir la campagne de démonstration"; Flags: nowait postinstall skipifsilent unchecked
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
