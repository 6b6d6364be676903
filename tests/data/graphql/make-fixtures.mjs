// Writes the introspection fixtures of the GraphQL schema, completion and validation tests with
// the graphql-js reference implementation that tests/interop pins (`npm ci` there first):
//
//   node tests/data/graphql/make-fixtures.mjs
//
// The unit tests also run it as an oracle, against the to-do schema below:
//
//   node make-fixtures.mjs --execute QUERY_FILE     prints the response to the query in the file
//   node make-fixtures.mjs --validate DOCUMENTS_FILE
//       reads a JSON array of GraphQL documents and prints, for each, the array of the messages
//       of graphql-js's syntax and validation errors (empty when the document is valid)
//
// Outputs, next to this script:
//   introspection-todo.json      a schema with interfaces (one implementing another), a union,
//                                enums, input objects, deprecated fields, arguments, input fields
//                                and enum values, descriptions and custom directives
//   introspection-interop.json   the schema of tests/interop/backend.mjs
//   introspection-disabled.json  the error response of a server that forbids introspection
//   introspection-deep.json      a field wrapped in more lists than the introspection query
//                                requests, so the innermost type has no "ofType" member
// Each file is the whole response body ({"data": ...} or {"errors": ...}), pretty-printed.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Resolves `graphql` from tests/interop/node_modules, wherever this script is started from.
const require = createRequire(new URL('../../interop/package.json', import.meta.url));
const {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  buildSchema,
  execute,
  getIntrospectionQuery,
  graphqlSync,
  parse,
  specifiedRules,
  validate,
  version,
} = require('graphql');

const todoSdl = `
"""
A small to-do service. Its types cover every kind of the GraphQL type system.
"""
schema {
  query: Query
  mutation: Mutation
  subscription: Subscription
}

"The entry points for reading."
type Query {
  "The signed-in user."
  me: User!
  "To-dos of the signed-in user, newest first unless \`orderBy\` says otherwise."
  todos(filter: TodoFilter, first: Int = 20, after: String, orderBy: TodoOrder = CREATED_AT): [Todo!]!
  "One to-do by its ID, or null when there is none."
  todo(id: ID!): Todo
  "Any object by its global ID."
  node(id: ID!): Node
  "Full-text search over to-dos, users and tags."
  search(text: String!, kinds: [SearchKind!], limit: Int = 10): [SearchResult!]!
  allTodos: [Todo!]! @deprecated(reason: "Use \`todos\`, which pages.")
  tags(prefix: String): [Tag!]!
  "Entries of any kind: to-dos and notes."
  entries(since: DateTime): [Entry!]!
}

"The entry points for writing."
type Mutation {
  "Creates a to-do for the signed-in user."
  addTodo(input: AddTodoInput!): Todo!
  setDone(id: ID!, done: Boolean!): Todo
  deleteTodo(id: ID!): Boolean!
  updateProfile(name: String!, nickname: String @deprecated(reason: "Set \`name\` instead.")): User
}

type Subscription {
  "Sends a to-do each time it changes."
  todoChanged(id: ID): Todo!
}

"An object with a global ID."
interface Node {
  "The global ID."
  id: ID!
}

interface Timestamped {
  createdAt: DateTime!
  updatedAt: DateTime
}

"Something the user wrote down."
interface Entry implements Node & Timestamped {
  id: ID!
  createdAt: DateTime!
  updatedAt: DateTime
  title: String!
}

"A task to do."
type Todo implements Node & Timestamped & Entry {
  id: ID!
  createdAt: DateTime!
  updatedAt: DateTime
  "A short summary."
  title: String!
  done: Boolean!
  priority: Priority!
  "Estimated hours of work."
  estimate: Float
  owner: User!
  tags: [Tag!]!
  dueDate: Date
  notes(format: TextFormat = PLAIN): String
  text: String @deprecated(reason: "Use \`title\`.")
  subtasks(first: Int): [Todo!]!
}

"A free-form note."
type Note implements Node & Timestamped & Entry {
  id: ID!
  createdAt: DateTime!
  updatedAt: DateTime
  title: String!
  body(format: TextFormat = PLAIN): String!
}

type User implements Node {
  id: ID!
  "The subject identifier from the ID token."
  sub: String!
  email: String
  name: String
  role: Role!
  todos(done: Boolean): [Todo!]!
}

type Tag implements Node {
  id: ID!
  name: String!
  color: String
}

"Anything that search can find."
union SearchResult = Todo | User | Tag

"How urgent a to-do is."
enum Priority {
  LOW
  NORMAL
  HIGH
  URGENT @deprecated(reason: "Use HIGH.")
}

enum TodoOrder {
  CREATED_AT
  DUE_DATE
  PRIORITY
}

enum SearchKind {
  TODO
  USER
  TAG
}

enum TextFormat {
  PLAIN
  MARKDOWN
}

enum Role {
  VIEWER
  EDITOR
  ADMIN
}

"Conditions a to-do must meet. All given conditions apply."
input TodoFilter {
  done: Boolean
  priority: Priority
  tags: [String!]
  text: String
  dueBefore: Date
  "Every filter in the list must match too."
  and: [TodoFilter!]
}

input AddTodoInput {
  title: String!
  priority: Priority = NORMAL
  tags: [String!] = []
  dueDate: Date
  estimate: Float
  notes: String
  legacyId: Int @deprecated(reason: "Ignored since version 2.")
}

"A point in time in RFC 3339 format."
scalar DateTime

"A calendar date such as 2024-05-01."
scalar Date

"Caches the result for \`ttl\` seconds."
directive @cached(ttl: Int = 60) on QUERY | FIELD

"Labels a selection for logging."
directive @tag(name: String!) repeatable on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT | FRAGMENT_DEFINITION

directive @lowercase on FIELD

directive @trace(label: String) on VARIABLE_DEFINITION | MUTATION
`;

