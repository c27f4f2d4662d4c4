import { createRequire } from "node:module";

// The baseline most Node users would start from: an ocpp-rpc server in strict mode (every call
// and answer schema-validated) answering the same actions as Levity, storing nothing.

const require = createRequire(import.meta.url);
const { RPCServer } = require("ocpp-rpc") as {
  RPCServer: new (
    options: object,
  ) => {
    on(
      event: "client",
      listener: (client: { handle(action: string, handler: () => object): void }) => void,
    ): void;
    listen(port: number, host: string): Promise<unknown>;
  };
};

const port = Number(process.argv[2]);
const server = new RPCServer({ protocols: ["ocpp1.6"], strictMode: true });
const now = () => new Date().toISOString();
server.on("client", (client) => {
  client.handle("BootNotification", () => ({
    status: "Accepted",
    interval: 300,
    currentTime: now(),
  }));
  client.handle("Heartbeat", () => ({ currentTime: now() }));
  client.handle("StatusNotification", () => ({}));
  client.handle("MeterValues", () => ({}));
  client.handle("Authorize", () => ({ idTagInfo: { status: "Accepted" } }));
  client.handle("StartTransaction", () => ({
    idTagInfo: { status: "Accepted" },
    transactionId: 1,
  }));
  client.handle("StopTransaction", () => ({ idTagInfo: { status: "Accepted" } }));
});
await server.listen(port, "127.0.0.1");
console.log(`listening on ${port}`);
