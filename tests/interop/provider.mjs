// OpenID provider for Auth Flow Explorer's interop tests, built on oidc-provider.
//
// Listens on 127.0.0.1 (port from INTEROP_PROVIDER_PORT, 0 picks a free port), serves its own
// login and consent pages under /interaction/<uid>, and prints one JSON line
// {"issuer":"http://127.0.0.1:PORT"} to stdout once it accepts connections. Everything it stores
// (sessions, grants, codes, refresh tokens, the signing key) lives in memory and is lost on exit.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';

import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';

const host = '127.0.0.1';

// The only account. Its password is compared in constant time, as a real login check would.
const account = {
  sub: 'alice',
  email: 'alice@example.com',
  emailVerified: true,
  name: 'Alice Example',
  password: 'correct horse battery staple',
};

// Scopes the consent page grants when the client requests them.
const grantableOidcScopes = new Set(['openid', 'profile', 'email', 'offline_access']);

// Scopes of the GraphQL backend as a resource server (RFC 8707 resource indicator).
const backendResourceScope = 'todos:read todos:write';

const redirectUris = ['com.example.explorer:/callback', 'http://127.0.0.1/callback'];

const clients = [
  {
    client_id: 'explorer-public',
    client_name: 'Auth Flow Explorer (public)',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'],
  },
  {
    // Implicit and hybrid response types, to compare them with the code flow.
    client_id: 'explorer-implicit',
    client_name: 'Auth Flow Explorer (implicit and hybrid)',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'implicit', 'refresh_token'],
    response_types: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
  },
  {
    client_id: 'explorer-confidential',
    client_name: 'Auth Flow Explorer (client_secret_basic)',
    // Contains characters that must be form-urlencoded before Basic encoding (RFC 6749, 2.3.1).
    client_secret: 's3cr+et/with=special:chars',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
  },
  {
    client_id: 'explorer-confidential-post',
    client_name: 'Auth Flow Explorer (client_secret_post)',
    client_secret: 's3cr+et/with=special:chars',
    application_type: 'native',
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  },
];

function log(message) {
  process.stderr.write(`${new Date().toISOString()} provider: ${message}\n`);
}

function parsePort(text, name) {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new Error(`invalid ${name} "${text}": expected a TCP port number from 0 to 65535`);
  }
  return port;
}

function escapeHtml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function passwordMatches(candidate) {
  const expectedBytes = Buffer.from(account.password, 'utf8');
  const candidateBytes = Buffer.from(candidate, 'utf8');
  return candidateBytes.length === expectedBytes.length && timingSafeEqual(candidateBytes, expectedBytes);
}

// Accepts http://127.0.0.1:<port>/graphql for any port, because the backend's port is only known
// after the provider has started.
function isBackendResource(indicator) {
  const url = URL.parse(indicator);
  return url !== null
    && url.protocol === 'http:'
    && url.hostname === host
    && url.port !== ''
    && url.pathname === '/graphql'
    && url.search === ''
    && url.hash === ''
    && url.username === ''
    && url.password === '';
}

async function createSigningKeys() {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return { keys: [jwk] };
}

// A client that authenticates with private_key_jwt. Its key pair is made at start. The private
// key goes to INTEROP_CLIENT_KEY_FILE (a PEM file in the state folder), so the app can sign with it.
async function createKeyJwtClient() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const keyFile = process.env.INTEROP_CLIENT_KEY_FILE;
  if (keyFile) {
    await writeFile(keyFile, await exportPKCS8(privateKey), { mode: 0o600 });
  }
  const jwk = await exportJWK(publicKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  return {
    client_id: 'explorer-key-jwt',
    client_name: 'Auth Flow Explorer (private_key_jwt)',
    application_type: 'native',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [jwk] },
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
  };
}

// client_secret_jwt signs with HMAC-SHA-256, which needs a secret of at least 32 bytes.
const secretJwtClient = {
  client_id: 'explorer-secret-jwt',
  client_name: 'Auth Flow Explorer (client_secret_jwt)',
  client_secret: 'a+client/secret=for:client_secret_jwt',
  application_type: 'native',
  token_endpoint_auth_method: 'client_secret_jwt',
  redirect_uris: redirectUris,
  post_logout_redirect_uris: redirectUris,
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  response_types: ['code'],
};

