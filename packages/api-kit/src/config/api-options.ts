import { integer, optionalText, text } from "@levity/service-kit";

/**
 * The API's options, the same in every service that serves a part of it; `port` is the service's
 * default and `serves` what its API holds, for the help text.
 */
export function apiOptions(port: number, serves: string) {
  return {
    apiPort: integer({
      env: "API_PORT",
      default: port,
      min: 0,
      max: 65535,
      description: `port of the API: ${serves} (only with --api-tokens)`,
    }),
    apiHost: text({
      env: "API_HOST",
      default: "0.0.0.0",
      description: "address the API binds to",
    }),
    apiTokens: optionalText({
      env: "API_TOKENS",
      description:
        "file of the API's bearer tokens, hashed (levity-admin token add manages it); re-read on change. Without it the API is off",
    }),
    apiTlsCert: optionalText({
      env: "API_TLS_CERT",
      description: "serve the API over HTTPS with this certificate (PEM)...",
    }),
    apiTlsKey: optionalText({
      env: "API_TLS_KEY",
      description: "...and this private key (PEM)",
    }),
  };
}
