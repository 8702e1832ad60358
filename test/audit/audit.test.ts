import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GraphQLBoolean,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  graphql,
  parse,
  subscribe,
} from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AuditEntry, auditTarget, fileAuditSink, logAuditSink } from '../../src/audit.ts';
import { LOCAL_PRINCIPAL, type Principal } from '../../src/auth/principal.ts';
import { BadUserInputError, ForbiddenError } from '../../src/engine/errors.ts';
import { auditRootFields, useNestedDenialAudit } from '../../src/graphql/audited-fields.ts';
import { createLogger } from '../../src/log.ts';

/** node:fs with writeSync and fsyncSync observable (and breakable) per test. */
const fs = vi.hoisted(() => ({ failWrite: false, fsyncs: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    writeSync: (...args: Parameters<typeof real.writeSync>) => {
      if (fs.failWrite)
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return (real.writeSync as (...a: unknown[]) => number)(...args);
    },
    fsyncSync: (fd: number) => {
      fs.fsyncs += 1;
      real.fsyncSync(fd);
    },
  };
});

const OPERATOR: Principal = { kind: 'token', name: 'ci', role: 'operator', labels: [] };

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', (line) => {
    lines.push(JSON.parse(line));
    return true;
  });
  return { lines, logger };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wharf-audit-'));
});
afterEach(() => {
  fs.failWrite = false;
  fs.fsyncs = 0;
});

const readLines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('fileAuditSink', () => {
  it('appends one JSON line per entry, fsyncing each, after what the file held', async () => {
    const path = join(dir, 'append.log');
    await writeFile(path, '{"earlier":true}\n');
    const { lines, logger } = memoryLogger();
    const sink = fileAuditSink(path, logger);
    sink(LOCAL_PRINCIPAL, {
      operation: 'containerStart',
      decision: 'allow',
      targets: ['local/abc'],
    });
    expect(fs.fsyncs).toBe(1);
    sink(OPERATOR, {
      operation: 'containerCreate',
      decision: 'deny',
      rule: 'create.privileged',
      details: { error: null },
    });
    expect(fs.fsyncs).toBe(2);
    const written = await readLines(path);
    expect(written).toEqual([
      { earlier: true },
      {
        time: expect.any(String),
        principal: 'local',
        role: 'admin',
        operation: 'containerStart',
        decision: 'allow',
        targets: ['local/abc'],
      },
      {
        time: expect.any(String),
        principal: 'ci',
        role: 'operator',
        operation: 'containerCreate',
        decision: 'deny',
        rule: 'create.privileged',
        details: { error: null },
      },
    ]);
    expect(Number.isNaN(Date.parse(String(written[1]?.time)))).toBe(false);
    expect(lines).toEqual([]);
  });

  it('refuses a path it cannot open for appending', () => {
    expect(() => fileAuditSink(join(dir, 'missing', 'audit.log'), memoryLogger().logger)).toThrow(
      /ENOENT/,
    );
  });

  it('puts a line it cannot write into the log at error, never drops it', () => {
    const { lines, logger } = memoryLogger();
    const sink = fileAuditSink(join(dir, 'full.log'), logger);
    fs.failWrite = true;
    sink(LOCAL_PRINCIPAL, { operation: 'volumeRemove', decision: 'allow', targets: ['local/v'] });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        audit: true,
        principal: 'local',
        operation: 'volumeRemove',
        decision: 'allow',
        targets: ['local/v'],
        error: expect.objectContaining({ code: 'ENOSPC' }),
      }),
    ]);
  });
});

describe('logAuditSink', () => {
  it('writes the entry as a log line with audit: true', () => {
    const { lines, logger } = memoryLogger();
    logAuditSink(logger)(OPERATOR, {
      operation: 'execSession.end',
      decision: 'allow',
      details: { exitCode: 3 },
    });
    expect(lines).toEqual([
      {
        time: expect.any(String),
        level: 'info',
        msg: 'audit',
        audit: true,
        principal: 'ci',
        role: 'operator',
        operation: 'execSession.end',
        decision: 'allow',
        details: { exitCode: 3 },
      },
    ]);
  });
});

