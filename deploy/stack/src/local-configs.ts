import { parse, stringify } from "yaml";

/** Where one local gateway listens. */
export interface LocalGateway {
  readonly ocppPort: number;
  readonly opsPort: number;
  readonly apiPort: number;
}

/**
 * The compose stack's HAProxy configuration, rewritten for local processes: no Docker DNS, one
 * `server` line per local gateway instead of the DNS `server-template`, loopback binds, and a
 * connection limit within `maxConnections` (HAProxy needs two descriptors per connection).
 */
export function localHaproxyConfig(
  compose: string,
  gateways: readonly LocalGateway[],
  ports: { readonly ocpp: number; readonly api: number; readonly stats: number },
  maxConnections: number,
): string {
  const lines: string[] = [];
  let skipping = false;
  for (const line of compose.split("\n")) {
    if (/^resolvers\s/.test(line)) {
      skipping = true;
      continue;
    }
    if (skipping) {
      if (line.trim() === "" || /^\S/.test(line)) skipping = false;
      else continue;
    }
    const template = /^\s*server-template\s+(\S+)\s+\S+\s+\S+:(\d+)/.exec(line);
    if (template) {
      // The API backend's servers are the gateways' API ports, the others their OCPP ports.
      const api = template[2] === "9080";
      for (const [index, gateway] of gateways.entries()) {
        const port = api ? gateway.apiPort : gateway.ocppPort;
        lines.push(
          `    server ${template[1]}${index + 1} 127.0.0.1:${port} port ${gateway.opsPort}`,
        );
      }
      continue;
    }
    lines.push(
      line
        .replace(/\s+init-addr none/, "")
        .replace(/\s+resolvers docker/, "")
        .replace(/check port \d+/, "check")
        .replace(/^(\s*bind\s+):9000\b/, `$1127.0.0.1:${ports.ocpp}`)
        .replace(/^(\s*bind\s+):9080\b/, `$1127.0.0.1:${ports.api}`)
        .replace(/^(\s*bind\s+):8404\b/, `$1127.0.0.1:${ports.stats}`)
        .replace(/^(\s*maxconn\s+)\d+/, `$1${maxConnections}`),
    );
  }
  return lines.join("\n");
}

interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: unknown[];
}

/**
 * The compose stack's Prometheus configuration, rewritten for local processes: static targets on
 * loopback instead of service names and DNS discovery, the rule files by absolute path, and a
 * shorter scrape interval.
 */
export function localPrometheusConfig(
  compose: string,
  targets: Readonly<Record<string, readonly string[]>>,
  ruleFiles: readonly string[],
  scrapeInterval = "5s",
): string {
  const config = parse(compose) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  // Locally there is no reason to wait 15 s for a first look at a new process.
  config.global = {
    ...config.global,
    scrape_interval: scrapeInterval,
    evaluation_interval: scrapeInterval,
  };
  config.rule_files = [...ruleFiles];
  config.scrape_configs = config.scrape_configs.map((scrape) => {
    const local = targets[scrape.job_name];
    if (!local) throw new Error(`no local targets for the scrape job ${scrape.job_name}`);
    return { job_name: scrape.job_name, static_configs: [{ targets: [...local] }] };
  });
  return stringify(config);
}

/** The environment the compose file gives a service (values with defaults resolved). */
export function composeEnvironment(compose: string, service: string): Record<string, string> {
  const config = parse(compose) as {
    services: Record<string, { environment?: Record<string, string | number> }>;
  };
  const environment = config.services[service]?.environment ?? {};
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, (_match, fallback: string) => fallback),
    ]),
  );
}
