// Compile Python modules to byte code with the CPython of another version, for the bundle.
//
//   node scripts/compile_bytecode.mjs PYODIDE_DIR < request.json
//
// request.json: {"source": DIR, "out": DIR, "files": ["libs/pkg/mod.py", ...]}. Each file under
// `source` is compiled by py_compile (checked-hash invalidation: the byte code is valid wherever
// the source is unpacked, whatever its time stamp) to `out`, at the same relative path with
// `.pyc` for `.py`. The last line printed is the interpreter's `sys.implementation.cache_tag`.
//
// The interpreter is Pyodide: CPython built for WebAssembly, published on npm for every CPython
// version (package.json names one per version). The byte code a CPython writes depends on its
// version only, not on the machine; scripts/bundle_server.py checks the cache tag, and the tests
// that this machine's own Python writes the same bytes.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const folder = resolve(process.argv[2]);
const request = JSON.parse(readFileSync(0, "utf8"));
const { loadPyodide } = await import(pathToFileURL(`${folder}/pyodide.mjs`).href);
// Pyodide's own messages go to stderr: stdout carries only the answer.
const pyodide = await loadPyodide({ indexURL: `${folder}/`, stdout: (line) => console.error(line) });
pyodide.FS.mkdirTree("/source");
pyodide.FS.mkdirTree("/out");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: resolve(request.source) }, "/source");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: resolve(request.out) }, "/out");
pyodide.globals.set("files", pyodide.toPy(request.files));
const tag = pyodide.runPython(`
import os, py_compile, sys

for name in files:
    out = "/out/" + name[:-3] + ".pyc"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    py_compile.compile(
        "/source/" + name,
        out,
        dfile=name,
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
    )
sys.implementation.cache_tag
`);
console.log(tag);
