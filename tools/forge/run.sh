#!/usr/bin/env bash
# Compiles the mission's ComputeProvider with forge (offline, through solc-shim.js) and deploys it
# with `forge script --broadcast` to a running `aimine node`.
#
#   tools/forge/run.sh RPC_URL [MISSION_DIR]
#
# RPC_URL      e.g. the "RPC URL" line `aimine node --port 0 --dev-root` prints.
# MISSION_DIR  the directory holding ComputeProvider.sol; default: shared/mission beside the repo.
# PRIVATE_KEY  (env) the deployer's key; default: dev account (0) of the standard test mnemonic.
#
# Only the deployed address goes to stdout (one line); forge's output goes to stderr. Exits
# non-zero if the build fails, the script fails or the receipt's status is not 1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rpc_url="${1:?usage: run.sh RPC_URL [MISSION_DIR]}"
mission_dir="$(cd "${2:-$here/../../../shared/mission}" && pwd)"
private_key="${PRIVATE_KEY:-0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80}"

cd "$here"
# The npm wrapper in node_modules/.bin exits 0 even when forge fails: call the platform binary.
forge="$here/node_modules/@foundry-rs/forge-linux-amd64/bin/forge"
if [[ ! -x "$forge" ]]; then
  npm ci --no-audit --no-fund >&2
fi

# Added to foundry.toml's remappings (Deploy.s.sol imports "mission/ComputeProvider.sol").
remap=(--remappings "mission/=$mission_dir/")

"$forge" build "${remap[@]}" >&2

# forge writes the sent transactions and their receipts to broadcast/Deploy.s.sol/<chain id>/;
# start from none so the one found below is this run's.
rm -rf broadcast/Deploy.s.sol
"$forge" script script/Deploy.s.sol:Deploy "${remap[@]}" \
  --rpc-url "$rpc_url" --private-key "$private_key" --broadcast --non-interactive >&2

node -e '
  const fs = require("fs");
  const dir = "broadcast/Deploy.s.sol";
  const [chain] = fs.readdirSync(dir);
  const run = JSON.parse(fs.readFileSync(`${dir}/${chain}/run-latest.json`, "utf8"));
  const receipt = run.receipts.find((r) => r.contractAddress);
  if (!receipt || receipt.status !== "0x1") {
    console.error("run.sh: no successful deployment receipt in", `${dir}/${chain}/run-latest.json`);
    process.exit(1);
  }
  console.log(receipt.contractAddress);
'
