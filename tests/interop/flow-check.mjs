// End-to-end check of the interop provider and backend with plain fetch and a small cookie jar.
//
// Usage: node flow-check.mjs [STATE_DIR]
// Reads INTEROP_ISSUER and INTEROP_GRAPHQL from STATE_DIR/interop.env (written by start.sh) or,
// without an argument, from the environment. Runs Authorization Code + PKCE logins for the three
// clients, never requesting the redirect URI itself, then calls the backend with the tokens.
// Prints one line per check and exits 0 only when every check passed.

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

const account = { email: 'alice@example.com', password: 'correct horse battery staple' };
const confidentialSecret = 's3cr+et/with=special:chars';
// Loopback redirect URI with a port nothing listens on: the check reads the code from the
// Location header and never requests this URL.
const loopbackRedirectUri = 'http://127.0.0.1:8765/callback';
const customSchemeRedirectUri = 'com.example.explorer:/callback';
const maxSteps = 20;

class CheckFailed extends Error {}

let passedChecks = 0;

function check(condition, description, detail = '') {
  if (!condition) {
    throw new CheckFailed(`${description}${detail ? `: ${detail}` : ''}`);
  }
  passedChecks += 1;
  console.log(`ok ${passedChecks} - ${description}`);
}

function readEndpoints() {
  const stateDir = process.argv[2];
  const values = { ...process.env };
  if (stateDir) {
    const envFile = path.join(stateDir, 'interop.env');
    for (const line of readFileSync(envFile, 'utf8').split('\n')) {
      const separator = line.indexOf('=');
      if (separator > 0) {
        values[line.slice(0, separator)] = line.slice(separator + 1);
      }
    }
  }
  for (const name of ['INTEROP_ISSUER', 'INTEROP_GRAPHQL']) {
    if (!values[name]) {
      throw new Error(`missing ${name}: pass the STATE_DIR given to start.sh, or set ${name}`);
    }
  }
  return { issuer: values.INTEROP_ISSUER, graphql: values.INTEROP_GRAPHQL };
}

// Cookie jar keyed by name and path, enough for the provider's host-only cookies on one origin.
class CookieJar {
  #cookies = new Map();

  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      let cookiePath = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, attributeValue = ''] = attribute.split('=');
        const lowerKey = key.toLowerCase();
        if (lowerKey === 'path') {
          cookiePath = attributeValue;
        } else if (lowerKey === 'max-age' && Number(attributeValue) <= 0) {
          expired = true;
        } else if (lowerKey === 'expires' && Date.parse(attributeValue) <= Date.now()) {
          expired = true;
        }
      }
      const key = `${name}\n${cookiePath}`;
      if (expired) {
        this.#cookies.delete(key);
      } else {
        this.#cookies.set(key, { name, value, path: cookiePath });
      }
    }
  }

  headerFor(url) {
    const { pathname } = new URL(url);
    const matching = [...this.#cookies.values()].filter((cookie) => pathname === cookie.path
      || pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`));
    return matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }
}

async function request(jar, url, { method = 'GET', form } = {}) {
  const headers = {};
  const cookie = jar.headerFor(url);
  if (cookie) {
    headers.Cookie = cookie;
  }
  let body;
  if (form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const response = await fetch(url, { method, headers, body, redirect: 'manual' });
  jar.store(response);
  return response;
}

function formUrlEncode(text) {
  return new URLSearchParams({ v: text }).toString().slice(2);
}

function base64url(buffer) {
  return buffer.toString('base64url');
}

function unescapeHtml(text) {
  return text.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

function formAction(html, formId, pageUrl) {
  const match = new RegExp(`<form id="${formId}"[^>]*action="([^"]+)"`).exec(html);
  if (!match) {
    throw new CheckFailed(`page ${pageUrl} has no form#${formId}`);
  }
  return new URL(unescapeHtml(match[1]), pageUrl).href;
}

