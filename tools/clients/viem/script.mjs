// viem driving an aimine node: deploys the mission's ComputeProvider, starts a mining session
// through it with a GPU quote forged for (ComputeProvider, account 0), reads the AI_MINING
// precompile's SessionStarted log back, and decodes two reverts to their custom error names.
//
// usage: node script.mjs <rpc url> <quote hex> <ComputeProvider.json> <IAIMining.json>
//
// One line per step on stdout ("ok <step> ..."); any failed check prints "FAIL ..." on stderr and
// exits 1. aimine-node's tests (tests/suite/clients.rs) run it and read the lines back.

import { readFileSync } from 'node:fs';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  decodeErrorResult,
  defineChain,
  getContractAddress,
  http,
  parseEventLogs,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const AI_MINING = '0x0000000000000000000000000000000000000300';
// Account 0 of the standard test mnemonic (public, dev only): signs locally (raw transactions).
const KEY0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
// Account 1: the node holds its key, so it sends through eth_sendTransaction.
const ACCOUNT1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const UNKNOWN_SESSION = `0x${'ee'.repeat(32)}`;

function fail(message) {
  console.error(`FAIL ${message}`);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) fail(message);
}

const same = (a, b) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

// The custom error a failed contract call reverted with, decoded by viem against the abi.
function revertName(err) {
  check(err instanceof BaseError, `not a viem error: ${err}`);
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  check(reverted instanceof ContractFunctionRevertedError, `not a revert: ${err.shortMessage}`);
  return { name: reverted.data?.errorName, raw: reverted.raw };
}

