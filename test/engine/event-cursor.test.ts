import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../src/engine/errors.ts';
import { decodeCursor, encodeCursor } from '../../src/engine/event-hub.ts';
import { eventKey } from '../../src/engine/events.ts';
import type { EventMessage } from '../../src/engine/types.ts';

function event(
  Type: string,
  Action: string,
  ID: string,
  timeNano = 1_764_290_627_612_152_151n,
): EventMessage {
  return { Type, Action, Actor: { ID, Attributes: {} }, time: 0, timeNano };
}

const cursorOf = (text: string) => Buffer.from(text).toString('base64url');

describe('event cursors', () => {
  const roundTrips: [string, EventMessage][] = [
    ['a container event', event('container', 'start', 'c0ffee')],
    ['an exec command with |', event('container', 'exec_start: sh -c echo a|tr a b', 'c0ffee')],
    ['an exec command of | only', event('container', 'exec_create: |||', 'c0ffee')],
    ['an actor without id', event('daemon', 'reload', '')],
    ['an image ref with : and @', event('image', 'pull', 'busybox@sha256:abc')],
    ['nanos past 2^53', event('network', 'create', 'n1', 9_007_199_254_740_993n)],
    ['nanos past 2^63', event('volume', 'create', 'v', 18_446_744_073_709_551_615n)],
  ];

  for (const [what, message] of roundTrips) {
    it(`round-trips ${what}`, () => {
      const cursor = encodeCursor('local', message);
      expect(cursor).toMatch(/^[\w-]+$/);
      expect(decodeCursor('local', cursor)).toEqual({
        nanos: message.timeNano,
        key: eventKey(message),
      });
    });
  }

  const refused: [string, string][] = [
    ['another engine', encodeCursor('other', event('container', 'start', 'c0ffee'))],
    ['an engine name that only starts alike', cursorOf('localhost|1|container|start|c')],
    ['garbage', 'garbage'],
    ['nothing', ''],
    ['characters outside base64url', '%%%'],
    ['no nanos', cursorOf('local||container|start|c')],
    ['nanos that are not digits', cursorOf('local|12a|container|start|c')],
    ['negative nanos', cursorOf('local|-1|container|start|c')],
    ['21 digits of nanos', cursorOf(`local|${'9'.repeat(21)}|container|start|c`)],
    ['a key short of its actor', cursorOf('local|1|container|start')],
    ['the engine name alone', cursorOf('local')],
  ];

  for (const [what, cursor] of refused) {
    it(`refuses ${what} with BAD_USER_INPUT`, () => {
      expect(() => decodeCursor('local', cursor)).toThrow(BadUserInputError);
    });
  }

  it('takes 20 digits of nanos exactly', () => {
    const nanos = '9'.repeat(20);
    expect(decodeCursor('local', cursorOf(`local|${nanos}|container|start|c`))).toEqual({
      nanos: BigInt(nanos),
      key: `${nanos}|container|start|c`,
    });
  });
});
