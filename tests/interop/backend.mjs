// GraphQL backend for Auth Flow Explorer's interop tests, served with graphql-http.
//
// Every request to /graphql needs `Authorization: Bearer <JWT>` signed by the provider at
// INTEROP_ISSUER. Two kinds of token are accepted:
//   - an ID token whose `aud` is one of INTEROP_AUDIENCE (comma-separated, default
//     "explorer-public"), the way backends-as-a-service accept ID tokens;
//   - a JWT access token (`typ: at+jwt`, RFC 9068) whose `aud` is this backend's own URL, as the
//     provider issues when the authorization request carried `resource=<that URL>` (RFC 8707).
// Listens on 127.0.0.1 (port from INTEROP_BACKEND_PORT, 0 picks a free port) and prints one JSON
// line {"graphql":"http://127.0.0.1:PORT/graphql"} to stdout once it accepts connections.

import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { GraphQLError, buildSchema } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';

const host = '127.0.0.1';
const graphqlPath = '/graphql';
const realm = 'interop-backend';

const schema = buildSchema(`
  type Query {
    me: User!
    todos: [Todo!]!
  }

  type Mutation {
    addTodo(title: String!): Todo!
  }

  type User {
    sub: String!
    email: String
    name: String
  }

  type Todo {
    id: ID!
    title: String!
    done: Boolean!
  }
`);

const maxTitleLength = 200;
const maxTodosPerUser = 1000;

function log(message) {
  process.stderr.write(`${new Date().toISOString()} backend: ${message}\n`);
}

function parsePort(text, name) {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new Error(`invalid ${name} "${text}": expected a TCP port number from 0 to 65535`);
  }
  return port;
}

function readConfiguration() {
  const issuer = process.env.INTEROP_ISSUER;
  if (!issuer) {
    throw new Error('missing INTEROP_ISSUER: set it to the provider issuer, for example http://127.0.0.1:PORT');
  }
  const issuerUrl = URL.parse(issuer);
  if (issuerUrl === null || !['http:', 'https:'].includes(issuerUrl.protocol)) {
    throw new Error(`invalid INTEROP_ISSUER "${issuer}": expected an http or https URL`);
  }
  // This test bed only talks to servers on the same machine.
  if (!['127.0.0.1', '[::1]', 'localhost'].includes(issuerUrl.hostname)) {
    throw new Error(`invalid INTEROP_ISSUER "${issuer}": the host must be a loopback address`);
  }

  const audiences = (process.env.INTEROP_AUDIENCE ?? 'explorer-public')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (audiences.length === 0) {
    throw new Error('invalid INTEROP_AUDIENCE: expected one or more comma-separated client ids');
  }

  return {
    issuer,
    audiences,
    port: parsePort(process.env.INTEROP_BACKEND_PORT ?? '0', 'INTEROP_BACKEND_PORT'),
  };
}

// Fetches the provider's discovery document, retrying briefly in case the provider is still
// starting.
async function discoverJwksUri(issuer) {
  const discoveryUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const attempts = 10;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(discoveryUrl, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      const metadata = await response.json();
      if (metadata.issuer !== issuer) {
        throw new Error(`discovery document names issuer "${metadata.issuer}", expected "${issuer}"`);
      }
      if (typeof metadata.jwks_uri !== 'string') {
        throw new Error('discovery document has no jwks_uri');
      }
      return metadata.jwks_uri;
    } catch (error) {
      const reason = error.cause ? `${error.message}: ${error.cause.code ?? error.cause.message}` : error.message;
      if (attempt >= attempts) {
        throw new Error(`fetching ${discoveryUrl} failed after ${attempts} attempts: ${reason}`);
      }
      log(`fetching ${discoveryUrl} failed (${reason}), retry ${attempt} of ${attempts - 1}`);
      await sleep(300);
    }
  }
}

// Error for a request that gets a 401 or 400 response with a WWW-Authenticate header.
class BearerError extends Error {
  constructor(status, errorCode, description) {
    super(description);
    this.status = status;
    this.errorCode = errorCode;
  }
}

// Describes a jose verification failure in words a client developer can act on.
function describeVerificationError(error) {
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `the token claim "${error.claim}" is invalid: ${error.reason === 'check_failed' ? error.message : error.reason}`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the token signature is invalid';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'the token was not signed by a current key of the provider';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'the token signature algorithm is not accepted (expected RS256)';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'the token is not a valid signed JWT';
    default:
      return `the token is invalid (${error.code})`;
  }
}

// Raised when the provider's keys cannot be fetched, which is a server problem, not a bad token.
class KeySetUnavailableError extends Error {}

