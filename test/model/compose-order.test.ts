import { describe, expect, it } from 'vitest';
import { dependsOnOf, type OrderedContainer, startOrder } from '../../src/model/compose-order.ts';

function container(
  id: string,
  service: string,
  createdMs: number,
  extra: Record<string, string> = {},
): OrderedContainer {
  return {
    id,
    createdMs,
    labels: {
      'com.docker.compose.service': service,
      'com.docker.compose.container-number': id.split('-')[1] ?? '1',
      ...extra,
    },
  };
}

const ids = (steps: OrderedContainer[][]) => steps.map((step) => step.map((c) => c.id));
const needs = (value: string) => ({ 'com.docker.compose.depends_on': value });

describe('dependsOnOf', () => {
  it('reads the services of compose v2 labels, with and without the restart part', () => {
    expect(dependsOnOf(needs('db:service_started:false,cache:service_healthy:true'))).toEqual([
      'db',
      'cache',
    ]);
    expect(dependsOnOf(needs('db:service_started'))).toEqual(['db']);
    expect(dependsOnOf(needs(''))).toEqual([]);
    expect(dependsOnOf({})).toEqual([]);
    expect(dependsOnOf(null)).toEqual([]);
  });
});

describe('startOrder', () => {
  it('puts a service after what its labels say it depends on, whatever the creation order', () => {
    const steps = startOrder([
      container('app-1', 'app', 1, needs('store:service_started:false')),
      container('store-1', 'store', 5, needs('')),
      container('cache-1', 'cache', 9, needs('')),
      container('web-1', 'web', 0, needs('app:service_started:false,cache:service_healthy:false')),
    ]);
    expect(ids(steps)).toEqual([['store-1'], ['app-1'], ['cache-1'], ['web-1']]);
  });

  it('without labels (compose v1) follows the creation order, then the service name', () => {
    const steps = startOrder([
      container('app-1', 'app', 20),
      container('store-1', 'store', 10),
      container('b-1', 'b', 30),
      container('a-1', 'a', 30),
    ]);
    expect(ids(steps)).toEqual([['store-1'], ['app-1'], ['a-1'], ['b-1']]);
  });

  it('takes a service by its first container, and its containers by number', () => {
    const steps = startOrder([
      container('web-10', 'web', 50),
      container('web-2', 'web', 5),
      container('db-1', 'db', 7),
    ]);
    expect(ids(steps)).toEqual([['web-2', 'web-10'], ['db-1']]);
  });

  it('ignores dependencies outside the project; a cycle waits for the free, then goes in creation order', () => {
    const steps = startOrder([
      container('a-1', 'a', 2, needs('b:service_started:false,gone:service_started:false')),
      container('b-1', 'b', 1, needs('a:service_started:false')),
      container('c-1', 'c', 3, needs('gone:service_started:false')),
    ]);
    expect(ids(steps)).toEqual([['c-1'], ['b-1'], ['a-1']]);
  });
});
