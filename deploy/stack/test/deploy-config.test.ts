import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnProcess } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  composeEnvironment,
  localHaproxyConfig,
  localPrometheusConfig,
} from "../src/local-configs.js";
import { repo } from "../src/stack.js";

// Docker cannot run here: the compose stack is validated with each tool's own checker, and each
// image's build step (pnpm deploy --prod) is rehearsed to prove the image would start.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "levity-deploy-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(command: string, args: string[], cwd = repo("")) {
  const child = spawnProcess(command, args, { cwd });
  const status = await child.exited;
  if (status.code === -1) throw new Error(`${command} is not installed (see .ci/run)`);
  return { code: status.code, output: child.output };
}

describe("the compose stack's configuration", () => {
  it.each([
    ["deploy/docker-compose.yml"],
    ["deploy/docker-compose.yml", "deploy/docker-compose.cluster.yml"],
  ])("docker-compose accepts %s", async (...files) => {
    const { code, output } = await run("docker-compose", [
      ...files.flatMap((file) => ["-f", file]),
      "config",
      "-q",
    ]);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("runs two gateway replicas, a demo fleet only in the demo profile, and Grafana without anonymous access", async () => {
    const { output } = await run("docker-compose", [
      "-f",
      "deploy/docker-compose.yml",
      "--profile",
      "demo",
      "config",
    ]);
    expect(output).toMatch(/ocpp-gateway:[\s\S]*?replicas: 2/);
    expect(output).toMatch(/GF_AUTH_ANONYMOUS_ENABLED: ["']false["']/);
    const compose = parse(await readFile(repo("deploy/docker-compose.yml"), "utf8")) as {
      services: Record<string, { profiles?: string[] }>;
    };
    const profiles = Object.fromEntries(
      Object.entries(compose.services).map(([name, service]) => [name, service.profiles ?? []]),
    );
    expect(profiles).toEqual({
      nats: [],
      "ocpp-gateway": [],
      lb: [],
      "metrics-projector": [],
      prometheus: [],
      grafana: [],
      simulator: ["demo"],
    });
  });

  it("gives Prometheus a valid configuration and rules", async () => {
    const { code, output } = await run("promtool", [
      "check",
      "config",
      "deploy/prometheus/prometheus.yml",
    ]);
    // The rules themselves are tested in the grafana package; here, that Prometheus loads them.
    expect(output).toMatch(/SUCCESS: [1-9]\d* rules found/);
    expect(code).toBe(0);
  });

  it("gives HAProxy a valid configuration", async () => {
    const { code, output } = await run("haproxy", ["-c", "-f", "deploy/haproxy/haproxy.cfg"]);
    expect(output).toContain("Configuration file is valid");
    expect(code).toBe(0);
  });

  it.each(["deploy/nats/nats.conf", "deploy/nats/nats-cluster.conf"])(
    "gives NATS a valid configuration in %s (sync_interval, which 2.9 predates, aside)",
    async (path) => {
      const text = await readFile(repo(path), "utf8");
      expect(text).toMatch(/sync_interval: always/);
      const checked = join(dir, "nats.conf");
      await writeFile(checked, text.replace(/^\s*sync_interval:.*$/m, ""));
      const child = spawnProcess("nats-server", ["-t", "-c", checked], {
        env: { ...process.env, SERVER_NAME: "n1" },
      });
      expect((await child.exited).code).toBe(0);
      expect(child.output).toContain("is valid");
    },
  );
});

describe("the local stack's configurations", () => {
  it("turn the compose HAProxy configuration into one HAProxy accepts, pointing at local gateways", async () => {
    const local = localHaproxyConfig(
      await readFile(repo("deploy/haproxy/haproxy.cfg"), "utf8"),
      [
        { ocppPort: 19101, opsPort: 19201, apiPort: 19301 },
        { ocppPort: 19102, opsPort: 19202, apiPort: 19302 },
      ],
      { ocpp: 19000, api: 19080, stats: 18404 },
      5_000,
    );
    expect(local).toContain("server gateway2 127.0.0.1:19102 port 19202");
    expect(local).not.toMatch(/resolvers|server-template|127\.0\.0\.11/);
    expect(local).toContain("bind 127.0.0.1:19000");
    expect(local).toContain("maxconn 5000");
    await writeFile(join(dir, "haproxy.cfg"), local);
    const { code, output } = await run("haproxy", ["-c", "-f", join(dir, "haproxy.cfg")]);
    expect(output).toContain("Configuration file is valid");
    expect(code).toBe(0);
  });

  it("turn the compose Prometheus configuration into one promtool accepts, with static local targets", async () => {
    const local = localPrometheusConfig(
      await readFile(repo("deploy/prometheus/prometheus.yml"), "utf8"),
      {
        "levity-projector": ["127.0.0.1:1"],
        "levity-gateway": ["127.0.0.1:2", "127.0.0.1:3"],
        haproxy: ["127.0.0.1:4"],
      },
      [repo("deploy/prometheus/rules/ocpp-alerts.yml")],
    );
    expect(local).not.toContain("dns_sd_configs");
    await writeFile(join(dir, "prometheus.yml"), local);
    const { code } = await run("promtool", ["check", "config", join(dir, "prometheus.yml")]);
    expect(code).toBe(0);
  });

  it("read each service's environment from the compose file, defaults resolved", async () => {
    const compose = await readFile(repo("deploy/docker-compose.yml"), "utf8");
    expect(composeEnvironment(compose, "ocpp-gateway")).toEqual({
      NATS_URL: "nats://nats:4222",
      HEARTBEAT_INTERVAL: "300",
      LOG_LEVEL: "info",
      CHARGE_POINTS: "/etc/levity/charge-points.yaml",
      API_TOKENS: "/etc/levity/api-tokens.yaml",
      TRUSTED_PROXIES: "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16",
    });
  });
});

describe("each image's build step (pnpm deploy --prod) yields a service that starts", () => {
  it.each([
    ["services/ocpp-gateway/Dockerfile", "@levity/ocpp-gateway", "dist/main.js"],
    ["services/metrics-projector/Dockerfile", "@levity/metrics-projector", "dist/main.js"],
    ["packages/simulator/Dockerfile", "@levity/simulator", "dist/cli/main.js"],
  ])(
    "%s",
    async (dockerfile, pkg, entry) => {
      const text = await readFile(repo(dockerfile), "utf8");
      expect(text).toContain(`pnpm --filter ${pkg} deploy --prod --legacy /app`);
      expect(text).toContain(`"${entry}"`);
      expect(text).toMatch(/^USER node$/m);
      const out = join(dir, pkg.replace(/\W/g, "-"));
      const deployed = await run("pnpm", ["--filter", pkg, "deploy", "--prod", "--legacy", out]);
      expect(deployed.code, deployed.output).toBe(0);
      const help = spawnProcess(process.execPath, [join(out, entry), "--help"]);
      expect((await help.exited).code, help.output).toBe(0);
      expect(help.output).toContain("Usage:");
    },
    120_000,
  );
});
