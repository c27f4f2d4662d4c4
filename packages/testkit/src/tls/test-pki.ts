import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnProcess } from "../process/spawned-process.js";

/** Files of a throwaway PKI: a CA, a server certificate for localhost, client certificates. */
export interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A client certificate (PEM cert and key) signed by the CA, with this CN. */
  client(commonName: string): Promise<{ cert: Buffer; key: Buffer }>;
  /** A self-signed client certificate the CA did not sign. */
  untrusted(commonName: string): Promise<{ cert: Buffer; key: Buffer }>;
  dispose(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const run = spawnProcess("openssl", args, { cwd });
  const status = await run.exited;
  if (status.code !== 0) throw new Error(`openssl ${args[0]} failed:\n${run.tail()}`);
}

// A fresh P-256 key, unencrypted.
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Creates a CA and a localhost server certificate with openssl, in a temporary directory. */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), "levity-pki-"));
  const selfSigned = (name: string, commonName: string) =>
    openssl(
      [
        "req",
        "-x509",
        ...EC_KEY,
        "-days",
        "2",
        "-subj",
        `/CN=${commonName}`,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.pem`,
      ],
      dir,
    );
  await selfSigned("ca", "Levity Test CA");
  await writeFile(join(dir, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  const signed = async (name: string, commonName: string, extfile?: string) => {
    await openssl(
      [
        "req",
        ...EC_KEY,
        "-subj",
        `/CN=${commonName}`,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
      ],
      dir,
    );
    await openssl(
      [
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        `${name}.pem`,
        ...(extfile ? ["-extfile", extfile] : []),
      ],
      dir,
    );
  };
  await signed("server", "localhost", "server.ext");
  let count = 0;
  const files = async (name: string) => ({
    cert: await readFile(join(dir, `${name}.pem`)),
    key: await readFile(join(dir, `${name}.key`)),
  });
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    serverCertFile: join(dir, "server.pem"),
    serverKeyFile: join(dir, "server.key"),
    client: async (commonName) => {
      count += 1;
      await signed(`client${count}`, commonName);
      return files(`client${count}`);
    },
    untrusted: async (commonName) => {
      count += 1;
      await selfSigned(`client${count}`, commonName);
      return files(`client${count}`);
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
