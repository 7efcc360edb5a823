"""web3.py driving an aimine node.

Deploys the mission's ComputeProvider, starts a mining session through it with a GPU quote
forged for (ComputeProvider, account 0), reads the AI_MINING precompile's SessionStarted log
back, and decodes two reverts to their custom error names.

usage: python script.py <rpc url> <quote hex> <ComputeProvider.json> <IAIMining.json>

One line per step on stdout ("ok <step> ..."); any failed check prints "FAIL ..." on stderr and
exits 1. aimine-node's tests (tests/suite/clients.rs) run it and read the lines back.
"""

import json
import sys

from eth_account import Account
from eth_utils import abi_to_signature, function_signature_to_4byte_selector
from web3 import Web3
from web3.exceptions import ContractCustomError
from web3.utils.address import get_create_address

AI_MINING = "0x0000000000000000000000000000000000000300"
# Account 0 of the standard test mnemonic (public, dev only): signs locally (raw transactions).
KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
# Account 1: the node holds its key, so it sends through eth_sendTransaction.
ACCOUNT1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
UNKNOWN_SESSION = b"\xee" * 32
CHAIN_ID = 96369


class Failed(Exception):
    """A failed check."""


def check(condition, message):
    if not condition:
        raise Failed(message)


def hx(data):
    return "0x" + bytes(data).hex()


def status(receipt):
    return {1: "success", 0: "reverted"}.get(receipt["status"], str(receipt["status"]))


def revert_name(errors, call):
    """The AI_MINING custom error `call` reverts with, by its 4-byte selector in the ABI."""
    try:
        call()
    except ContractCustomError as err:
        data = err.data if isinstance(err.data, str) else ""
        selector = data[:10].lower()
        check(selector in errors, f"revert data {data} matches no IAIMining error")
        return errors[selector]
    raise Failed("the call did not revert")