// Runs one authorization request through login and consent and returns the parameters of the
// final redirect, or { loginRejected: true, html } when the login page comes back after posting
// the password.
async function authorize(discovery, options) {
  const jar = new CookieJar();
  const state = base64url(randomBytes(16));
  const nonce = base64url(randomBytes(16));
  const codeVerifier = base64url(randomBytes(32));
  const codeChallenge = base64url(createHash('sha256').update(codeVerifier).digest());

  const authorizationUrl = new URL(discovery.authorization_endpoint);
  authorizationUrl.search = new URLSearchParams({
    client_id: options.clientId,
    response_type: 'code',
    redirect_uri: options.redirectUri,
    scope: options.scope,
    state,
    nonce,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    ...(options.prompt ? { prompt: options.prompt } : {}),
    ...(options.resource ? { resource: options.resource } : {}),
  }).toString();

  let url = authorizationUrl.href;
  let requestOptions = {};
  let loginPosted = false;
  for (let step = 0; step < maxSteps; step += 1) {
    const response = await request(jar, url, requestOptions);
    requestOptions = {};

    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      if (location.startsWith(options.redirectUri)) {
        const parameters = new URL(location).searchParams;
        return { parameters, state, nonce, codeVerifier };
      }
      url = new URL(location, url).href;
      continue;
    }

    const html = await response.text();
    if (response.status !== 200) {
      throw new CheckFailed(`${url} returned HTTP ${response.status}: ${html.slice(0, 500)}`);
    }
    if (html.includes('id="password"')) {
      if (loginPosted) {
        return { loginRejected: true, html };
      }
      loginPosted = true;
      url = formAction(html, 'login-form', url);
      requestOptions = { method: 'POST', form: { email: account.email, password: options.password } };
    } else if (html.includes('id="consent"')) {
      url = formAction(html, options.denyConsent ? 'deny-form' : 'consent-form', url);
      requestOptions = { method: 'POST', form: {} };
    } else {
      throw new CheckFailed(`unexpected page at ${url}: ${html.slice(0, 500)}`);
    }
  }
  throw new CheckFailed(`authorization did not reach ${options.redirectUri} within ${maxSteps} requests`);
}

