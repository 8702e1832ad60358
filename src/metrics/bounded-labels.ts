/** What a label value becomes once its metric has seen as many distinct values as it may keep. */
export const OTHER = 'other';

/**
 * Label values that stay few: a value that is not `shape` is `other`, and once `max` distinct
 * values were seen every new one is `other` too. For values a client chooses (operation names) or
 * that only conventions bound (rules, codes): a scrape must never grow with what clients send.
 */
export function boundedLabel(max: number, shape: RegExp): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (!shape.test(value) || seen.size >= max) return OTHER;
    seen.add(value);
    return value;
  };
}
