/** The envelope layer's public surface: originator proofs, link channels, sealing and opening envelopes. */
export { strictBase64url } from "./base64url.ts";
export {
  answerHandshake,
  finishHandshake,
  type HandshakeFailure,
  type HandshakeOptions,
  LinkChannel,
  linkId,
  type PendingHandshake,
  startHandshake,
} from "./channel.ts";
export {
  compareLabels,
  createReceiver,
  type EntryArgs,
  type HopArgs,
  openEnvelope,
  openFrame,
  type Receiver,
  relayEnvelope,
  relayFrame,
  type SealArgs,
  sealEnvelope,
  sealFrame,
} from "./envelope.ts";
export { HOP_TYP, openHop, readHop, sealHop } from "./hop.ts";
export { batchTree, includedUnder, inclusionProblem } from "./inclusion.ts";
export { checkMarking, compareShownLabel, LabelCache, type MarkingRules } from "./labels.ts";
export {
  assembleBundle,
  bundledTrackJson,
  makeBundle,
  makeRelease,
  OriginatorVerifier,
  type ReleaseBytes,
  signBatch,
  signReport,
} from "./originator.ts";
export { ReleaseReplayGuard } from "./replay.ts";
export {
  BatchHeader,
  BatchProof,
  BundledTrack,
  BundleHead,
  bundleId,
  EnvelopeBody,
  type EnvelopeEntry,
  EnvelopeMarking,
  type FrameResult,
  type Hop,
  type HopClass,
  HopHeader,
  MAX_BUNDLE_TRACKS,
  type Opened,
  type OpenResult,
  OriginatorProof,
  type Rejected,
  type RejectReason,
  RelayedRelease,
  Release,
  ReleaseHead,
  ReportProof,
  TrackBundle,
  TrackHead,
  WireEntry,
} from "./schema.ts";
