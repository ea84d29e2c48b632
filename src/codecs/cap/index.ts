/** CAP 1.2 codec: Triwatch alerts to and from OASIS Common Alerting Protocol documents. */
export { type CapError, type CapParse, capToAlert } from "./decode.ts";
export { alertToCap } from "./encode.ts";
export { CAP_NS } from "./terms.ts";
