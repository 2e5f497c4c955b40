import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate authority made with openssl for one test file, and server certificates it signs. */
export class TestCertificateAuthority {
  readonly certFile: string;
  readonly keyFile: string;

  private constructor(
    readonly dir: string,
    readonly name: string,
  ) {
    this.certFile = join(dir, `${name}-ca.crt`);
    this.keyFile = join(dir, `${name}-ca.key`);
  }

  /** A new self-signed CA (EC P-256, valid one day) in a temporary directory. */
  static create(name: string): TestCertificateAuthority {
    const ca = new TestCertificateAuthority(mkdtempSync(join(tmpdir(), `convai-ca-${name}-`)), name);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', ca.keyFile]);
    openssl(['req', '-x509', '-new', '-key', ca.keyFile, '-sha256', '-days', '1', '-subj', `/CN=${name} test CA`, '-out', ca.certFile]);
    return ca;
  }

  get pem(): string {
    return readFileSync(this.certFile, 'utf8');
  }

  /**
   * A server certificate signed by this CA: subject CN `commonName`, SANs `altNames` (e.g.
   * `IP:127.0.0.1`, `DNS:localhost`; none when empty). Returns the PEM file paths.
   */
  issue(file: string, commonName: string, altNames: string[]): { certFile: string; keyFile: string } {
    const keyFile = join(this.dir, `${file}.key`);
    const csrFile = join(this.dir, `${file}.csr`);
    const certFile = join(this.dir, `${file}.crt`);
    const extFile = join(this.dir, `${file}.ext`);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
    openssl(['req', '-new', '-key', keyFile, '-subj', `/CN=${commonName}`, '-out', csrFile]);
    writeFileSync(
      extFile,
      ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature', 'extendedKeyUsage=serverAuth']
        .concat(altNames.length > 0 ? [`subjectAltName=${altNames.join(',')}`] : [])
        .join('\n'),
    );
    openssl([
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      this.certFile,
      '-CAkey',
      this.keyFile,
      '-CAcreateserial',
      '-days',
      '1',
      '-sha256',
      '-extfile',
      extFile,
      '-out',
      certFile,
    ]);
    return { certFile, keyFile };
  }

  destroy(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}
