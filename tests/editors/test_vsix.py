"""The .vsix of every VS Code target, as `npm run package -- --target all` builds them: each holds
the compiled parts for its platform and every supported CPython (read from the wheel tags of what
was bundled, and from the machine code itself), nothing for another platform, and only the files
the extension needs. Sizes and file counts go to .test-artifacts/vsix/sizes.json."""

from __future__ import annotations

import io
import json
import lzma
import re
import struct
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

from tests.artifacts import artifacts_dir
from tests.editors.vscode import TARGETS, packaged_extensions

SUPPORTED = ("3.10", "3.11", "3.12", "3.13", "3.14")
# Of every supported version: each must have its own compiled module of these.
COMPILED = ("libcst/native", "pydantic_core/_pydantic_core", "jiter/jiter")
GOAL_MB = 15
# importlib.util.MAGIC_NUMBER of each version: its byte code's first two bytes.
MAGIC = {"3.10": 3439, "3.11": 3495, "3.12": 3531, "3.13": 3571, "3.14": 3627}


@dataclass(frozen=True)
class Platform:
    wheel_tag: re.Pattern[str]  # the platform part of a wheel tag
    module: str  # an extension module's suffix, {v} the version's digits
    machine: tuple[str, int]  # the binary format and its machine number


PLATFORMS = {
    "linux-x64": Platform(
        re.compile(r"^(manylinux(1|2010|2014|_2_\d+)_x86_64|any)$"),
        ".cpython-{v}-x86_64-linux-gnu.so",
        ("elf", 62),  # EM_X86_64
    ),
    "linux-arm64": Platform(
        re.compile(r"^(manylinux(2014|_2_\d+)_aarch64|any)$"),
        ".cpython-{v}-aarch64-linux-gnu.so",
        ("elf", 183),  # EM_AARCH64
    ),
    "darwin-x64": Platform(
        re.compile(r"^(macosx_\d+_\d+_(x86_64|intel|universal2)|any)$"),
        ".cpython-{v}-darwin.so",
        ("macho", 0x01000007),  # CPU_TYPE_X86_64
    ),
    "darwin-arm64": Platform(
        re.compile(r"^(macosx_\d+_\d+_(arm64|universal2)|any)$"),
        ".cpython-{v}-darwin.so",
        ("macho", 0x0100000C),  # CPU_TYPE_ARM64
    ),
    "win32-x64": Platform(
        re.compile(r"^(win_amd64|any)$"),
        ".cp{v}-win_amd64.pyd",
        ("pe", 0x8664),  # IMAGE_FILE_MACHINE_AMD64
    ),
}
EXTENSION = re.compile(r"\.(so|pyd|dylib|dll)$")


@dataclass
class Vsix:
    path: Path
    names: list[str]  # the zip's entries
    manifest: dict
    payload: dict[str, bytes]  # the payload's members: name -> the first bytes of the file
    payload_size: int

    def compiled(self) -> dict[str, bytes]:
        """Every compiled module, plain or in the payload, with its first bytes."""
        found = {n: b"" for n in self.names if EXTENSION.search(n)}
        found.update({n: head for n, head in self.payload.items() if EXTENSION.search(n)})
        return found


@pytest.fixture(scope="module")
def vsix_files() -> dict[str, Vsix]:
    read = {}
    for target, path in packaged_extensions().items():
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            manifest = json.loads(archive.read("extension/bundled/manifest.json"))
            blob = archive.read("extension/bundled/payload.tar.xz")
            heads = {}
            with tarfile.open(fileobj=lzma.LZMAFile(io.BytesIO(blob))) as payload:
                for member in payload:
                    if member.isfile():
                        handle = payload.extractfile(member)
                        assert handle is not None
                        heads[member.name] = handle.read(4096)
        read[target] = Vsix(path, names, manifest, heads, len(blob))
    sizes = {
        target: {
            "megabytes": round(v.path.stat().st_size / 1e6, 2),
            "files": len(v.names),
            "payload_megabytes": round(v.payload_size / 1e6, 2),
            "payload_files": len(v.payload),
        }
        for target, v in read.items()
    }
    report = artifacts_dir("vsix") / "sizes.json"
    report.write_text(json.dumps(sizes, indent=2) + "\n")
    print(json.dumps(sizes, indent=2))
    return read


