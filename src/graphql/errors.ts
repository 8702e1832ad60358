import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { WharfError } from '../engine/errors.ts';

function withCode(error: GraphQLError, message: string, code: string): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    extensions: { code },
  });
}

/**
 * Errors that Wharf raised on purpose reach the client with their message and `extensions.code`;
 * the cause, the stack and anything the transport knew (socket path, request) stay on the server.
 * A WharfError passes as it is (graphql's located copy already carries its code and facts), so it
 * keeps its identity for every plugin after the mask. Coded errors from elsewhere (Pothos input
 * validation, scalars) are given their code and their own message. Everything else is yoga's
 * "Unexpected error." with code INTERNAL_SERVER_ERROR.
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const graphqlError = error instanceof GraphQLError ? asGraphqlJsError(error) : undefined;
  const original = graphqlError?.originalError ?? error;
  if (graphqlError && original instanceof WharfError) return graphqlError;
  if (graphqlError && original instanceof PothosValidationError) {
    return withCode(graphqlError, original.message, 'BAD_USER_INPUT');
  }
  if (original instanceof GraphQLError && typeof original.extensions.code === 'string') {
    return graphqlError && graphqlError !== original
      ? withCode(graphqlError, original.message, original.extensions.code)
      : original;
  }
  return yogaMaskError(error, message, isDev);
}

/**
 * Queries run compiled by graphql-jit (src/compiled-queries.ts), whose errors carry `locations`
 * without the `nodes` they come from: graphql-ws would print them and yoga's HTTP answers would
 * not. Rebuilt as graphql-js makes them, an error has one shape on every transport.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  if (error.nodes || !error.locations) return error;
  return new GraphQLError(error.message, {
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: error.extensions,
  });
}