async function main() {
  const [url, quote, providerPath, miningPath] = process.argv.slice(2);
  check(url && /^0x[0-9a-f]+$/i.test(quote ?? '') && providerPath && miningPath,
    'usage: node script.mjs <rpc url> <quote hex> <ComputeProvider.json> <IAIMining.json>');
  const provider = JSON.parse(readFileSync(providerPath, 'utf8'));
  const mining = JSON.parse(readFileSync(miningPath, 'utf8'));
  // ComputeProvider bubbles the precompile's revert data: its calls decode with AI_MINING's errors.
  const providerAbi = [...provider.abi, ...mining.abi.filter((item) => item.type === 'error')];

  const aimine = defineChain({
    id: 96369,
    name: 'aimine dev',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const transport = http(url);
  const client = createPublicClient({ chain: aimine, transport, pollingInterval: 50 });
  const account0 = privateKeyToAccount(KEY0);
  const wallet0 = createWalletClient({ chain: aimine, transport, account: account0, pollingInterval: 50 });
  const wallet1 = createWalletClient({ chain: aimine, transport, account: ACCOUNT1, pollingInterval: 50 });

  const chainId = await client.getChainId();
  check(chainId === 96369, `chain id ${chainId}`);
  console.log(`ok chain ${chainId}`);

  // (1) Deploy ComputeProvider from account 0 (its CREATE address is the quote's submitter).
  const deployNonce = await client.getTransactionCount({ address: account0.address });
  const expected = getContractAddress({ from: account0.address, nonce: BigInt(deployNonce) });
  const deployHash = await wallet0.deployContract({ abi: provider.abi, bytecode: provider.bytecode });
  const deployed = await client.waitForTransactionReceipt({ hash: deployHash, timeout: 30_000 });
  check(deployed.status === 'success', `deploy status ${deployed.status}`);
  check(same(deployed.contractAddress, expected), `contractAddress ${deployed.contractAddress}, expected ${expected}`);
  check(deployed.gasUsed > 53_000n && deployed.gasUsed < 30_000_000n, `deploy gasUsed ${deployed.gasUsed}`);
  const code = await client.getCode({ address: expected });
  check(code && code.length > 2, 'no code at the ComputeProvider address');
  const cp = deployed.contractAddress;
  console.log(`ok deploy ${cp} gasUsed ${deployed.gasUsed} block ${deployed.blockNumber}`);

  // (2) startSession(quote) from account 0: simulated (the call's return), then sent.
  const { result: sessionId, request } = await client.simulateContract({
    account: account0,
    address: cp,
    abi: providerAbi,
    functionName: 'startSession',
    args: [quote],
  });
  check(/^0x[0-9a-f]{64}$/.test(sessionId) && !/^0x0+$/.test(sessionId), `session id ${sessionId}`);
  const hash = await wallet0.writeContract(request);
  console.log(`ok send ${hash}`);

  // (3) Its receipt.
  const receipt = await client.waitForTransactionReceipt({ hash, timeout: 30_000 });
  check(receipt.status === 'success', `startSession status ${receipt.status}`);
  check(receipt.contractAddress == null, `a call with contractAddress ${receipt.contractAddress}`);
  const sent = await client.getTransaction({ hash });
  check(receipt.gasUsed > 21_000n && receipt.gasUsed <= sent.gas,
    `startSession gasUsed ${receipt.gasUsed} of a ${sent.gas} limit`);
  check(same(receipt.to, cp) && same(receipt.from, account0.address), `receipt from ${receipt.from} to ${receipt.to}`);
  console.log(`ok receipt status ${receipt.status} gasUsed ${receipt.gasUsed} block ${receipt.blockNumber}`);

  // (4) AI_MINING's SessionStarted, by eth_getLogs, against the receipt and the call's return.
  const logs = await client.getContractEvents({
    address: AI_MINING,
    abi: mining.abi,
    eventName: 'SessionStarted',
    fromBlock: receipt.blockNumber,
    toBlock: receipt.blockNumber,
  });
  check(logs.length === 1, `${logs.length} SessionStarted logs`);
  const [log] = logs;
  check(log.transactionHash === hash, `log of ${log.transactionHash}`);
  check(log.args.sessionId === sessionId, `log sessionId ${log.args.sessionId}, call returned ${sessionId}`);
  check(same(log.args.miner, account0.address), `log miner ${log.args.miner}`);
  const inReceipt = parseEventLogs({ abi: mining.abi, eventName: 'SessionStarted', logs: receipt.logs });
  check(inReceipt.length === 1, `${inReceipt.length} SessionStarted logs in the receipt`);
  check(inReceipt[0].args.gpuId === log.args.gpuId && inReceipt[0].args.sessionId === sessionId,
    'the receipt log differs from eth_getLogs');
  const active = await client.readContract({
    address: AI_MINING, abi: mining.abi, functionName: 'activeSession', args: [log.args.gpuId],
  });
  check(active === sessionId, `activeSession(gpuId) ${active}`);
  console.log(`ok logs SessionStarted sessionId ${sessionId} miner ${log.args.miner} gpuId ${log.args.gpuId} tier ${log.args.tier}`);

  // (5) Reverts, decoded to AI_MINING's custom errors. The same quote from another miner is not
  // bound to it; simulated, then mined with a fixed gas limit (no estimate) as a failed receipt.
  let name;
  try {
    await client.simulateContract({
      account: ACCOUNT1, address: cp, abi: providerAbi, functionName: 'startSession', args: [quote],
    });
    fail('startSession from account 1 did not revert');
  } catch (err) {
    const { name: decoded, raw } = revertName(err);
    const direct = decodeErrorResult({ abi: mining.abi, data: raw });
    check(direct.errorName === decoded, `decodeErrorResult ${direct.errorName}, viem ${decoded}`);
    name = decoded;
  }
  check(name === 'NonceNotBound', `startSession from account 1 reverted with ${name}`);
  console.log(`ok revert startSession ${name}`);
  const failedHash = await wallet1.writeContract({
    address: cp, abi: providerAbi, functionName: 'startSession', args: [quote], gas: 5_000_000n,
  });
  const failed = await client.waitForTransactionReceipt({ hash: failedHash, timeout: 30_000 });
  check(failed.status === 'reverted', `mined startSession from account 1: ${failed.status}`);
  check(failed.logs.length === 0, `a reverted transaction with ${failed.logs.length} logs`);
  console.log(`ok mined revert status ${failed.status} gasUsed ${failed.gasUsed}`);

  try {
    await client.simulateContract({
      account: account0, address: cp, abi: providerAbi, functionName: 'heartbeat', args: [UNKNOWN_SESSION],
    });
    fail('heartbeat of an unknown session did not revert');
  } catch (err) {
    name = revertName(err).name;
  }
  check(name === 'UnknownSession', `heartbeat of an unknown session reverted with ${name}`);
  console.log(`ok revert heartbeat ${name}`);
  console.log('ok done');
}

main().catch((err) => fail(err instanceof BaseError ? err.message : err?.stack ?? String(err)));
