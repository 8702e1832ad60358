/**
 * Credentials for one registry, as the engine takes them in `X-Registry-Auth`: a user and
 * password, or an identity token (OAuth refresh token) from a credential helper.
 */
export type RegistryAuth =
  | { username: string; password: string; serveraddress: string }
  | { identitytoken: string; serveraddress: string };

/**
 * The header for a call that may reach a registry. Without credentials it still carries `{}`:
 * a push without the header is refused by the engine ("missing X-Registry-Auth").
 * The engine decodes it as padded base64url JSON (Go's base64.URLEncoding).
 */
export function registryAuthHeader(auth: RegistryAuth | undefined): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(auth ?? {}))
    .toString('base64')
    .replaceAll('+', '-')
    .replaceAll('/', '_');
  return { 'x-registry-auth': encoded };
}
