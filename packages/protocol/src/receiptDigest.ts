/**
 * The EIP-712 digest a node signs for a receipt (`receiptDomain`, `receiptTypes`,
 * `receiptMessage`), computed with js-sha3 over the fixed layout of the Receipt struct (all its
 * fields are static: five 32-byte words). The same digest as viem's `hashTypedData`, without its
 * generic encoder and slower keccak: the signing node computes one per receipt, on its request
 * thread when it is not busy.
 */
import sha3 from 'js-sha3';
import { type Address, type Hex, hashDomain, hexToBytes } from 'viem';
import { hashReceipt, type Receipt, receiptDomain, receiptTypes } from './receipt.js';

// Hex strings and Uint8Arrays only (no Buffer): the web app bundles this module.
const typeString = `Receipt(${receiptTypes.Receipt.map((f) => `${f.type} ${f.name}`).join(',')})`;
const TYPE_HASH = sha3.keccak256(typeString);

/** One 32-byte ABI word, in hex without 0x: an unsigned integer (or an address) left-padded. */
function word(value: bigint, what: string, bits: number): string {
  if (value < 0n || value >= 1n << BigInt(bits))
    throw new Error(`${what} does not fit uint${bits}: ${value}`);
  return value.toString(16).padStart(64, '0');
}

/**
 * A digest function for one signing domain (the domain separator is computed once).
 * @example
 * const digest = receiptDigester({ chainId: 31337, rewardDistributor });
 * const hash = digest(receipt); // what signTypedData with receiptMessage(receipt) signs
 */
export function receiptDigester(domain: {
  chainId: number;
  rewardDistributor: Address;
}): (receipt: Receipt, receiptHash?: Hex) => Hex {
  const separator = hashDomain({
    domain: { ...receiptDomain(domain), chainId: BigInt(domain.chainId) },
    types: {
      EIP712Domain: [
        { name: 'name', type: 'string' },
        { name: 'version', type: 'string' },
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
      ],
    },
  }).slice(2);
  return (receipt, receiptHash = hashReceipt(receipt)) => {
    const struct = sha3.keccak256(
      hexToBytes(
        `0x${TYPE_HASH}${receiptHash.slice(2)}${word(BigInt(receipt.node), 'node', 160)}${word(BigInt(receipt.epoch), 'epoch', 64)}${word(BigInt(receipt.payer), 'payer', 160)}${word(BigInt(receipt.fee), 'fee', 256)}`,
      ),
    );
    return `0x${sha3.keccak256(hexToBytes(`0x1901${separator}${struct}`))}`;
  };
}
