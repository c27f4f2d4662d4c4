import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt cost: high for passwords people choose, low for generated keys whose entropy is the protection. */
export const SCRYPT_COST = { chosen: 2 ** 15, generated: 2 ** 10 } as const;

const KEY_LENGTH = 32;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function derive(secret: Buffer, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (salt and hash in base64). */
export async function hashPassword(
  secret: Buffer,
  N: number = SCRYPT_COST.chosen,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, N, 8, 1);
  return `scrypt$${N}$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Whether `hash` (from `hashPassword`) is well-formed. */
export function isPasswordHash(hash: string): boolean {
  return FORMAT.test(hash);
}

/** Checks a password against its hash in constant time; scrypt runs on the thread pool. */
export async function verifyPassword(secret: Buffer, hash: string): Promise<boolean> {
  const match = FORMAT.exec(hash);
  if (!match) return false;
  const [, N, r, p, salt, expected] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const key = await derive(secret, Buffer.from(salt, "base64"), Number(N), Number(r), Number(p));
  const wanted = Buffer.from(expected, "base64");
  return key.length === wanted.length && timingSafeEqual(key, wanted);
}
