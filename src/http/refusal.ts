import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** A refusal outside GraphQL (downloads, /metrics) in the shape GraphQL's own errors have. */
export function refuse(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