def machine(head: bytes) -> tuple[str, int] | None:
    """The binary format and machine a compiled module was built for, from its header."""
    if head[:4] == b"\x7fELF":
        return ("elf", struct.unpack_from("<H", head, 18)[0])
    if head[:4] == b"\xcf\xfa\xed\xfe":  # 64-bit Mach-O, little endian
        return ("macho", struct.unpack_from("<I", head, 4)[0])
    if head[:4] == b"\xca\xfe\xba\xbe":  # a universal binary: its first architecture
        return ("macho", struct.unpack_from(">I", head, 8)[0])
    if head[:2] == b"MZ":
        offset = struct.unpack_from("<I", head, 0x3C)[0]
        if head[offset : offset + 4] == b"PE\0\0":
            return ("pe", struct.unpack_from("<H", head, offset + 4)[0])
    return None


@pytest.mark.parametrize("target", TARGETS)
def test_every_bundled_wheel_is_for_the_target_and_each_python(
    vsix_files: dict[str, Vsix], target: str
) -> None:
    vsix = vsix_files[target]
    platform = PLATFORMS[target]
    assert vsix.manifest["platform"] == target
    assert vsix.manifest["pythons"] == list(SUPPORTED)
    for python in SUPPORTED:
        wheels = vsix.manifest["wheels"][python]
        assert {"devfocus", "libcst", "pygls", "sqlalchemy", "anthropic"} <= set(wheels)
        digits = python.replace(".", "")
        for name, wheel in wheels.items():
            for tag in wheel["tags"]:
                interpreter, abi, plat = tag.split("-")
                assert platform.wheel_tag.match(plat), f"{python}: {name} {tag}"
                if plat != "any":  # compiled for this version (or the stable ABI)
                    assert interpreter in (f"cp{digits}", "cp3") or abi == "abi3", tag
                    assert abi in (f"cp{digits}", "abi3", "none"), tag


@pytest.mark.parametrize("target", TARGETS)
def test_every_python_has_its_compiled_modules_for_this_platform_and_no_other(
    vsix_files: dict[str, Vsix], target: str
) -> None:
    vsix = vsix_files[target]
    platform = PLATFORMS[target]
    compiled = vsix.compiled()
    for python in SUPPORTED:
        suffix = platform.module.format(v=python.replace(".", ""))
        for module in COMPILED:
            assert any(n.endswith(module + suffix) for n in compiled), f"{module}{suffix}"
        yaml = ("yaml_ft/_yaml", "yaml/_yaml")  # 3.13's libcst takes the free-threading fork
        assert any(n.endswith(y + suffix) for y in yaml for n in compiled), f"_yaml{suffix}"
    named_for_target = re.compile(re.escape(platform.module).replace(r"\{v\}", r"3\d+") + "$")
    for name, head in compiled.items():
        assert named_for_target.search(name) or ".abi3." in name, f"{name}: not for {target}"
        if head:  # the payload's modules: the machine code itself says which platform
            assert machine(head) == platform.machine, f"{name}: {machine(head)}"


