import { HttpClient } from './actions';

/**
 * `fetch` with the responder's Google credentials (Application Default Credentials: on Cloud Run,
 * its service account from the metadata server): an OAuth access token for Google APIs (the Cloud
 * Run Admin API), or an ID token for the called service's URL (Cloud Run IAM in front of the
 * webhook's `/readyz`). Tokens are cached and refreshed by google-auth-library.
 */
export function googleAccessTokenHttp(scopes = ['https://www.googleapis.com/auth/cloud-platform']): HttpClient {
  let auth: Promise<import('google-auth-library').GoogleAuth> | undefined;
  return async (url, init = {}) => {
    auth ??= import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth({ scopes }));
    const token = await (await auth).getAccessToken();
    if (!token) throw new Error('no Google access token (Application Default Credentials)');
    return fetch(url, { ...init, headers: withAuthorization(init.headers, `Bearer ${token}`) });
  };
}

export function googleIdTokenHttp(): HttpClient {
  let auth: Promise<import('google-auth-library').GoogleAuth> | undefined;
  const clients = new Map<string, ReturnType<import('google-auth-library').GoogleAuth['getIdTokenClient']>>();
  return async (url, init = {}) => {
    auth ??= import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth());
    // Cloud Run accepts an ID token whose audience is the service URL.
    const audience = new URL(url).origin;
    if (!clients.has(audience)) clients.set(audience, (await auth).getIdTokenClient(audience));
    const headers = await (await clients.get(audience)!).getRequestHeaders(url);
    const authorization = headers.get('authorization');
    if (!authorization) throw new Error(`no ID token for ${audience}`);
    return fetch(url, { ...init, headers: withAuthorization(init.headers, authorization) });
  };
}

function withAuthorization(headers: HeadersInit | undefined, authorization: string): Headers {
  const merged = new Headers(headers);
  merged.set('authorization', authorization);
  return merged;
}
