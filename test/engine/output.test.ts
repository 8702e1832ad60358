import { describe, expect, it } from 'vitest';
import { OutputDecoder, StreamText } from '../../src/engine/decode/output.ts';
import { frame } from '../helpers/fake-client.ts';

function stdinFrame(payload: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, Buffer.from(payload)]);
}

const chunks = (decoder: OutputDecoder, bytes: Buffer) =>
  decoder.push(bytes).map(({ stream, data }) => [stream, data.toString()]);

describe('OutputDecoder', () => {
  it('tags multiplexed frames with their stream, drops stdin, and keeps a frame cut between reads', () => {
    const decoder = new OutputDecoder('multiplexed');
    const bytes = Buffer.concat([
      frame(1, 'out'),
      stdinFrame('in'),
      frame(2, 'err'),
      frame(1, 'late'),
    ]);
    const cut = bytes.length - 3;
    expect(chunks(decoder, bytes.subarray(0, cut))).toEqual([
      ['stdout', 'out'],
      ['stderr', 'err'],
    ]);
    expect(chunks(decoder, bytes.subarray(cut))).toEqual([['stdout', 'late']]);
    expect(() => decoder.end()).not.toThrow();
  });

  it('passes a raw (TTY) body through as stdout, read by read', () => {
    const decoder = new OutputDecoder('raw');
    expect(chunks(decoder, Buffer.from('\u0001\u0000anything'))).toEqual([
      ['stdout', '\u0001\u0000anything'],
    ]);
    expect(() => decoder.end()).not.toThrow();
  });

  it('fails at the end of a body cut inside a frame', () => {
    const decoder = new OutputDecoder('multiplexed');
    expect(chunks(decoder, frame(1, 'cut').subarray(0, 9))).toEqual([]);
    expect(() => decoder.end()).toThrow(expect.objectContaining({ code: 'STREAM_DECODE_ERROR' }));
  });
});

describe('StreamText', () => {
  it('decodes UTF-8 per stream: a character cut on one stream is not spoilt by the other', () => {
    const text = new StreamText();
    const euro = Buffer.from('€');
    expect(text.write('stdout', euro.subarray(0, 1))).toBe('');
    expect(text.write('stderr', Buffer.from('e'))).toBe('e');
    expect(text.write('stdout', euro.subarray(1))).toBe('€');
    expect(text.write('stderr', euro.subarray(0, 2))).toBe('');
    expect(text.end('stderr')).toBe('\ufffd');
  });

  it('decodes from an offset, before and after a character cut between chunks', () => {
    const text = new StreamText();
    const euro = Buffer.from('€');
    expect(text.write('stdout', Buffer.from('TS one\n'), 3)).toBe('one\n');
    expect(text.write('stdout', Buffer.concat([Buffer.from('TS '), euro.subarray(0, 2)]), 3)).toBe(
      '',
    );
    expect(text.write('stdout', Buffer.from([...euro.subarray(2), 0x0a]))).toBe('€\n');
    expect(text.write('stdout', Buffer.from('TS two\n'), 3)).toBe('two\n');
    expect(text.write('stdout', Buffer.from('TS '), 3)).toBe('');
  });
});
