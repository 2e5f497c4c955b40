/**
 * Verified TLS to Postgres (what the runtime does with DATABASE_TLS_CA), against a real Postgres
 * 15 with `ssl=on` and a server certificate from a CA made here with openssl. The certificate is
 * shaped like Cloud SQL's per-instance ones: subject CN `<project>:<instance>`; it also names the
 * address (IP SAN) so both identity checks can be exercised.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync } from 'node:fs';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { PostgresServer } from './support/local-servers';
import { TestCertificateAuthority } from './support/test-certificates';

const INSTANCE = 'convai-test:convai-db-s0';
let ca: TestCertificateAuthority;
let otherCa: TestCertificateAuthority;
let server: PostgresServer;
const opened: PostgresDatabase[] = [];

beforeAll(async () => {
  ca = TestCertificateAuthority.create('cloudsql');
  otherCa = TestCertificateAuthority.create('impostor-sql');
  const cert = ca.issue('postgres-server', INSTANCE, ['IP:127.0.0.1']);
  // Postgres reads its key as the `postgres` user when the tests run as root, and refuses a key others can read.
  chmodSync(ca.dir, 0o755);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    for (const file of [cert.certFile, cert.keyFile]) chownSync(file, uid, gid);
  }
  chmodSync(cert.keyFile, 0o600);
  server = await PostgresServer.start({ settings: ['ssl=on', `ssl_cert_file=${cert.certFile}`, `ssl_key_file=${cert.keyFile}`] });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(opened.map((db) => db.close()));
  await server?.destroy();
  ca?.destroy();
  otherCa?.destroy();
});

function database(tlsCa: string, tlsServerName?: string): PostgresDatabase {
  const db = new PostgresDatabase({ url: `${server.url}?sslmode=verify-full`, tlsCa, tlsServerName, maxConnections: 1 });
  opened.push(db);
  return db;
}

const sslInUse = 'select ssl from pg_stat_ssl where pid = pg_backend_pid()';

test('verify-full against the server CA: the certificate names the address connected to', async () => {
  const { rows } = await database(ca.pem).query<{ ssl: boolean }>(sslInUse);
  expect(rows).toEqual([{ ssl: true }]);
});

test("verify-full by Cloud SQL's instance name (the certificate's CN), as DATABASE_TLS_SERVER_NAME sets it", async () => {
  const { rows } = await database(ca.pem, INSTANCE).query<{ ssl: boolean }>(sslInUse);
  expect(rows).toEqual([{ ssl: true }]);
});

test('after a failover the promoted replica may answer: any listed instance name is accepted', async () => {
  const { rows } = await database(ca.pem, `convai-test:convai-db-s0-europe-west1,${INSTANCE}`).query<{ ssl: boolean }>(sslInUse);
  expect(rows).toEqual([{ ssl: true }]);
});

test('a certificate for another instance is refused', async () => {
  await expect(database(ca.pem, 'convai-test:another-db').query('select 1')).rejects.toThrow(/another-db|altnames|does not match/i);
});

test('a server whose certificate does not chain to the given CA is refused', async () => {
  await expect(database(otherCa.pem).query('select 1')).rejects.toThrow(/certificate/i);
});

test("the URL's sslmode cannot switch verification off behind the CA's back", async () => {
  const db = new PostgresDatabase({ url: `${server.url}?sslmode=no-verify`, tlsCa: otherCa.pem, maxConnections: 1 });
  opened.push(db);
  await expect(db.query('select 1')).rejects.toThrow(/certificate/i);
});
