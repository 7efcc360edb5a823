// Compiles one Solidity file of aimine-node's tests with the pinned solc-js (tools/solc, the
// settings of tools/solc/compile.js) and prints {"<contract>": "0x<creation code>", ...}.
// Run by the anvil differential test (tests/suite/anvil.rs) at test time.
//
//   node crates/aimine-node/tests/sol/compile.js <repo root> <file.sol, relative to the root>
'use strict';
const fs = require('fs');
const path = require('path');

const [root, file] = process.argv.slice(2);
if (!root || !file) {
  console.error('usage: compile.js <repo root> <file.sol>');
  process.exit(2);
}
const solc = require(path.join(root, 'tools/solc/node_modules/solc'));
const input = {
  language: 'Solidity',
  sources: { [file]: { content: fs.readFileSync(path.join(root, file), 'utf8') } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'prague',
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
// Errors fail; so do warnings, except SELFDESTRUCT's deprecation and transient storage's
// composability note (the test exercises both).
const fatal = (output.errors || []).filter(
  (e) => e.severity === 'error' || !/selfdestruct|Transient storage/i.test(e.message),
);
for (const e of fatal) console.error(e.formattedMessage);
if (fatal.length > 0) process.exit(1);
const out = {};
for (const [name, c] of Object.entries(output.contracts[file])) {
  out[name] = `0x${c.evm.bytecode.object}`;
}
console.log(JSON.stringify(out));
