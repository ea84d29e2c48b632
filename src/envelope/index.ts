/** The envelope layer's public surface: originator proofs, link channels, sealing and opening envelopes. */
export { CanonicalJsonError, canonicalBytes, canonicalJson } from "./canonical.ts";
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
  openEnvelope,
  type Receiver,
  relayEnvelope,
  type SealArgs,
  sealEnvelope,
} from "./envelope.ts";
export { buildMerkleTree, leafHash, type MerkleTree, nodeHash, rootFromInclusionProof } from "./merkle.ts";
export {
  BatchWindow,
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
  Envelope,
  EnvelopeMarking,
  type Opened,
  type OpenResult,
  OriginatorProof,
  type Rejected,
  type RejectReason,
  Release,
  ReportProof,
} from "./schema.ts";
