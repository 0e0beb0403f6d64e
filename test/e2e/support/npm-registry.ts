// A read-only npm registry on 127.0.0.1 that serves packages of this checkout's node_modules, and
// tarballs a test packed itself (this package, its platform package), so that an install can be tested
// against an empty cache without reaching the real registry. It answers what npm, pnpm, yarn and bun ask
// for an install: a document per package name (its versions and where their tarballs are) and the
// tarballs; anything else is a 404, as for a package the registry does not have. Packages for other
// platforms can be served as documents alone, as package-lock.json records them: enough for a package
// manager to see that they are not for this machine, and a request for their tarball is a 404. (A proxying registry
// such as verdaccio would need the real registry behind it, which the tests cannot reach.)
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join, resolve } from "node:path";

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

interface Served {
  readonly manifest: Manifest;
  readonly filename: string;
  readonly integrity: string;
  readonly shasum?: string;
}

/**
 * Serves `names` (installed under node_modules), each packed from its installed files into `dir`, the
 * packed `tarballs` as they are, and the documents of `elsewhere` (packages for other platforms, as
 * package-lock.json has them) without their tarballs.
 */
export async function startLocalRegistry(
  dir: string,
  names: readonly string[],
  tarballs: readonly string[] = [],
  elsewhere: readonly string[] = [],
): Promise<LocalRegistry> {
  const store = join(dir, "tarballs");
  mkdirSync(store, { recursive: true });
  const packed: Served[] = [
    ...names.map((name) => {
      const [result] = JSON.parse(
        execFileSync(
          "npm",
          [
            "pack",
            "--json",
            "--silent",
            "--ignore-scripts",
            "--pack-destination",
            store,
            join("node_modules", name),
          ],
          { cwd: ROOT, encoding: "utf8" },
        ),
      ) as { filename: string }[];
      if (result === undefined) throw new Error(`npm pack ${name} printed nothing`);
      return served(join(store, result.filename));
    }),
    ...tarballs.map((tarball) => {
      copyFileSync(tarball, join(store, basename(tarball)));
      return served(join(store, basename(tarball)));
    }),
    ...elsewhere.map(lockedElsewhere),
  ];
  const servedNames = packed.map(({ manifest }) => manifest.name);

  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? "/").split("?")[0] ?? "/");
    requests.push(path);
    const tarball = packed.find(({ filename }) => path === `/tarballs/${filename}`);
    if (tarball !== undefined && !tarball.filename.startsWith("elsewhere/")) {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(readFileSync(join(store, tarball.filename)));
      return;
    }
    // yarn 1 asks for a scoped name with its slash escaped.
    const entry = packed.find(({ manifest }) => path.replace(/%2f/i, "/") === `/${manifest.name}`);
    if (entry === undefined) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end('{"error":"not found"}');
      return;
    }
    const { manifest } = entry;
    // Only the optional dependencies served here: the others are platforms this machine is not.
    const optional = Object.fromEntries(
      Object.entries(manifest.optionalDependencies ?? {}).filter(([name]) => servedNames.includes(name)),
    );
    const document = {
      name: manifest.name,
      "dist-tags": { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          optionalDependencies: optional,
          dist: {
            tarball: `${url}/tarballs/${entry.filename}`,
            integrity: entry.integrity,
            ...(entry.shasum !== undefined && { shasum: entry.shasum }),
          },
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

/**
 * The secret-store bindings package.json lists as optional dependencies: one package per platform
 * that loads one (macOS, Windows).
 */
export function secretStoreBindings(): string[] {
  const { optionalDependencies } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    optionalDependencies?: Record<string, string>;
  };
  return Object.keys(optionalDependencies ?? {}).filter((name) => name.startsWith("@napi-rs/"));
}

/** A package for another platform, as package-lock.json records it (version, os, cpu, digest). */
function lockedElsewhere(name: string): Served {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string; integrity: string; os?: string[]; cpu?: string[] }>;
  };
  const locked = lock.packages[`node_modules/${name}`];
  if (locked === undefined) throw new Error(`${name} is not in package-lock.json`);
  const { version, integrity, os, cpu } = locked;
  return {
    manifest: { name, version, ...(os && { os }), ...(cpu && { cpu }) },
    filename: `elsewhere/${name.replace("/", "-")}-${version}.tgz`,
    integrity,
  };
}

/** A tarball as the registry serves it: its package.json and digests. */
function served(file: string): Served {
  const bytes = readFileSync(file);
  const manifest = JSON.parse(
    execFileSync("tar", ["-xzOf", file, "package/package.json"], { encoding: "utf8" }),
  ) as Manifest;
  return {
    manifest,
    filename: basename(file),
    integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
    shasum: createHash("sha1").update(bytes).digest("hex"),
  };
}
