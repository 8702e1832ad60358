import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * POST bodies only as application/json: a page can send a form (urlencoded, multipart) or
 * text/plain to any site without a CORS preflight, JSON it cannot. Runs before CSRF prevention,
 * so such a body gets 415 and not a misleading 403.
 */
export function useJsonBodiesOnly(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST') return;
      const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type === 'application/json') return;
      throw createGraphQLError('POST bodies must be application/json', {
        extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', http: { status: 415 } },
      });
    },
  };
}
