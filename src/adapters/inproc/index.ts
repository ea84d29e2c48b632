/** The in-process transport adapter and its time sources. */

export { type Cancel, ManualScheduler, realTimeScheduler, type Scheduler } from "./scheduler.ts";
export { InProcessTransport, type InProcessTransportOptions, type LinkConditions } from "./transport.ts";