function clientAuthentication(clientId, method, secret = confidentialSecret) {
  if (method === 'none') {
    return { headers: {}, form: { client_id: clientId } };
  }
  if (method === 'client_secret_basic') {
    // RFC 6749, section 2.3.1: id and secret are form-urlencoded before Basic encoding.
    const credentials = `${formUrlEncode(clientId)}:${formUrlEncode(secret)}`;
    return { headers: { Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` }, form: {} };
  }
  return { headers: {}, form: { client_id: clientId, client_secret: secret } };
}

async function tokenRequest(discovery, authentication, form) {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...authentication.headers },
    body: new URLSearchParams({ ...authentication.form, ...form }).toString(),
  });
  return { status: response.status, body: await response.json() };
}

async function graphqlRequest(graphqlUrl, token, query, variables = {}) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' };
  if (token !== undefined) {
    headers.Authorization = `Bearer ${token}`;
  }
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    body: await response.json(),
  };
}

// Logs in with one client, exchanges the code and returns the token response.
async function loginAndExchange(context, {
  clientId, authMethod, redirectUri, scope, prompt, resource, checkCodeReuse = false,
}) {
  const { discovery, issuer, keySet } = context;
  const result = await authorize(discovery, {
    clientId, redirectUri, scope, prompt, resource, password: account.password,
  });
  check(!result.loginRejected, `${clientId}: login with the correct password accepted`);
  const { parameters } = result;
  check(parameters.get('error') === null, `${clientId}: redirect carries no error`,
    `${parameters.get('error')}: ${parameters.get('error_description')}`);
  check(parameters.get('state') === result.state, `${clientId}: redirect returns the state`);
  check(parameters.get('iss') === issuer, `${clientId}: redirect carries iss (RFC 9207)`, parameters.get('iss'));
  const code = parameters.get('code');
  check(typeof code === 'string' && code.length > 0, `${clientId}: redirect carries a code`);

  const authentication = clientAuthentication(clientId, authMethod);
  const token = await tokenRequest(discovery, authentication, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: result.codeVerifier,
  });
  check(token.status === 200, `${clientId}: code exchanged (${authMethod})`, JSON.stringify(token.body));

  const { payload } = await jwtVerify(token.body.id_token, keySet, {
    issuer,
    audience: clientId,
    algorithms: ['RS256'],
  });
  check(payload.nonce === result.nonce, `${clientId}: ID token carries the nonce`);
  check(payload.sub === 'alice', `${clientId}: ID token sub is alice`, payload.sub);
  check(payload.email === account.email && payload.email_verified === true,
    `${clientId}: ID token carries email and email_verified`, JSON.stringify(payload));
  check(payload.name === 'Alice Example', `${clientId}: ID token carries name`, payload.name);

  if (checkCodeReuse) {
    // Reusing a code also revokes the tokens issued for it (RFC 6749, section 4.1.2).
    const replay = await tokenRequest(discovery, authentication, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: result.codeVerifier,
    });
    check(replay.status === 400 && replay.body.error === 'invalid_grant',
      `${clientId}: reused code rejected with invalid_grant`, JSON.stringify(replay.body));
    const userinfo = await fetch(discovery.userinfo_endpoint, {
      headers: { Authorization: `Bearer ${token.body.access_token}` },
    });
    check(userinfo.status === 401, `${clientId}: access token revoked after code reuse`, String(userinfo.status));
  }
  return token.body;
}

async function checkPublicClient(context) {
  const tokens = await loginAndExchange(context, {
    clientId: 'explorer-public',
    authMethod: 'none',
    redirectUri: loopbackRedirectUri,
    scope: 'openid profile email offline_access',
    prompt: 'consent',
  });
  check(typeof tokens.refresh_token === 'string', 'explorer-public: refresh token issued with offline_access');

  const userinfo = await fetch(context.discovery.userinfo_endpoint, {
    headers: { Authorization: `Bearer ${tokens.access_token}` },
  });
  const userinfoBody = await userinfo.json();
  check(userinfo.status === 200 && userinfoBody.email === account.email,
    'explorer-public: userinfo accepts the opaque access token', JSON.stringify(userinfoBody));

  const query = '{ me { sub email name } todos { id title done } }';
  const me = await graphqlRequest(context.graphql, tokens.id_token, query);
  check(me.status === 200 && me.body.data?.me?.sub === 'alice' && me.body.data.me.email === account.email,
    'backend: me resolved from the ID token', JSON.stringify(me.body));
  check(Array.isArray(me.body.data.todos), 'backend: todos listed', JSON.stringify(me.body));
  console.log(`# backend result: ${JSON.stringify(me.body)}`);

  const added = await graphqlRequest(context.graphql, tokens.id_token,
    'mutation Add($title: String!) { addTodo(title: $title) { id title done } }', { title: 'Check the interop test bed' });
  check(added.status === 200 && added.body.data?.addTodo?.title === 'Check the interop test bed',
    'backend: addTodo stores a todo', JSON.stringify(added.body));

  const refreshed = await tokenRequest(context.discovery, clientAuthentication('explorer-public', 'none'), {
    grant_type: 'refresh_token',
    refresh_token: tokens.refresh_token,
  });
  check(refreshed.status === 200 && typeof refreshed.body.id_token === 'string',
    'explorer-public: refresh grant returns new tokens', JSON.stringify(refreshed.body));
  check(refreshed.body.refresh_token && refreshed.body.refresh_token !== tokens.refresh_token,
    'explorer-public: refresh token rotated');

  const opaque = await graphqlRequest(context.graphql, tokens.access_token, query);
  check(opaque.status === 401 && /error="invalid_token"/.test(opaque.wwwAuthenticate ?? ''),
    'backend: opaque access token rejected with invalid_token', `${opaque.status} ${opaque.wwwAuthenticate}`);

  const reused = await tokenRequest(context.discovery, clientAuthentication('explorer-public', 'none'), {
    grant_type: 'refresh_token',
    refresh_token: tokens.refresh_token,
  });
  check(reused.status === 400 && reused.body.error === 'invalid_grant',
    'explorer-public: rotated-out refresh token rejected with invalid_grant', JSON.stringify(reused.body));
}

async function checkConfidentialClients(context) {
  const basicTokens = await loginAndExchange(context, {
    clientId: 'explorer-confidential',
    authMethod: 'client_secret_basic',
    redirectUri: customSchemeRedirectUri,
    scope: 'openid profile email',
  });
  await loginAndExchange(context, {
    clientId: 'explorer-confidential-post',
    authMethod: 'client_secret_post',
    redirectUri: loopbackRedirectUri,
    scope: 'openid profile email',
    checkCodeReuse: true,
  });

  const wrongAudience = await graphqlRequest(context.graphql, basicTokens.id_token, '{ me { sub } }');
  check(wrongAudience.status === 401 && /error="invalid_token"/.test(wrongAudience.wwwAuthenticate ?? ''),
    'backend: ID token for another client rejected (audience)', `${wrongAudience.status} ${wrongAudience.wwwAuthenticate}`);

  // A secret sent without form-urlencoding: the provider decodes "+" to a space, so it fails.
  const rawCredentials = Buffer.from(`explorer-confidential:${confidentialSecret}`).toString('base64');
  const unencoded = await tokenRequest(context.discovery, { headers: { Authorization: `Basic ${rawCredentials}` }, form: {} }, {
    grant_type: 'authorization_code',
    code: 'not-a-real-code',
    redirect_uri: loopbackRedirectUri,
  });
  check(unencoded.status === 401 && unencoded.body.error === 'invalid_client',
    'explorer-confidential: Basic secret without form-urlencoding rejected', JSON.stringify(unencoded.body));
}

async function checkWrongPassword(context) {
  const result = await authorize(context.discovery, {
    clientId: 'explorer-public',
    redirectUri: loopbackRedirectUri,
    scope: 'openid',
    password: 'wrong password',
  });
  check(result.loginRejected === true, 'wrong password: login page shown again');
  check(result.html.includes('id="error"'), 'wrong password: page shows an error');
  check(/<input id="email"[^>]*value="alice@example.com"/.test(result.html),
    'wrong password: input#email keeps the email');
  check(/<input id="password"[^>]*type="password"/.test(result.html), 'wrong password: input#password present');
  check(/<button id="login"[^>]*type="submit"/.test(result.html), 'wrong password: button#login present');
}

async function checkConsentDenied(context) {
  const result = await authorize(context.discovery, {
    clientId: 'explorer-public',
    redirectUri: loopbackRedirectUri,
    scope: 'openid',
    password: account.password,
    denyConsent: true,
  });
  check(result.parameters?.get('error') === 'access_denied',
    'denied consent: redirect carries error=access_denied', result.parameters?.toString());
  check(result.parameters.get('code') === null, 'denied consent: redirect carries no code');
  check(result.parameters.get('state') === result.state, 'denied consent: redirect returns the state');
}

async function checkResourceIndicator(context) {
  const tokens = await loginAndExchange(context, {
    clientId: 'explorer-public',
    authMethod: 'none',
    redirectUri: loopbackRedirectUri,
    scope: 'openid profile email todos:read',
    resource: context.graphql,
  });
  const header = decodeProtectedHeader(tokens.access_token);
  check(header.typ === 'at+jwt', 'resource indicator: access token is a JWT (typ at+jwt)', JSON.stringify(header));
  const { payload } = await jwtVerify(tokens.access_token, context.keySet, {
    issuer: context.issuer,
    audience: context.graphql,
  });
  check(payload.scope === 'todos:read', 'resource indicator: access token scope is todos:read', payload.scope);

  const me = await graphqlRequest(context.graphql, tokens.access_token, '{ me { sub } todos { id } }');
  check(me.status === 200 && me.body.data?.me?.sub === 'alice',
    'backend: me resolved from the JWT access token', JSON.stringify(me.body));
}

async function checkBackendRejections(context) {
  const missing = await graphqlRequest(context.graphql, undefined, '{ me { sub } }');
  check(missing.status === 401, 'backend: request without token gets 401', String(missing.status));
  check(/^Bearer realm="[^"]+"$/.test(missing.wwwAuthenticate ?? ''),
    'backend: no error code when the token is missing (RFC 6750, 3.1)', missing.wwwAuthenticate);
  check(typeof missing.body.errors?.[0]?.message === 'string', 'backend: 401 body has errors[0].message');

  const garbage = await graphqlRequest(context.graphql, 'abc.def.ghi', '{ me { sub } }');
  check(garbage.status === 401 && /error="invalid_token", error_description="[^"]+"/.test(garbage.wwwAuthenticate ?? ''),
    'backend: malformed token rejected with invalid_token', `${garbage.status} ${garbage.wwwAuthenticate}`);
}

async function main() {
  const started = performance.now();
  const { issuer, graphql } = readEndpoints();
  const discoveryResponse = await fetch(`${issuer}/.well-known/openid-configuration`);
  const discovery = await discoveryResponse.json();
  check(discovery.issuer === issuer, 'discovery: issuer matches', discovery.issuer);
  check(discovery.code_challenge_methods_supported?.includes('S256'), 'discovery: S256 PKCE supported');
  const context = {
    issuer,
    graphql,
    discovery,
    keySet: createRemoteJWKSet(new URL(discovery.jwks_uri)),
  };

  await checkWrongPassword(context);
  await checkConsentDenied(context);
  await checkPublicClient(context);
  await checkConfidentialClients(context);
  await checkResourceIndicator(context);
  await checkBackendRejections(context);

  console.log(`# all ${passedChecks} checks passed in ${Math.round(performance.now() - started)} ms`);
}

main().catch((error) => {
  const reason = error instanceof CheckFailed ? error.message : (error.stack ?? String(error));
  console.log(`not ok ${passedChecks + 1} - ${reason}`);
  process.exitCode = 1;
});