@pytest.mark.parametrize("target", TARGETS)
def test_the_vsix_holds_only_what_the_extension_needs(
    vsix_files: dict[str, Vsix], target: str
) -> None:
    vsix = vsix_files[target]
    files = [n for n in vsix.names if n.startswith("extension/")]
    top = {PurePosixPath(n).parts[1] for n in files}
    assert top <= {
        "package.json",
        "LICENSE.txt",
        "LICENSE",
        "CHANGELOG.md",
        "readme.md",
        "changelog.md",
        "client-vscode",
        "bundled",
    }, top
    client = {n for n in files if n.startswith("extension/client-vscode/")}
    assert "extension/client-vscode/dist/extension.js" in client
    assert all(
        n.startswith(("extension/client-vscode/dist/", "extension/client-vscode/images/"))
        or n == "extension/client-vscode/README.md"
        for n in client
    ), client
    unwanted = re.compile(r"(__pycache__|\.pyc$|\.ts$|\.map$|/tests?/)")
    # The byte code of what runs before the bundle is found, for every version, is plain.
    ahead = re.compile(
        r"^extension/bundled/libs/devfocus/__pycache__/(__init__|__main__|bundled)\.cpython-3\d+\.pyc$"
    )
    assert not [n for n in vsix.names if unwanted.search(n) and not ahead.match(n)]
    assert len([n for n in vsix.names if ahead.match(n)]) == 3 * len(SUPPORTED)
    # Every library the server imports at start is plain; the rest is in the one archive.
    assert "extension/bundled/libs/devfocus/lsp/server.py" in vsix.names
    assert not [n for n in vsix.names if n.startswith("extension/bundled/libs/libcst/")]


@pytest.mark.parametrize("target", TARGETS)
def test_each_vsix_is_under_the_size_goal(vsix_files: dict[str, Vsix], target: str) -> None:
    size = vsix_files[target].path.stat().st_size / 1e6
    assert size < GOAL_MB, f"{target}: {size:.1f} MB"


@pytest.mark.parametrize("target", TARGETS)
def test_every_python_gets_the_start_up_byte_code_its_own_version_writes(
    vsix_files: dict[str, Vsix], target: str
) -> None:
    vsix = vsix_files[target]
    tags = {"cp" + p.replace(".", ""): p for p in SUPPORTED}
    assert set(vsix.manifest["bytecode"]) == set(tags)
    with zipfile.ZipFile(vsix.path) as archive:
        archives = set(vsix.manifest["bytecode"].values())
        data = b"".join(archive.read(f"extension/bundled/{name}") for name in sorted(archives))
    assert len(archives) == 3  # two versions to an archive
    found: dict[str, list[str]] = {tag: [] for tag in tags}
    while data:  # xz streams: a JSON line of names, versions and sizes, then the files
        decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        head, _, body = decompressor.decompress(data).partition(b"\n")
        data = decompressor.unused_data
        offset = 0
        for file, tag, size in json.loads(head):
            pyc = body[offset : offset + size]
            offset += size
            found[tag].append(file)
            magic, flags = struct.unpack_from("<HxxI", pyc)
            assert magic == MAGIC[tags[tag]], f"{tag} {file}: {magic}"
            assert flags == 0b11, f"{file}: not checked-hash byte code"
    ahead = {"libs/devfocus/__init__.py", "libs/devfocus/bundled.py"}  # shipped plain
    shipped = [f for f in vsix.manifest["startup"] if f not in ahead]
    assert found == dict.fromkeys(tags, shipped)


def elf_sections(data: bytes) -> set[str]:
    """The section names of a 64-bit little-endian ELF file."""
    table, entry_size, count, names_index = struct.unpack_from("<Q10xHHH", data, 0x28)
    headers = [struct.unpack_from("<I20xQQ", data, table + i * entry_size) for i in range(count)]
    _, names_at, names_size = headers[names_index]
    names = data[names_at : names_at + names_size]
    return {names[n : names.index(b"\0", n)].decode() for n, _, _ in headers}


@pytest.mark.parametrize("target", [t for t in TARGETS if t.startswith("linux-")])
def test_the_linux_extension_modules_carry_no_symbol_tables(
    vsix_files: dict[str, Vsix], target: str
) -> None:
    with zipfile.ZipFile(vsix_files[target].path) as archive:
        blob = archive.read("extension/bundled/payload.tar.xz")
    checked = 0
    with tarfile.open(fileobj=lzma.LZMAFile(io.BytesIO(blob))) as payload:
        for member in payload:
            if member.isfile() and member.name.endswith(".so"):
                handle = payload.extractfile(member)
                assert handle is not None
                sections = elf_sections(handle.read())
                # What loading needs stays; what debuggers and linkers read is gone.
                assert ".dynsym" in sections and ".symtab" not in sections, member.name
                checked += 1
    assert checked >= 5 * len(COMPILED), checked