def main(url, quote_hex, provider_path, mining_path):
    with open(provider_path, encoding="utf-8") as f:
        provider = json.load(f)
    with open(mining_path, encoding="utf-8") as f:
        mining_abi = json.load(f)["abi"]
    error_abi = [item for item in mining_abi if item["type"] == "error"]
    # ComputeProvider bubbles the precompile's revert data: its calls revert with AI_MINING's errors.
    provider_abi = provider["abi"] + error_abi
    errors = {
        hx(function_signature_to_4byte_selector(abi_to_signature(e))): e["name"]
        for e in error_abi
    }
    quote = bytes.fromhex(quote_hex.removeprefix("0x"))

    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}))
    check(w3.is_connected(), f"no node at {url}")
    chain_id = w3.eth.chain_id
    check(chain_id == CHAIN_ID, f"chain id {chain_id}")
    print(f"ok chain {chain_id}", flush=True)
    account0 = Account.from_key(KEY0)

    def send_signed(tx):
        signed = account0.sign_transaction(tx)
        return w3.eth.send_raw_transaction(signed.raw_transaction)

    def wait(tx_hash):
        return w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.05)

    # (1) Deploy ComputeProvider from account 0 (its CREATE address is the quote's submitter).
    deploy_nonce = w3.eth.get_transaction_count(account0.address)
    expected = get_create_address(account0.address, deploy_nonce)
    factory = w3.eth.contract(abi=provider["abi"], bytecode=provider["bytecode"])
    tx = factory.constructor().build_transaction(
        {"from": account0.address, "nonce": deploy_nonce}
    )
    check(tx["chainId"] == CHAIN_ID, f"built for chain {tx['chainId']}")
    deployed = wait(send_signed(tx))
    check(deployed["status"] == 1, f"deploy status {deployed['status']}")
    check(
        deployed["contractAddress"] == expected,
        f"contractAddress {deployed['contractAddress']}, expected {expected}",
    )
    check(
        53_000 < deployed["gasUsed"] <= tx["gas"],
        f"deploy gasUsed {deployed['gasUsed']} of a {tx['gas']} limit",
    )
    check(len(w3.eth.get_code(expected)) > 0, "no code at the ComputeProvider address")
    cp = w3.eth.contract(address=deployed["contractAddress"], abi=provider_abi)
    print(
        f"ok deploy {cp.address} gasUsed {deployed['gasUsed']} block {deployed['blockNumber']}",
        flush=True,
    )

    # (2) startSession(quote) from account 0: called (the return value), then sent.
    start = cp.functions.startSession(quote)
    session_id = start.call({"from": account0.address})
    check(len(session_id) == 32 and any(session_id), f"session id {hx(session_id)}")
    tx = start.build_transaction(
        {"from": account0.address, "nonce": w3.eth.get_transaction_count(account0.address)}
    )
    tx_hash = send_signed(tx)
    print(f"ok send {hx(tx_hash)}", flush=True)

    # (3) Its receipt.
    receipt = wait(tx_hash)
    check(receipt["status"] == 1, f"startSession status {receipt['status']}")
    check(receipt["contractAddress"] is None, f"a call with contractAddress {receipt['contractAddress']}")
    check(
        21_000 < receipt["gasUsed"] <= tx["gas"],
        f"startSession gasUsed {receipt['gasUsed']} of a {tx['gas']} limit",
    )
    check(
        receipt["from"] == account0.address and receipt["to"] == cp.address,
        f"receipt from {receipt['from']} to {receipt['to']}",
    )
    print(
        f"ok receipt status {status(receipt)} gasUsed {receipt['gasUsed']} block {receipt['blockNumber']}",
        flush=True,
    )

    # (4) AI_MINING's SessionStarted, by eth_getLogs, against the receipt and the call's return.
    mining = w3.eth.contract(address=Web3.to_checksum_address(AI_MINING), abi=mining_abi)
    logs = mining.events.SessionStarted().get_logs(
        from_block=receipt["blockNumber"], to_block=receipt["blockNumber"]
    )
    check(len(logs) == 1, f"{len(logs)} SessionStarted logs")
    log = logs[0]
    check(log["transactionHash"] == tx_hash, f"log of {hx(log['transactionHash'])}")
    args = log["args"]
    check(
        args["sessionId"] == session_id,
        f"log sessionId {hx(args['sessionId'])}, call returned {hx(session_id)}",
    )
    check(args["miner"] == account0.address, f"log miner {args['miner']}")
    in_receipt = mining.events.SessionStarted().process_receipt(receipt)
    check(len(in_receipt) == 1, f"{len(in_receipt)} SessionStarted logs in the receipt")
    check(
        in_receipt[0]["args"]["gpuId"] == args["gpuId"]
        and in_receipt[0]["args"]["sessionId"] == session_id,
        "the receipt log differs from eth_getLogs",
    )
    active = mining.functions.activeSession(args["gpuId"]).call()
    check(active == session_id, f"activeSession(gpuId) {hx(active)}")
    print(
        f"ok logs SessionStarted sessionId {hx(session_id)} miner {args['miner']} "
        f"gpuId {hx(args['gpuId'])} tier {args['tier']}",
        flush=True,
    )

    # (5) Reverts, decoded to AI_MINING's custom errors. The same quote from another miner is
    # not bound to it; called, then mined with a fixed gas limit (no estimate) as a failed receipt.
    name = revert_name(errors, lambda: start.call({"from": ACCOUNT1}))
    check(name == "NonceNotBound", f"startSession from account 1 reverted with {name}")
    print(f"ok revert startSession {name}", flush=True)
    failed = wait(start.transact({"from": ACCOUNT1, "gas": 5_000_000}))
    check(failed["status"] == 0, f"mined startSession from account 1: {failed['status']}")
    check(len(failed["logs"]) == 0, f"a reverted transaction with {len(failed['logs'])} logs")
    print(f"ok mined revert status {status(failed)} gasUsed {failed['gasUsed']}", flush=True)

    heartbeat = cp.functions.heartbeat(UNKNOWN_SESSION)
    name = revert_name(errors, lambda: heartbeat.call({"from": account0.address}))
    check(name == "UnknownSession", f"heartbeat of an unknown session reverted with {name}")
    print(f"ok revert heartbeat {name}", flush=True)
    print("ok done", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        main(*sys.argv[1:])
    except Failed as failure:
        print(f"FAIL {failure}", file=sys.stderr)
        sys.exit(1)
    except Exception as err:  # any client error is a failed check, with its type
        print(f"FAIL {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
