import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A local HTTPS stand-in for a Kubernetes API server: enough for `kubectl get --raw /version`. */
export interface ApiServer {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** Base64 of the PEM certificate, for a kubeconfig's certificate-authority-data. */
  readonly caData: string;
  /** Every request seen. Holds bearer tokens: assert on them, never print them. */
  readonly requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

export interface ApiServerOptions {
  /** Default: any non-empty bearer token. */
  acceptToken?: (token: string) => boolean;
  /** Ask for a client certificate and accept any one presented (self-signed included) as a login. */
  acceptClientCertificates?: boolean;
}

export const SERVER_VERSION = {
  major: "1",
  minor: "33",
  gitVersion: "v1.33.0-kcc-e2e",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-01-01T00:00:00Z",
  goVersion: "go1.24.0",
  compiler: "gc",
  platform: "linux/amd64",
};

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const { key, cert } = selfSignedCertificate();
  const accept = options.acceptToken ?? ((token: string) => token !== "");
  const requests: { path: string; authorization: string | undefined }[] = [];
  const certificates = options.acceptClientCertificates === true;
  const tlsOptions = certificates
    ? { key, cert, requestCert: true, rejectUnauthorized: false }
    : { key, cert };
  const server = createServer(tlsOptions, (request, response) => {
    const path = request.url ?? "/";
    requests.push({ path, authorization: request.headers.authorization });
    respond(request, response, path, accept, certificates && hasClientCertificate(request));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caData: Buffer.from(cert).toString("base64"),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

function respond(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  accept: (token: string) => boolean,
  certified: boolean,
): void {
  const match = /^Bearer (.*)$/.exec(request.headers.authorization ?? "");
  if (!certified && (match === null || !accept(match[1] ?? ""))) {
    // What a real API server answers; client-go reacts to the 401 by re-running the plugin once.
    send(response, 401, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
    return;
  }
  const route = path.split("?")[0];
  if (route === "/version") send(response, 200, SERVER_VERSION);
  else if (route === "/api") {
    send(response, 200, {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:443" }],
    });
  } else if (route === "/apis") send(response, 200, { kind: "APIGroupList", apiVersion: "v1", groups: [] });
  else {
    send(response, 404, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "the server could not find the requested resource",
      reason: "NotFound",
      code: 404,
    });
  }
}

function hasClientCertificate(request: IncomingMessage): boolean {
  const { socket } = request;
  return socket instanceof TLSSocket && Object.keys(socket.getPeerCertificate()).length > 0;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** A throw-away self-signed certificate for 127.0.0.1, made by openssl (Node cannot make one itself). */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "kcc-e2e-tls-"));
  try {
    const keyFile = join(dir, "key.pem");
    const certFile = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        certFile,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
