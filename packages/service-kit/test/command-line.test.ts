import { describe, expect, it } from "vitest";
import {
  choice,
  flag,
  integer,
  parseCommandLine,
  renderHelp,
  renderOptionsMarkdown,
  text,
  url,
} from "../src/index.js";

const table = {
  port: integer({ env: "TEST_PORT", default: 9000, min: 1, max: 65535, description: "port" }),
  metricsPort: integer({ env: "TEST_METRICS_PORT", default: 9091, description: "metrics port" }),
  name: text({
    env: "TEST_NAME",
    default: "x",
    defaultText: "host name",
    description: "name",
    pattern: /^[a-z]+$/,
  }),
  level: choice(["info", "debug"], { env: "TEST_LEVEL", default: "info", description: "level" }),
  nats: url({
    env: "TEST_NATS",
    default: "nats://a:4222",
    schemes: ["nats"],
    description: "servers",
  }),
  open: flag({ env: "TEST_OPEN", description: "open mode" }),
};

describe("parseCommandLine", () => {
  it("uses defaults, then environment, then flags", () => {
    expect(parseCommandLine(table, [], {})).toEqual({
      ok: true,
      value: {
        kind: "run",
        values: {
          port: 9000,
          metricsPort: 9091,
          name: "x",
          level: "info",
          nats: "nats://a:4222",
          open: false,
        },
      },
    });
    const parsed = parseCommandLine(table, ["--metrics-port=1", "--open"], {
      TEST_PORT: "80",
      TEST_METRICS_PORT: "2",
    });
    expect(parsed).toMatchObject({
      ok: true,
      value: { values: { port: 80, metricsPort: 1, open: true } },
    });
    expect(parseCommandLine(table, [], { TEST_OPEN: "true" })).toMatchObject({
      value: { values: { open: true } },
    });
  });

  it("ignores the leading -- that pnpm forwards", () => {
    expect(parseCommandLine(table, ["--", "--port", "7"], {})).toMatchObject({
      ok: true,
      value: { values: { port: 7 } },
    });
  });

  it("answers --help", () => {
    expect(parseCommandLine(table, ["--help"], {})).toEqual({ ok: true, value: { kind: "help" } });
    expect(parseCommandLine(table, ["-h"], {})).toEqual({ ok: true, value: { kind: "help" } });
  });

  it.each([
    [["--port", "x"], {}, "--port: expected an integer"],
    [["--port", "70000"], {}, "--port: expected 1..65535"],
    [["--port", "1.5"], {}, "--port: expected an integer"],
    [[], { TEST_PORT: "abc" }, "TEST_PORT: expected an integer"],
    [["--level", "loud"], {}, "--level: expected one of info, debug"],
    [["--name", "A1"], {}, "--name: expected"],
    [["--nats", "http://x"], {}, "--nats: expected a nats URL"],
    [["--nats", "nats://a,::"], {}, "--nats: expected a URL"],
    [["--wat"], {}, "unknown option --wat (see --help)"],
    [["stray"], {}, "unexpected argument stray"],
    [["--port"], {}, "needs a value"],
    [[], { TEST_OPEN: "maybe" }, "TEST_OPEN: expected true or false"],
  ])("explains %j %j in one line", (argv, env, message) => {
    const parsed = parseCommandLine(table, argv, env);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toContain(message);
      expect(parsed.error).not.toContain("\n");
    }
  });
});

describe("option documentation", () => {
  it("renders every option with its env var and default", () => {
    const help = renderHelp("svc [options]", "A service.", table);
    expect(help).toContain("--metrics-port <value>");
    expect(help).toContain("[env TEST_NAME, default host name]");
    expect(help).toContain("--open ");
    const markdown = renderOptionsMarkdown(table);
    expect(markdown.split("\n")).toHaveLength(2 + Object.keys(table).length);
    expect(markdown).toContain("| `--port` | `TEST_PORT` | `9000` | port |");
    expect(markdown).toContain("| `--open` | `TEST_OPEN` | `off` | open mode |");
  });
});
