import * as path from 'node:path';
import { bindingVersion, cachedTarball, cacheRoot, PROVIDERS, toolchainVersions } from '../../tools/cdktn-build/config';

const google = PROVIDERS.find((p) => p.npmName === '@convai-platform/provider-google')!;

describe('the provider binding cache and versions', () => {
  it('binds exactly the providers of the validation mirror', () => {
    expect(PROVIDERS.map((p) => `${p.source}@${p.version}`)).toEqual(['hashicorp/google@6.50.0', 'hashicorp/kubernetes@2.38.0']);
  });

  it('versions a binding by provider version and cdktn version', () => {
    expect(bindingVersion(google, '0.24.0')).toBe('6.50.0-cdktn.0.24.0');
    expect(bindingVersion(google)).toBe(`6.50.0-cdktn.${toolchainVersions().cdktn}`);
  });

  it('keys the cache by both versions, so bumping either one misses', () => {
    const env = { CONVAI_CDKTN_CACHE: '/cache' };
    const now = cachedTarball(google, '0.24.0', env);
    expect(now).toBe('/cache/cdktn-0.24.0/google-6.50.0/convai-platform-provider-google-6.50.0-cdktn.0.24.0.tgz');
    expect(cachedTarball(google, '0.25.0', env)).not.toBe(now);
    expect(cachedTarball({ ...google, version: '6.51.0' }, '0.24.0', env)).not.toBe(now);
  });

  it('puts the cache outside the clone: CONVAI_CDKTN_CACHE, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cacheRoot({ CONVAI_CDKTN_CACHE: 'rel/cache' })).toBe(path.resolve('rel/cache'));
    expect(cacheRoot({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/convai-cdktn');
    expect(cacheRoot({})).toMatch(/\/\.cache\/convai-cdktn$/);
  });
});