function createTokenVerifier({ issuer, audiences, jwksUri, resourceUrl }) {
  const keySet = createRemoteJWKSet(new URL(jwksUri));

  return async function verifyAuthorization(header) {
    if (header === undefined) {
      throw new BearerError(401, null, 'missing Authorization header with a Bearer token');
    }
    const match = /^Bearer[ ]+(\S*)\s*$/i.exec(header);
    if (!match) {
      throw new BearerError(401, null, 'the Authorization header must use the Bearer scheme');
    }
    const token = match[1];
    if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
      throw new BearerError(400, 'invalid_request', 'the Bearer token is empty or has characters not allowed by RFC 6750');
    }

    let result;
    try {
      result = await jwtVerify(token, keySet, {
        issuer,
        audience: [...audiences, resourceUrl],
        algorithms: ['RS256'],
      });
    } catch (error) {
      if (!(error instanceof joseErrors.JOSEError)
        || error.code === 'ERR_JWKS_TIMEOUT'
        || error.code === 'ERR_JWKS_INVALID') {
        throw new KeySetUnavailableError(`fetching the provider keys from ${jwksUri} failed: ${error.message}`);
      }
      throw new BearerError(401, 'invalid_token', describeVerificationError(error));
    }

    const { payload, protectedHeader } = result;
    const tokenAudiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const isAccessToken = tokenAudiences.includes(resourceUrl);
    if (isAccessToken && protectedHeader.typ?.toLowerCase() !== 'at+jwt') {
      throw new BearerError(401, 'invalid_token', 'a token for this resource must be a JWT access token (typ at+jwt)');
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new BearerError(401, 'invalid_token', 'the token has no subject (sub)');
    }
    return { claims: payload, kind: isAccessToken ? 'access_token' : 'id_token' };
  };
}

function quoteHeaderValue(text) {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function sendBearerError(res, error) {
  const parameters = [`realm=${quoteHeaderValue(realm)}`];
  // RFC 6750, section 3.1: a request without any Bearer token gets no error code.
  if (error.errorCode) {
    parameters.push(`error=${quoteHeaderValue(error.errorCode)}`);
    parameters.push(`error_description=${quoteHeaderValue(error.message)}`);
  }
  sendJsonError(res, error.status, error.message, {
    'WWW-Authenticate': `Bearer ${parameters.join(', ')}`,
  });
}

function sendJsonError(res, status, message, headers = {}) {
  const body = JSON.stringify({ errors: [{ message }] });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

function createTodoStore() {
  const todosBySubject = new Map();
  let nextId = 1;

  const listFor = (sub) => {
    if (!todosBySubject.has(sub)) {
      todosBySubject.set(sub, [
        { id: String(nextId++), title: 'Sign in with Authorization Code and PKCE', done: true },
        { id: String(nextId++), title: 'Call the GraphQL backend with a token', done: false },
      ]);
    }
    return todosBySubject.get(sub);
  };

  return {
    list: (sub) => listFor(sub),
    add: (sub, title) => {
      const todos = listFor(sub);
      if (todos.length >= maxTodosPerUser) {
        throw new GraphQLError(`too many todos: at most ${maxTodosPerUser} per user`);
      }
      const todo = { id: String(nextId++), title, done: false };
      todos.push(todo);
      return todo;
    },
  };
}

function createRootValue(todoStore) {
  return {
    me: (_args, context) => ({
      sub: context.claims.sub,
      email: typeof context.claims.email === 'string' ? context.claims.email : null,
      name: typeof context.claims.name === 'string' ? context.claims.name : null,
    }),
    todos: (_args, context) => todoStore.list(context.claims.sub),
    addTodo: ({ title }, context) => {
      const trimmed = title.trim();
      if (trimmed === '') {
        throw new GraphQLError('invalid title: it must not be empty');
      }
      if (trimmed.length > maxTitleLength) {
        throw new GraphQLError(`invalid title: it must be at most ${maxTitleLength} characters`);
      }
      return todoStore.add(context.claims.sub, trimmed);
    },
  };
}

async function main() {
  const configuration = readConfiguration();
  const jwksUri = await discoverJwksUri(configuration.issuer);

  let verifyAuthorization = null;
  const graphqlHandler = createHandler({
    schema,
    rootValue: createRootValue(createTodoStore()),
    // The request handler below stores the verified token on the Node request before it calls
    // graphql-http.
    context: (req) => req.raw.auth,
  });

  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, `http://${host}`);
    if (pathname !== graphqlPath) {
      sendJsonError(res, 404, `not found: ${pathname}; the GraphQL endpoint is ${graphqlPath}`);
      return;
    }
    if (verifyAuthorization === null) {
      sendJsonError(res, 503, 'the backend is still starting');
      return;
    }
    try {
      req.auth = await verifyAuthorization(req.headers.authorization);
    } catch (error) {
      if (error instanceof BearerError) {
        log(`${req.method} ${pathname} rejected with ${error.status}: ${error.message}`);
        sendBearerError(res, error);
      } else {
        log(`${req.method} ${pathname} failed: ${error.message}`);
        sendJsonError(res, 503, 'the backend cannot verify tokens right now; see its log');
      }
      return;
    }
    try {
      await graphqlHandler(req, res);
    } catch (error) {
      log(`${req.method} ${pathname} failed in the GraphQL handler: ${error.stack ?? error}`);
      if (!res.headersSent) {
        sendJsonError(res, 500, 'internal server error');
      } else {
        res.destroy();
      }
    }
  });
  server.on('error', (error) => {
    log(`server error: ${error.message}`);
    process.exit(1);
  });
  await new Promise((resolve) => server.listen(configuration.port, host, resolve));

  const graphqlUrl = `http://${host}:${server.address().port}${graphqlPath}`;
  verifyAuthorization = createTokenVerifier({ ...configuration, jwksUri, resourceUrl: graphqlUrl });

  const stop = (signal) => {
    log(`received ${signal}, stopping`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  log(`listening on ${graphqlUrl}, issuer ${configuration.issuer}, ID token audiences ${configuration.audiences.join(', ')}`);
  process.stdout.write(`${JSON.stringify({ graphql: graphqlUrl })}\n`);
}

main().catch((error) => {
  log(`failed to start: ${error.message}`);
  process.exit(1);
});
