import { describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL, type Principal } from '../../src/auth/principal.ts';
import {
  EngineConflictError,
  EngineNotFoundError,
  ForbiddenError,
} from '../../src/engine/errors.ts';
import {
  checkWritable,
  eventVisibleTo,
  stampLabels,
  tenantFilters,
  visibleItems,
  visibleResults,
  visibleTo,
  withoutObjectIds,
} from '../../src/model/tenancy.ts';

const A: Principal = { kind: 'token', name: 'a', role: 'operator', labels: ['team=a', 'env=dev'] };
const own = { team: 'a', env: 'dev', app: 'shop' };
const theirs = { team: 'b', env: 'dev' };
const partly = { team: 'a' };
const shared = { 'com.example': 'x' };
const target = { kind: 'container', ref: 'web' } as const;

describe('tenancy', () => {
  it('shows a tenant its own and shared objects, never another tenant’s', () => {
    expect(visibleTo(A, own)).toBe(true);
    expect(visibleTo(A, shared)).toBe(true);
    expect(visibleTo(A, null)).toBe(true);
    expect(visibleTo(A, theirs)).toBe(false);
    expect(visibleTo(A, partly)).toBe(false);
    expect(visibleTo(LOCAL_PRINCIPAL, theirs)).toBe(true);
  });

  it('lets a tenant write only its own objects; another’s answers like a missing one', () => {
    expect(() => checkWritable(A, own, target)).not.toThrow();
    expect(() => checkWritable(A, shared, target)).toThrow(ForbiddenError);
    expect(() => checkWritable(A, shared, target)).toThrow(/tenancy\.scope/);
    expect(() => checkWritable(A, theirs, target)).toThrow(EngineNotFoundError);
    expect(() => checkWritable(A, theirs, target)).toThrow('No such container: web');
    expect(() => checkWritable(A, theirs, { kind: 'network', ref: 'n' })).toThrow(
      'network n not found',
    );
    expect(() => checkWritable(LOCAL_PRINCIPAL, theirs, target)).not.toThrow();
  });

  it('delivers a tenant only events whose attributes carry all its labels', () => {
    expect(eventVisibleTo(A, { ...own, name: 'web' })).toBe(true);
    expect(eventVisibleTo(A, shared)).toBe(false);
    expect(eventVisibleTo(A, undefined)).toBe(false);
    expect(eventVisibleTo(LOCAL_PRINCIPAL, undefined)).toBe(true);
  });

  it('stamps a tenant’s creates and refuses reserved or foreign tenant labels', () => {
    expect(stampLabels(A, { app: 'shop' })).toEqual(own);
    expect(stampLabels(A, undefined)).toEqual({ team: 'a', env: 'dev' });
    expect(stampLabels(A, { team: 'a' })).toEqual({ team: 'a', env: 'dev' });
    expect(() => stampLabels(A, { 'org.wharf.x': '1' })).toThrow(/tenancy\.labels/);
    expect(() => stampLabels(A, { team: 'b' })).toThrow(/tenancy\.labels/);
    expect(stampLabels(LOCAL_PRINCIPAL, { 'org.wharf.x': '1' })).toEqual({ 'org.wharf.x': '1' });
    expect(stampLabels(LOCAL_PRINCIPAL, undefined)).toBeUndefined();
  });

  it('narrows a tenant’s prunes to its labels', () => {
    expect(tenantFilters(A, { label: ['x=1'], until: ['1h'] })).toEqual({
      label: ['x=1', 'team=a', 'env=dev'],
      until: ['1h'],
    });
    expect(tenantFilters(A, undefined)).toEqual({ label: ['team=a', 'env=dev'] });
    expect(tenantFilters(LOCAL_PRINCIPAL, undefined)).toBeUndefined();
  });

  it('filters loader answers and lists', () => {
    const labelsOf = (item: { labels: Record<string, string> }) => item.labels;
    const failure = new Error('boom');
    const results = [{ labels: own }, { labels: theirs }, null, failure];
    expect(visibleResults(A, labelsOf)(results)).toEqual([{ labels: own }, null, null, failure]);
    expect(visibleResults(LOCAL_PRINCIPAL, labelsOf)(results)).toEqual(results);
    const items = [{ labels: own }, { labels: theirs }, { labels: shared }];
    expect(visibleItems(A, items, labelsOf)).toEqual([{ labels: own }, { labels: shared }]);
    expect(visibleItems(LOCAL_PRINCIPAL, items, labelsOf)).toEqual(items);
  });

  it('takes object ids out of the engine’s conflicts for a tenant, and only for a tenant', () => {
    const id = 'aaaaaaaa0123456789abcdef0123456789abcdef0123456789abcdef01234567';
    const cases: [engine: string, tenant: string][] = [
      [
        `Conflict. The container name "/web" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
        'the container name "web" is already in use',
      ],
      [`remove data: volume is in use - [${id}, ${id}]`, 'remove data: volume is in use'],
      [
        `conflict: unable to delete ${id.slice(0, 12)} (cannot be forced) - image is being used by running container ${id.slice(0, 12)}`,
        'conflict: unable to delete <id> (cannot be forced) - image is being used by running container <id>',
      ],
      ['network with name web already exists', 'network with name web already exists'],
    ];
    for (const [engine, tenant] of cases) {
      const error = new EngineConflictError(engine);
      const answered = withoutObjectIds(A, error);
      expect(answered).toBeInstanceOf(EngineConflictError);
      expect((answered as Error).message).toBe(tenant);
      expect(withoutObjectIds(LOCAL_PRINCIPAL, error)).toBe(error);
    }
    const missing = new EngineNotFoundError(`No such container: ${id}`);
    expect(withoutObjectIds(A, missing)).toBe(missing);
  });
});
