import {
  callErrorFrame,
  callResultFrame,
  OCPP16_ERROR_CODES,
  ocpp16Validator,
  parseFrame,
} from "@levity/ocpp";
import { WebSocketServer } from "ws";

// The floor for any gateway on `ws`: parse the frame, validate the payload against the 1.6
// schema, answer. No sessions, no events, no storage.

const port = Number(process.argv[2]);
const now = () => new Date().toISOString();
const ANSWERS: Record<string, () => object> = {
  BootNotification: () => ({ status: "Accepted", interval: 300, currentTime: now() }),
  Heartbeat: () => ({ currentTime: now() }),
  StatusNotification: () => ({}),
  MeterValues: () => ({}),
};
const server = new WebSocketServer({
  port,
  host: "127.0.0.1",
  perMessageDeflate: false,
  handleProtocols: (offered) => (offered.has("ocpp1.6") ? "ocpp1.6" : false),
});
server.on("connection", (socket) => {
  socket.on("message", (data) => {
    const parsed = parseFrame(data.toString());
    if (!parsed.ok || parsed.frame.kind !== "call") return;
    const { messageId, action, payload } = parsed.frame;
    const violation = ocpp16Validator.validateRequest(action, payload);
    const answer = ANSWERS[action];
    if (violation || !answer) {
      socket.send(
        callErrorFrame(
          messageId,
          OCPP16_ERROR_CODES[violation?.kind ?? "notImplemented"],
          "rejected",
        ),
      );
      return;
    }
    socket.send(callResultFrame(messageId, answer()));
  });
});
server.on("listening", () => console.log(`listening on ${port}`));
