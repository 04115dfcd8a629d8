import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src-main/store/database';

/**
 * Every page of an encrypted Outpost database, decrypted here (not by SQLite), free pages and the free space
 * inside pages included: what an attacker with the key could read off the disk.
 *
 * Why not let SQLite3MultipleCiphers decrypt: `rekey` to no key and `VACUUM INTO` rebuild the file from live
 * rows, this build has no `sqlite_dbpage`, and its backup API refuses a plain destination. A rekey to another
 * key of the same cipher, though, rewrites every page in place (codecext.c: same reserved bytes, so no VACUUM),
 * and a `raw:` key skips the Argon2 derivation; the pages are then decrypted with AEGIS-256 below, as
 * SQLite3MultipleCiphers' cipher_aegis.c lays them out. Each page's 32-byte tag is checked, so a mistake
 * here fails loudly instead of reading garbage.
 */
export function decryptedPages(file: string, key: Buffer, work: string): Buffer {
  const copy = join(work, `pages-${randomBytes(6).toString('hex')}.db`);
  copyFileSync(file, copy);
  const raw = randomBytes(32);
  const db = openDatabase({ file: copy, key });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma('journal_mode = DELETE');
  // The hex digits are ours (randomBytes), not input.
  db.pragma(`rekey = 'raw:${raw.toString('hex')}'`);
  db.close();
  const bytes = readFileSync(copy);
  if (bytes.length !== pages * pageSize) throw new Error(`the rekey rebuilt the file (${pages} pages before, ${bytes.length / pageSize} after)`);
  const out = Buffer.alloc(bytes.length);
  for (let p = 0; p < pages; p++) decryptPage(bytes.subarray(p * pageSize, (p + 1) * pageSize), p + 1, raw).copy(out, p * pageSize);
  return out;
}

const tagLength = 32;
const nonceLength = 32;
/** Page 1 keeps the cipher's salt (16 bytes) and bytes 16-23 of SQLite's header in clear. */
const page1Offset = 24;

/** cipher_aegis.c, DecryptPageAegisCipher: [data | tag 32 | nonce 32]; a one-time key and nonce per page. */
function decryptPage(page: Buffer, pageNo: number, key: Buffer): Buffer {
  const n = page.length - tagLength - nonceLength;
  const offset = pageNo === 1 ? page1Offset : 0;
  const otk = aegis256Stream(64, page.subarray(n + tagLength, n + tagLength + nonceLength), key);
  otk.writeUInt32BE(pageNo, otk.length - 4);
  const plain = aegis256Decrypt(page.subarray(offset, n), page.subarray(n, n + tagLength), otk.subarray(32, 64), otk.subarray(0, 32));
  if (!plain) throw new Error(`page ${pageNo}: the tag does not match (wrong key, or this decryption is wrong)`);
  const out = Buffer.from(page);
  plain.copy(out, offset);
  return out;
}

// AEGIS-256 (draft-irtf-cfrg-aegis-aead): six AES blocks of state, updated with one AES round each.

const sbox = makeSbox();

function makeSbox(): Uint8Array {
  const box = new Uint8Array(256);
  let p = 1;
  let q = 1;
  do {
    // p runs over the field by multiplying by 3, q by dividing by 3: q = p^-1.
    p = p ^ ((p << 1) & 0xff) ^ (p & 0x80 ? 0x1b : 0);
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const rot = (x: number, s: number) => ((x << s) | (x >> (8 - s))) & 0xff;
    box[p] = q ^ rot(q, 1) ^ rot(q, 2) ^ rot(q, 3) ^ rot(q, 4) ^ 0x63;
  } while (p !== 1);
  box[0] = 0x63;
  return box;
}

const xtime = (x: number) => ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;

