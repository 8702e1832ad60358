import { describe, expect, it } from 'vitest';
import { printedSchema } from '../src/print-schema.ts';

describe('schema/schema.graphql', () => {
  // A stale file fails with a diff; vitest rewrites it only when asked (`npx vitest run -u`).
  it('is the schema the code builds (run `npm run schema` after changing src/graphql)', async () => {
    await expect(
      printedSchema(),
      'schema/schema.graphql is stale: run npm run schema',
    ).toMatchFileSnapshot('../schema/schema.graphql');
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
