import { X509Certificate, createPrivateKey } from "node:crypto";

/**
 * What Go's `tls.X509KeyPair` checks before client-go uses a plugin's client certificate: the
 * certificate data holds a CERTIFICATE PEM block, the key data a "… PRIVATE KEY" block (other blocks
 * and text around them are skipped), both parse, and the key belongs to the first certificate.
 * kubectl fails every call on a pair that does not pass, so such a pair must not be cached.
 * Returns why the pair is unusable (naming no value: it reaches stderr), or undefined when it is usable.
 */
export function keyPairProblem(certificatePem: string, keyPem: string): string | undefined {
  const certificate = firstBlock(certificatePem, (type) => type === "CERTIFICATE");
  if (certificate === undefined) return "clientCertificateData holds no PEM certificate";
  const key = firstBlock(keyPem, (type) => type === "PRIVATE KEY" || type.endsWith(" PRIVATE KEY"));
  if (key === undefined) return "clientKeyData holds no PEM private key";
  try {
    const parsed = new X509Certificate(certificate);
    if (!parsed.checkPrivateKey(createPrivateKey(key))) {
      return "clientKeyData does not belong to clientCertificateData";
    }
  } catch {
    return "clientCertificateData and clientKeyData are not a valid certificate and key";
  }
  return undefined;
}

const BLOCK = /-----BEGIN ([^\r\n-]+)-----\r?\n[\s\S]*?-----END \1-----/g;

function firstBlock(text: string, wanted: (type: string) => boolean): string | undefined {
  for (const match of text.matchAll(BLOCK)) {
    if (wanted(match[1] ?? "")) return match[0];
  }
  return undefined;
}