/** One AES encryption round (AESENC): MixColumns(ShiftRows(SubBytes(block))) ^ roundKey. */
function aesRound(block: Uint8Array, roundKey: Uint8Array): Uint8Array {
  const s = new Uint8Array(16);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) s[r + 4 * c] = sbox[block[r + 4 * ((c + r) % 4)]!]!;
  const out = new Uint8Array(16);
  for (let c = 0; c < 4; c++) {
    const [a0, a1, a2, a3] = [s[4 * c]!, s[4 * c + 1]!, s[4 * c + 2]!, s[4 * c + 3]!];
    out[4 * c] = xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3 ^ roundKey[4 * c]!;
    out[4 * c + 1] = a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3 ^ roundKey[4 * c + 1]!;
    out[4 * c + 2] = a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3 ^ roundKey[4 * c + 2]!;
    out[4 * c + 3] = xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3) ^ roundKey[4 * c + 3]!;
  }
  return out;
}

const xor = (a: Uint8Array, b: Uint8Array) => a.map((v, i) => v ^ b[i]!);
const c0 = Buffer.from('000101020305080d1522375990e97962', 'hex');
const c1 = Buffer.from('db3d18556dc22ff12011314273b528dd', 'hex');

class Aegis256 {
  private s: Uint8Array[];

  constructor(key: Uint8Array, nonce: Uint8Array) {
    const [k0, k1, n0, n1] = [key.subarray(0, 16), key.subarray(16, 32), nonce.subarray(0, 16), nonce.subarray(16, 32)];
    this.s = [xor(k0, n0), xor(k1, n1), c1, c0, xor(k0, c0), xor(k1, c1)];
    for (let i = 0; i < 4; i++) for (const m of [k0, k1, xor(k0, n0), xor(k1, n1)]) this.update(m);
  }

  update(m: Uint8Array): void {
    const s = this.s;
    this.s = [aesRound(s[5]!, xor(s[0]!, m)), aesRound(s[0]!, s[1]!), aesRound(s[1]!, s[2]!), aesRound(s[2]!, s[3]!), aesRound(s[3]!, s[4]!), aesRound(s[4]!, s[5]!)];
  }

  keystream(): Uint8Array {
    const s = this.s;
    return xor(xor(xor(s[1]!, s[4]!), s[5]!), s[2]!.map((v, i) => v & s[3]![i]!));
  }

  /** Decrypts one block (a shorter last block is zero-padded, and its plaintext padded again for the update). */
  decryptBlock(c: Uint8Array): Uint8Array {
    const padded = new Uint8Array(16);
    padded.set(c);
    const m = xor(padded, this.keystream());
    m.fill(0, c.length);
    this.update(m);
    return m.subarray(0, c.length);
  }

  tag(adBytes: number, msgBytes: number): Buffer {
    const lengths = Buffer.alloc(16);
    lengths.writeBigUInt64LE(BigInt(adBytes) * 8n, 0);
    lengths.writeBigUInt64LE(BigInt(msgBytes) * 8n, 8);
    const t = xor(lengths, this.s[3]!);
    for (let i = 0; i < 7; i++) this.update(t);
    const s = this.s;
    return Buffer.concat([xor(xor(s[0]!, s[1]!), s[2]!), xor(xor(s[3]!, s[4]!), s[5]!)]);
  }
}

function aegis256Stream(length: number, nonce: Uint8Array, key: Uint8Array): Buffer {
  const state = new Aegis256(key, nonce);
  const out = Buffer.alloc(Math.ceil(length / 16) * 16);
  for (let i = 0; i < out.length; i += 16) {
    out.set(state.keystream(), i);
    state.update(new Uint8Array(16));
  }
  return out.subarray(0, length);
}

/** The plaintext, or null when the 32-byte tag does not match. */
function aegis256Decrypt(cipher: Uint8Array, tag: Uint8Array, nonce: Uint8Array, key: Uint8Array): Buffer | null {
  const state = new Aegis256(key, nonce);
  const out = Buffer.alloc(cipher.length);
  for (let i = 0; i < cipher.length; i += 16) out.set(state.decryptBlock(cipher.subarray(i, i + 16)), i);
  return state.tag(0, cipher.length).equals(Buffer.from(tag)) ? out : null;
}
