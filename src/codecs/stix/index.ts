/** STIX 2.1 codec: Triwatch intelligence reports to and from STIX bundles. */
export { type StixError, type StixParse, stixToIntelReport } from "./decode.ts";
export { intelReportToStix, StixExportError, type StixExportOptions } from "./encode.ts";
export { stixId, TRIWATCH_STIX_NAMESPACE, uuidV5 } from "./ids.ts";
export {
  LABEL_DEFINITION_TYPE,
  SEISMIC_EXT,
  type StixBundle,
  type StixObject,
  VESSEL_EXT,
} from "./objects.ts";
export { fromStixTime, modelUtc, toStixTime } from "./time.ts";
