/**
 * Sizes of text as it leaves in a JSON answer: a NUL is six bytes there (`\u0000`), a quote two,
 * and non-ASCII its UTF-8 length. Caps on logs and exec output count these bytes, not raw ones.
 */
export function jsonSize(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

function charSize(code: number, lone: boolean): number {
  if (code === 0x22 || code === 0x5c) return 2;
  if (code < 0x20)
    return code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d
      ? 2
      : 6;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (lone) return 6;
  return 3;
}

/** The longest prefix of `text` whose JSON size is at most `room` bytes, and that size. */
export function fitJson(text: string, room: number): { text: string; size: number } {
  const whole = jsonSize(text);
  if (whole <= room) return { text, size: whole };
  let size = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const high = code >= 0xd800 && code <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    const pair = high && next >= 0xdc00 && next <= 0xdfff;
    const lone = !pair && code >= 0xd800 && code <= 0xdfff;
    const cost = pair ? 4 : charSize(code, lone);
    if (size + cost > room) break;
    size += cost;
    i += pair ? 2 : 1;
  }
  return { text: text.slice(0, i), size };
}
