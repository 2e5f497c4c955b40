import { checkServerIdentity as checkHostIdentity } from 'node:tls';
import type { PeerCertificate } from 'node:tls';

/**
 * Check the server certificate's identity against `expected`: comma-separated names, any of which
 * may match a DNS name or IP in its SAN, or its subject CN. For servers reached by an address their
 * certificate does not name (Cloud SQL's per-instance certificates carry `<project>:<instance>`),
 * and for a primary and the replicas that may be promoted in its place.
 */
export function certificateNames(expected: string): (host: string, cert: PeerCertificate) => Error | undefined {
  const names = expected
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return (_host, cert) => {
    const cn = ([] as string[]).concat(cert.subject?.CN ?? []);
    if (cn.some((c) => names.includes(c))) return undefined;
    const errors = names.map((name) => checkHostIdentity(name, cert));
    return errors.includes(undefined) ? undefined : errors[0];
  };
}
