import type { ConnectionOptions } from 'node:tls';
import { certificateNames } from './certificate-names';

/** The URL parameters through which `pg` would set TLS itself (and override an explicit `ssl`). */
const URL_TLS_PARAMS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat'];

/**
 * Verified TLS to Postgres (verify-full): the server certificate must chain to `ca` (Cloud SQL's
 * server CA, `google_sql_database_instance.server_ca_cert`) and name `serverName` (Cloud SQL's
 * per-instance certificates carry `<project>:<instance>` as their CN, not the private IP), else
 * the host connected to. `pg` reads TLS settings from the URL after its explicit options, so the
 * URL's own are removed: the URL keeps the address, user and database only.
 */
export function verifiedTls(url: string, ca: string, serverName?: string): { url: string; ssl: ConnectionOptions } {
  const parsed = new URL(url);
  for (const param of URL_TLS_PARAMS) parsed.searchParams.delete(param);
  return {
    url: parsed.toString(),
    ssl: {
      ca,
      rejectUnauthorized: true,
      ...(serverName && { checkServerIdentity: certificateNames(serverName) }),
    },
  };
}
