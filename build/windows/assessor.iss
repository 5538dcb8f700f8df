; The Windows installer for the app folder that build/build.sh makes (dist\assessor).
; Built by the Windows job of .github/workflows/build.yml with Inno Setup 6.5 or newer:
;   ISCC.exe /DAppVersion=0.1.0 build\windows\assessor.iss
; ChineseSimplified.isl is not among Inno Setup's bundled languages (it is one of the
; unofficial translations in its repository); the workflow downloads it beside this script.
;
; - Per user, without administrator rights: installs into %LOCALAPPDATA%\Programs\assessor,
;   which an assessor's locked-down laptop allows.
; - A Start-menu entry (and its uninstaller) under 托育机构质量评估.
; - The wizard in Simplified Chinese.
; - Uninstalling removes only the program: the data folder (%LOCALAPPDATA%\assessor:
;   assessments, keys, the recycle bin) and the log are never installed by this script,
;   so the uninstaller leaves them, and says where they are.

#ifndef AppVersion
  #error Pass the version: ISCC.exe /DAppVersion=<version> assessor.iss
#endif

#define AppName "托育机构质量评估"
#define AppExe "assessor.exe"

[Setup]
; Never change: Windows knows an installed version (for upgrades and uninstalling) by it.
AppId={{5B0C9E67-2D7A-4B8E-9C3F-6A1D2E4F8B90}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=assessor
PrivilegesRequired=lowest
DefaultDirName={userpf}\assessor
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=assessor-{#AppVersion}-windows-x86_64-setup
SetupIconFile=assets\icons\assessor.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "build\windows\ChineseSimplified.isl"

[Files]
Source: "dist\assessor\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\卸载 {#AppName}"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\{#AppExe}"; Description: "启动{#AppName}"; Flags: nowait postinstall skipifsilent

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox('评估数据没有删除，仍在' + #13#10 + ExpandConstant('{localappdata}\assessor') + #13#10 +
      '（评估记录、证据照片、签名文件和导入的密钥）。重新安装后可以继续使用；' +
      '如确定不再需要，请先备份，再手动删除该文件夹。', mbInformation, MB_OK);
end;
