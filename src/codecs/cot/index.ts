/** Cursor-on-Target codec: track reports to CoT events, CoT XML both ways, and a TCP stream server. */

export { CotDetail, CotEvent, type CotEventInput, CotPoint, CotTime } from "./event.ts";
export { type CotServer, type CotServerOptions, CotStreamSplitter, createCotServer } from "./server.ts";
export { COT_UNKNOWN_ERROR, type TrackToCotOptions, trackCotType, trackReportToCot } from "./track.ts";
export { type CotError, type CotParse, cotToXml, xmlToCot } from "./xml.ts";