function createConfiguration(jwks, extraClients) {
  return {
    clients: [...clients, ...extraClients],
    jwks,
    responseTypes: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token', 'none'],
    cookies: {
      // Random per start: cookies from an earlier run fail their signature check, like the
      // sessions they refer to, which are gone as well.
      keys: [randomBytes(32).toString('base64url')],
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // Puts the profile and email claims into the ID token even when an access token is issued,
    // so that the backend can read them from an ID token.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => {
      if (sub !== account.sub) {
        return undefined;
      }
      return {
        accountId: account.sub,
        claims: async () => ({
          sub: account.sub,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name,
        }),
      };
    },
    interactions: {
      url: async (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      deviceFlow: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Lets a token request without `resource` still receive a JWT for the resource that was
        // requested at the authorization endpoint.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resourceIndicator) => {
          if (!isBackendResource(resourceIndicator)) {
            throw new errors.InvalidTarget(
              `unknown resource indicator; expected http://${host}:<port>/graphql`);
          }
          return {
            scope: backendResourceScope,
            audience: resourceIndicator,
            accessTokenTTL: 60 * 60,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // Requires PKCE from public clients only, as the library default does. oidc-provider 9.13
    // accepts only the S256 method.
    pkce: {
      required: (_ctx, client) => client.clientAuthMethod === 'none',
    },
    // A native app sends no CORS requests.
    clientBasedCORS: () => false,
    // Explicit lifetimes in seconds. They match the library defaults and keep its notices about
    // default TTL functions out of the output.
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      RefreshToken: 14 * 24 * 60 * 60,
      Interaction: 60 * 60,
      Session: 14 * 24 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      const rows = Object.entries(out)
        .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`)
        .join('');
      ctx.body = page('Error', `<h1>Error</h1><dl id="error">${rows}</dl>`);
    },
  };
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
${body}
</body>
</html>
`;
}

function loginPage(uid, clientId, email, errorMessage) {
  const error = errorMessage ? `<p id="error" role="alert">${escapeHtml(errorMessage)}</p>` : '';
  return page('Sign in', `<h1>Sign in</h1>
<p>to continue to <span id="client">${escapeHtml(clientId)}</span></p>
${error}
<form id="login-form" method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" value="${escapeHtml(email)}" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="login" type="submit">Sign in</button>
</form>`);
}

function consentPage(uid, clientId, scopes) {
  const items = scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  return page('Consent', `<h1>Allow access</h1>
<p><span id="client">${escapeHtml(clientId)}</span> requests access to:</p>
<ul id="scopes">${items}</ul>
<form id="consent-form" method="post" action="/interaction/${escapeHtml(uid)}/confirm">
<button id="consent" type="submit">Allow</button>
</form>
<form id="deny-form" method="post" action="/interaction/${escapeHtml(uid)}/abort">
<button id="deny" type="submit">Deny</button>
</form>`);
}

function sendHtml(res, status, html) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(html);
}

const maxFormBytes = 16 * 1024;

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > maxFormBytes) {
      throw new Error(`form body larger than ${maxFormBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Lists the scopes the consent page shows: the OIDC scopes it grants plus any resource scopes.
function requestedScopes(details) {
  const oidcScopes = (details.missingOIDCScope ?? []).filter((scope) => grantableOidcScopes.has(scope));
  const resourceScopes = Object.entries(details.missingResourceScopes ?? {})
    .flatMap(([indicator, scopes]) => scopes.map((scope) => `${scope} (${indicator})`));
  return [...oidcScopes, ...resourceScopes];
}

async function grantConsent(provider, interaction) {
  const { prompt: { details }, params, session } = interaction;
  const grant = interaction.grantId
    ? await provider.Grant.find(interaction.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });

  const oidcScopes = (details.missingOIDCScope ?? []).filter((scope) => grantableOidcScopes.has(scope));
  if (oidcScopes.length > 0) {
    grant.addOIDCScope(oidcScopes.join(' '));
  }
  if (details.missingOIDCClaims) {
    grant.addOIDCClaims(details.missingOIDCClaims);
  }
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }

  const grantId = await grant.save();
  // A grant that already existed is found again through the session, so only a new one is passed.
  return interaction.grantId ? {} : { grantId };
}

// Handles GET /interaction/<uid> and POST /interaction/<uid>/{login,confirm,abort}.
async function handleInteraction(provider, req, res, url) {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(url.pathname);
  if (!match) {
    sendHtml(res, 404, page('Not found', '<h1>Not found</h1>'));
    return;
  }
  const [, uid, action] = match;
  const expectedMethod = action ? 'POST' : 'GET';
  if (req.method !== expectedMethod) {
    res.setHeader('Allow', expectedMethod);
    sendHtml(res, 405, page('Method not allowed', '<h1>Method not allowed</h1>'));
    return;
  }

  let interaction;
  try {
    interaction = await provider.interactionDetails(req, res);
  } catch (error) {
    if (error instanceof errors.SessionNotFound) {
      log(`interaction ${uid} rejected: ${error.error_description}`);
      sendHtml(res, 400, page('Sign-in expired',
        '<h1>Sign-in expired</h1><p id="error">The sign-in request was not found or has expired. Start again from the application.</p>'));
      return;
    }
    throw error;
  }
  if (interaction.uid !== uid) {
    log(`interaction ${uid} rejected: the interaction cookie belongs to ${interaction.uid}`);
    sendHtml(res, 400, page('Sign-in mismatch',
      '<h1>Sign-in mismatch</h1><p id="error">This page does not belong to the current sign-in request. Start again from the application.</p>'));
    return;
  }

  const promptName = interaction.prompt.name;
  const clientId = interaction.params.client_id;

  if (!action) {
    if (promptName === 'login') {
      sendHtml(res, 200, loginPage(uid, clientId, interaction.params.login_hint ?? '', ''));
    } else {
      sendHtml(res, 200, consentPage(uid, clientId, requestedScopes(interaction.prompt.details)));
    }
    return;
  }

  if (action === 'abort') {
    log(`interaction ${uid} for client ${clientId}: access denied by the user`);
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'End-User denied the request',
    }, { mergeWithLastSubmission: false });
    return;
  }

  if (action === 'login') {
    if (promptName !== 'login') {
      sendHtml(res, 400, page('Unexpected step', '<h1>Unexpected step</h1><p id="error">This sign-in request is not waiting for a password.</p>'));
      return;
    }
    const form = await readForm(req);
    const email = (form.get('email') ?? '').trim();
    const password = form.get('password') ?? '';
    if (email.toLowerCase() !== account.email || !passwordMatches(password)) {
      log(`interaction ${uid} for client ${clientId}: login failed for "${email}"`);
      sendHtml(res, 200, loginPage(uid, clientId, email, 'Invalid email or password.'));
      return;
    }
    log(`interaction ${uid} for client ${clientId}: login succeeded for ${account.sub}`);
    await provider.interactionFinished(req, res, {
      login: { accountId: account.sub, amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
    return;
  }

  // action === 'confirm'
  if (promptName !== 'consent') {
    sendHtml(res, 400, page('Unexpected step', '<h1>Unexpected step</h1><p id="error">This sign-in request is not waiting for consent.</p>'));
    return;
  }
  await readForm(req);
  const consent = await grantConsent(provider, interaction);
  log(`interaction ${uid} for client ${clientId}: consent granted`);
  await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
}

function logProviderErrors(provider) {
  const describe = (error) => `${error.error ?? error.name}: ${error.error_description ?? error.message}`
    + (error.error_detail ? ` (${error.error_detail})` : '');
  for (const event of ['authorization.error', 'grant.error', 'userinfo.error',
    'revocation.error', 'end_session.error', 'discovery.error', 'jwks.error']) {
    provider.on(event, (ctx, error) => {
      const clientId = ctx.oidc?.client?.clientId ?? '-';
      log(`${event} for client ${clientId}: ${describe(error)}`);
    });
  }
  provider.on('server_error', (_ctx, error) => {
    log(`server_error: ${error.stack ?? error}`);
  });
}

async function main() {
  const requestedPort = parsePort(process.env.INTEROP_PROVIDER_PORT ?? '0', 'INTEROP_PROVIDER_PORT');
  let handler = null;
  const server = http.createServer((req, res) => handler(req, res));
  server.on('error', (error) => {
    log(`server error: ${error.message}`);
    process.exit(1);
  });
  await new Promise((resolve) => server.listen(requestedPort, host, resolve));
  const { port } = server.address();
  const issuer = `http://${host}:${port}`;

  const provider = new Provider(issuer, createConfiguration(await createSigningKeys(), [await createKeyJwtClient(), secretJwtClient]));
  logProviderErrors(provider);
  const providerCallback = provider.callback();

  handler = (req, res) => {
    const url = new URL(req.url, issuer);
    if (url.pathname.startsWith('/interaction/')) {
      handleInteraction(provider, req, res, url).catch((error) => {
        log(`interaction request ${req.method} ${url.pathname} failed: ${error.stack ?? error}`);
        if (!res.headersSent) {
          sendHtml(res, 500, page('Server error', '<h1>Server error</h1><p id="error">The provider failed to handle this step; see its log.</p>'));
        } else {
          res.destroy();
        }
      });
      return;
    }
    providerCallback(req, res);
  };

  const stop = (signal) => {
    log(`received ${signal}, stopping`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  log(`listening, issuer ${issuer}`);
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
}

main().catch((error) => {
  log(`failed to start: ${error.message}`);
  process.exit(1);
});
