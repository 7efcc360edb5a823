// Compiles aimine's Solidity (the mission's ComputeProvider and the test contracts) with the
// pinned solc-js, into crates/aimine-evm/artifacts/. Run through `cargo xtask sol`.
//
//   node tools/solc/compile.js <repo root> <mission dir> [--check]
//
// --check compiles into memory and exits 1 if a committed artifact differs.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const [root, missionDir, flag] = process.argv.slice(2);
if (!root || !missionDir) {
  console.error('usage: compile.js <repo root> <mission dir> [--check]');
  process.exit(2);
}
const check = flag === '--check';
const solDir = 'crates/aimine-evm/sol';
const outDir = path.join(root, 'crates/aimine-evm/artifacts');
const REMAP = '@luxfi/precompile/';

// Source keys are stable (independent of where the checkout and the mission live), so the
// bytecode does not depend on the machine.
const sources = {
  'mission/ComputeProvider.sol': {
    content: fs.readFileSync(path.join(missionDir, 'ComputeProvider.sol'), 'utf8'),
  },
  [`${solDir}/test/AimineClient.sol`]: {
    content: fs.readFileSync(path.join(root, solDir, 'test/AimineClient.sol'), 'utf8'),
  },
};
for (const i of ['IAIMining', 'INVTrust', 'IModelRegistry']) {
  const key = `${REMAP}ai/${i}.sol`;
  sources[key] = { content: fs.readFileSync(path.join(root, solDir, `ai/${i}.sol`), 'utf8') };
}

function findImports(p) {
  const file = p.startsWith(REMAP) ? path.join(root, solDir, p.slice(REMAP.length)) : path.join(root, p);
  try {
    return { contents: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    return { error: `not found: ${p}` };
  }
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    remappings: [`${REMAP}=${REMAP}`],
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'prague',
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
// Errors fail; so do warnings in aimine's own files (the mission's contract is compiled as given).
const fatal = (output.errors || []).filter(
  (e) => e.severity === 'error' || !(e.sourceLocation || {}).file?.startsWith('mission/'),
);
for (const e of output.errors || []) console.error(e.formattedMessage);
if (fatal.length > 0) process.exit(1);

// The interfaces' ABIs (as solc sees them) are written too, so a test can hold the Rust
// bindings to them.
const wanted = {
  ComputeProvider: 'mission/ComputeProvider.sol',
  AimineClient: `${solDir}/test/AimineClient.sol`,
  IAIMining: `${REMAP}ai/IAIMining.sol`,
  INVTrust: `${REMAP}ai/INVTrust.sol`,
  IModelRegistry: `${REMAP}ai/IModelRegistry.sol`,
};
let stale = false;
if (!check) fs.mkdirSync(outDir, { recursive: true });
for (const [name, source] of Object.entries(wanted)) {
  const c = output.contracts[source][name];
  const artifact = {
    contractName: name,
    source,
    compiler: `solc-js ${solc.version()}`,
    abi: c.abi,
  };
  if (c.evm.bytecode.object) artifact.bytecode = `0x${c.evm.bytecode.object}`;
  const text = `${JSON.stringify(artifact, null, 2)}\n`;
  const file = path.join(outDir, `${name}.json`);
  if (check) {
    const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (old !== text) {
      console.error(`stale: ${path.relative(root, file)} (run cargo xtask sol)`);
      stale = true;
    } else {
      console.log(`fresh: ${path.relative(root, file)}`);
    }
  } else {
    fs.writeFileSync(file, text);
    console.log(`wrote ${path.relative(root, file)} (${c.evm.bytecode.object.length / 2} bytes)`);
  }
}
process.exit(stale ? 1 : 0);
