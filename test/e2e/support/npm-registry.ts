// A read-only npm registry on 127.0.0.1 that serves packages of this checkout's node_modules, so that
// an install can be tested against an empty npm cache without reaching the real registry. It answers
// what npm asks for an install: a document per package name (its versions and where their tarballs are)
// and the tarballs; anything else is a 404, as for a package the registry does not have.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..", "..");

export interface LocalRegistry {
  readonly url: string;
  /** Every path asked for, in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly optionalDependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

/** Serves `names` (installed under node_modules), each packed from its installed files into `dir`. */
export async function startLocalRegistry(dir: string, names: readonly string[]): Promise<LocalRegistry> {
  const tarballs = join(dir, "tarballs");
  mkdirSync(tarballs, { recursive: true });
  const packed = names.map((name) => {
    const manifest = JSON.parse(
      readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8"),
    ) as Manifest;
    const [result] = JSON.parse(
      execFileSync(
        "npm",
        [
          "pack",
          "--json",
          "--silent",
          "--ignore-scripts",
          "--pack-destination",
          tarballs,
          join("node_modules", name),
        ],
        { cwd: ROOT, encoding: "utf8" },
      ),
    ) as { filename: string; integrity: string }[];
    if (result === undefined) throw new Error(`npm pack ${name} printed nothing`);
    return { manifest, ...result };
  });

  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? "/").split("?")[0] ?? "/");
    requests.push(path);
    const tarball = packed.find(({ filename }) => path === `/tarballs/${filename}`);
    if (tarball !== undefined) {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(readFileSync(join(tarballs, tarball.filename)));
      return;
    }
    const entry = packed.find(({ manifest }) => path === `/${manifest.name}`);
    if (entry === undefined) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end('{"error":"not found"}');
      return;
    }
    const { manifest } = entry;
    // Only the optional dependencies served here: the others are platforms this machine is not.
    const optional = Object.fromEntries(
      Object.entries(manifest.optionalDependencies ?? {}).filter(([name]) => names.includes(name)),
    );
    const document = {
      name: manifest.name,
      "dist-tags": { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          optionalDependencies: optional,
          dist: { tarball: `${url}/tarballs/${entry.filename}`, integrity: entry.integrity },
        },
      },
    };
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(document));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => {
          done();
        });
      }),
  };
}