// The SDL of tests/interop/backend.mjs, copied by hand: keep the two in step.
const interopSdl = `
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
`;

// graphql-js 16.15 requests 9 levels of "ofType" below a field's type (its default typeDepth), so
// ten lists are one level too many.
const deepSdl = `
  type Query {
    grid: [[[[[[[[[[Int]]]]]]]]]]
  }
`;

// Every option on, so the fixture contains every member the editor's own introspection query can request.
const introspectionQuery = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
});

function introspect(sdl) {
  const result = graphqlSync({ schema: buildSchema(sdl), source: introspectionQuery });
  if (result.errors) {
    throw new Error(`introspection failed: ${result.errors.map((error) => error.message).join('; ')}`);
  }
  return result;
}

// What a server that turns introspection off returns: validation fails before execution.
function introspectWithIntrospectionDisabled(sdl) {
  const schema = buildSchema(sdl);
  const document = parse(introspectionQuery);
  const errors = validate(schema, document, [...specifiedRules, NoSchemaIntrospectionCustomRule]);
  if (errors.length === 0) {
    return execute({ schema, document });
  }
  return { errors: errors.map((error) => error.toJSON()) };
}

function write(name, body) {
  const url = new URL(name, import.meta.url);
  writeFileSync(url, `${JSON.stringify(body, null, 2)}\n`);
  process.stdout.write(`wrote ${url.pathname} (graphql-js ${version})\n`);
}

function validationMessages(schema, source) {
  try {
    return validate(schema, parse(source)).map((error) => error.message);
  } catch (error) {
    if (error instanceof GraphQLError) {
      return [error.message];
    }
    throw error;
  }
}

const [mode, file] = process.argv.slice(2);
if (mode === '--execute') {
  const result = graphqlSync({ schema: buildSchema(todoSdl), source: readFileSync(file, 'utf8') });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else if (mode === '--validate') {
  const schema = buildSchema(todoSdl);
  const documents = JSON.parse(readFileSync(file, 'utf8'));
  process.stdout.write(`${JSON.stringify(documents.map((source) => validationMessages(schema, source)))}\n`);
} else if (mode === undefined) {
  write('introspection-todo.json', introspect(todoSdl));
  write('introspection-interop.json', introspect(interopSdl));
  write('introspection-disabled.json', introspectWithIntrospectionDisabled(interopSdl));
  write('introspection-deep.json', introspect(deepSdl));
} else {
  process.stderr.write(`unknown option "${mode}": use --execute FILE, --validate FILE or no option\n`);
  process.exit(2);
}
