import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../src/cli.ts';

describe('schema/schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema` after changing src/graphql)', () => {
    const committed = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(
      committed === printedSchema(),
      'schema/schema.graphql is stale: run npm run schema',
    ).toBe(true);
  });

  it('keeps every engine container state apart', () => {
    const enumBlock = /enum ContainerState \{([^}]*)\}/.exec(printedSchema())?.[1] ?? '';
    const values = enumBlock
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^[A-Z]+$/.test(line));
    expect(values.sort()).toEqual(
      ['CREATED', 'DEAD', 'EXITED', 'PAUSED', 'REMOVING', 'RESTARTING', 'RUNNING'].sort(),
    );
  });
});