describe('auditRootFields', () => {
  /** A schema whose fields fail the ways real ones do. */
  const schema = auditRootFields(
    new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          open: { type: GraphQLString, resolve: () => 'ok' },
          broken: {
            type: GraphQLString,
            resolve: () => {
              throw new BadUserInputError('bad');
            },
          },
          secret: {
            type: GraphQLString,
            resolve: () => {
              throw new ForbiddenError('role.admin', 'admins only');
            },
          },
        },
      }),
      mutation: new GraphQLObjectType({
        name: 'Mutation',
        fields: {
          act: {
            type: GraphQLBoolean,
            args: { env: { type: GraphQLString } },
            resolve: async () => {
              auditTarget('local', 'c1');
              await new Promise((resolve) => setTimeout(resolve, 5));
              auditTarget('local', 'c2');
              return true;
            },
          },
          fail: {
            type: GraphQLBoolean,
            resolve: async () => {
              auditTarget('local', 'c3');
              throw new BadUserInputError('engine said no');
            },
          },
          privileged: {
            type: GraphQLBoolean,
            resolve: () => {
              throw new ForbiddenError('create.privileged', 'privileged is reserved to admin');
            },
          },
          crash: {
            type: GraphQLBoolean,
            resolve: () => {
              throw new TypeError('bug');
            },
          },
        },
      }),
      subscription: new GraphQLObjectType({
        name: 'Subscription',
        fields: {
          watch: {
            type: GraphQLString,
            subscribe: () => {
              throw new ForbiddenError('exec.owner', 'not yours');
            },
          },
        },
      }),
    }),
  );

  async function run(source: string, variableValues?: Record<string, unknown>) {
    const entries: AuditEntry[] = [];
    const contextValue = {
      principal: LOCAL_PRINCIPAL,
      audit: (_principal: Principal, entry: AuditEntry) => entries.push(entry),
    };
    await graphql({ schema, source, contextValue, ...(variableValues && { variableValues }) });
    return entries;
  }

  it('writes one line per mutation root field, with the targets its writes named', async () => {
    const secret = `s3cret-${Math.random()}`;
    const entries = await run('mutation($env: String) { a: act(env: $env) b: act fail }', {
      env: `DB_PASSWORD=${secret}`,
    });
    expect(entries).toEqual([
      { operation: 'act', decision: 'allow', targets: ['local/c1', 'local/c2'] },
      { operation: 'act', decision: 'allow', targets: ['local/c1', 'local/c2'] },
      {
        operation: 'fail',
        decision: 'allow',
        targets: ['local/c3'],
        details: { error: 'BAD_USER_INPUT' },
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain(secret);
  });

  it('writes one deny line with the rule for a denial, and the code of an unexpected failure', async () => {
    expect(await run('mutation { privileged crash }')).toEqual([
      { operation: 'privileged', decision: 'deny', rule: 'create.privileged', targets: [] },
      {
        operation: 'crash',
        decision: 'allow',
        targets: [],
        details: { error: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
  });

  it('writes lines for queries and subscriptions only when they are denied', async () => {
    expect(await run('{ open broken secret }')).toEqual([
      { operation: 'secret', decision: 'deny', rule: 'role.admin' },
    ]);
    const entries: AuditEntry[] = [];
    const result = await subscribe({
      schema,
      document: parse('subscription { watch }'),
      contextValue: {
        principal: LOCAL_PRINCIPAL,
        audit: (_principal: Principal, entry: AuditEntry) => entries.push(entry),
      },
    });
    expect(result).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect(entries).toEqual([{ operation: 'watch', decision: 'deny', rule: 'exec.owner' }]);
  });
});

describe('useNestedDenialAudit', () => {
  const Box: GraphQLObjectType = new GraphQLObjectType({
    name: 'Box',
    fields: () => ({
      name: { type: GraphQLString, resolve: () => 'box' },
      env: {
        type: GraphQLString,
        resolve: () => {
          throw new ForbiddenError('role.admin', 'env needs the admin role');
        },
      },
      broken: {
        type: GraphQLString,
        resolve: () => {
          throw new BadUserInputError('not a denial');
        },
      },
      inner: { type: Box, resolve: () => ({}) },
    }),
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        box: { type: Box, resolve: () => ({}) },
        boxes: { type: new GraphQLList(Box), resolve: () => [{}, {}, {}] },
      },
    }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        boxes: {
          type: Box,
          subscribe: async function* () {
            yield {};
            yield {};
          },
          resolve: (box: unknown) => box,
        },
      },
    }),
  });

  function yogaWith(entries: AuditEntry[]) {
    return createYoga({
      schema,
      plugins: [useNestedDenialAudit()],
      logging: false,
      context: () => ({
        principal: OPERATOR,
        audit: (_principal: Principal, entry: AuditEntry) => entries.push(entry),
      }),
    });
  }

  it('writes one deny line per denied field path of an operation, not one per list item', async () => {
    const entries: AuditEntry[] = [];
    const response = await yogaWith(entries).fetch('http://wharf/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ box { name env broken inner { env } } boxes { env name } again: boxes { env } }',
      }),
    });
    const body = (await response.json()) as { errors: unknown[] };
    expect(body.errors).toHaveLength(9);
    expect(entries).toEqual([
      { operation: 'box.env', decision: 'deny', rule: 'role.admin' },
      { operation: 'box.inner.env', decision: 'deny', rule: 'role.admin' },
      { operation: 'boxes.env', decision: 'deny', rule: 'role.admin' },
      { operation: 'again.env', decision: 'deny', rule: 'role.admin' },
    ]);
  });

  it('writes one line for a field denied in every event of a subscription', async () => {
    const entries: AuditEntry[] = [];
    const response = await yogaWith(entries).fetch('http://wharf/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { boxes { name env } }' }),
    });
    const events = (await response.text()).split('event: next').length - 1;
    expect(events).toBe(2);
    expect(entries).toEqual([{ operation: 'boxes.env', decision: 'deny', rule: 'role.admin' }]);
  });
});
