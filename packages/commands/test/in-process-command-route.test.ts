import { InProcessCommandRoute } from "../src/index.js";
import { commandRouteContract } from "../src/testing/command-route-contract.js";

commandRouteContract("in-process", async () => {
  const route = new InProcessCommandRoute();
  return { a: route, b: route, dispose: () => route.close() };
});
