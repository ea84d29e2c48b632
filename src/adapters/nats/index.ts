/** The NATS transport adapter and the generated nats-server used by tests, benches and local runs. */

export { accountsBlock, nodePermissions, reportConsumerOf, reportStreamOf } from "./config.ts";
export { type NatsCredentials, NatsServer, type NatsServerOptions } from "./server.ts";
export { NatsTransport, type NatsTransportOptions } from "./transport.ts";
