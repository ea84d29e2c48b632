/**
 * Public surface of the audit core: the append-only Merkle log (RFC 9162 hashing and proofs), audit
 * records and their canonical bytes, signed tree heads, and the checks partners and auditors run.
 */

export {
  AuditError,
  EMPTY_ROOT,
  equalBytes,
  fromHex,
  HASH_SIZE,
  leafHash,
  nodeHash,
  sha256,
  toHex,
} from "./hash.ts";
export {
  fromBase64,
  type HeadCheck,
  type HeadFailure,
  SignedTreeHead,
  signTreeHead,
  TREE_HEAD_CONTEXT,
  TreeHead,
  toBase64,
  treeHeadOf,
  treeHeadSigningBytes,
  verifyTreeHead,
} from "./head.ts";
export { canonicalBytes, canonicalJson, type JsonValue } from "./jcs.ts";
export { type Misbehaviour, type Observation, type ObservationProblem, PartnerView } from "./partner.ts";
export {
  type ProofCheck,
  type ProofFailure,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from "./proof.ts";
export {
  AUDIT_BUNDLE_RECORD_VERSION,
  AUDIT_RECORD_VERSION,
  AuditKind,
  AuditOutcome,
  AuditReason,
  AuditRecord,
  type DecisionContext,
  type DecisionSummary,
  type DecodedRecord,
  decisionRecord,
  decodeRecord,
  encodeRecord,
  ItemDigest,
  itemDigest,
  UtcTime,
} from "./record.ts";
export { HashArray, type LeafHashStore, MemoryLeafHashStore } from "./store.ts";
export { MAX_TREE_SIZE, MerkleLog, splitPoint } from "./tree.ts";
export {
  firstDivergence,
  type LogCheck,
  type LogFailure,
  logOfRecords,
  proofFromBase64,
  verifyHeadConsistency,
  verifyLog,
  verifyRecordInclusion,
} from "./verify.ts";
