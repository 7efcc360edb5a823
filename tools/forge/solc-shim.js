#!/usr/bin/env node
// A stand-in for the native `solc` binary, backed by the pinned solc-js (npm `solc`, see
// package.json), so that Foundry's forge can compile offline: forge normally downloads native
// solc through svm, which this machine cannot do. foundry.toml points forge here (`solc = ...`).
//
// forge only uses two invocations of its compiler, and this script implements exactly those:
//
//   solc --version
//       Prints the banner native solc prints; forge reads the semver after "Version: ".
//   solc [--base-path DIR] [--include-path DIR]... [--allow-paths A,B] --standard-json
//       Reads Standard JSON input on stdin, writes Standard JSON output on stdout. forge
//       already puts every source's content into the input; files it did not include are
//       read through solc-js's import callback from the base path, the include paths or the
//       file system, like native solc does.
//
// Anything else exits 2 with a message, so an unexpected use shows up instead of passing silently.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const args = process.argv.slice(2);

// solc-js reports e.g. "0.8.37+commit.f401782d.Emscripten.clang"; native solc on Linux says
// "0.8.37+commit.f401782d.Linux.g++". Same compiler, same bytecode; only the platform tag differs.
function nativeVersion() {
  return solc.version().replace(/\.Emscripten\.clang$/, '.Linux.g++');
}

if (args.includes('--version')) {
  process.stdout.write(
    `solc, the solidity compiler commandline interface\nVersion: ${nativeVersion()}\n`
  );
  process.exit(0);
}

// Parse the options native solc accepts alongside --standard-json (both "--opt value" and
// "--opt=value" forms).
let basePath = null;
const includePaths = [];
let standardJson = false;
for (let i = 0; i < args.length; i++) {
  let a = args[i];
  let value = null;
  const eq = a.indexOf('=');
  if (a.startsWith('--') && eq > 0) {
    value = a.slice(eq + 1);
    a = a.slice(0, eq);
  }
  const next = () => (value !== null ? value : args[++i]);
  switch (a) {
    case '--standard-json':
      standardJson = true;
      break;
    case '--base-path':
      basePath = next();
      break;
    case '--include-path':
      includePaths.push(next());
      break;
    case '--allow-paths':
      // Native solc restricts the callback's file reads to these; this shim reads only what
      // an import names (below), so it accepts and ignores the list.
      next();
      break;
    default:
      process.stderr.write(`solc-shim: unsupported argument ${args[i]}\n`);
      process.exit(2);
  }
}
if (!standardJson) {
  process.stderr.write('solc-shim: only --version and --standard-json are supported\n');
  process.exit(2);
}

// The import callback: an import path solc could not find among the input's sources. Tried
// against the base path (or the working directory, native solc's default), then each include
// path, then as given (an absolute path).
function findImports(importPath) {
  const roots = [basePath || process.cwd(), ...includePaths];
  const candidates = path.isAbsolute(importPath)
    ? [importPath]
    : roots.map((r) => path.resolve(r, importPath));
  for (const file of candidates) {
    try {
      return { contents: fs.readFileSync(file, 'utf8') };
    } catch (_) {
      // try the next root
    }
  }
  return { error: `File not found: ${importPath} (searched ${candidates.join(', ')})` };
}

const input = fs.readFileSync(0, 'utf8');
// compile() never throws for compiler errors: they come back in output.errors, which forge
// reports (and fails on). Like native solc, exit 0 whenever valid JSON was produced.
const output = solc.compile(input, { import: findImports });
process.stdout.write(output);
