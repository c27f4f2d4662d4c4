// A charge point for tests and tools: a real WebSocket client speaking OCPP-J.
export { HandshakeRefused, type OcppClientOptions, OcppTestClient } from "./ocpp-test-client.js";
