/**
The fixed-capacity flow buffer (`--buffer`, default 100 000). Flows are named by a sequence number that
only grows, so a selection survives eviction: asking for an evicted flow answers undefined ("evicted"),
never a different flow. Each slot keeps the compact record and, when there is one, the raw bytes for a
lazy drill-down.

Slots are columns, not objects: numbers in typed arrays, strings and shared lists (interned by the
decoder) as references. A FlowRecord object costs about 400 bytes on a 64-bit heap; its columns cost
about 250 (40 in typed arrays, 26 references), and the garbage collector traces one array per column
instead of 100 000 objects. Raw bytes are copied into slabs (byte-slabs.ts): a slot keeps where they are.
With a RawSplitter (gRPC flows), what repeats from flow to flow — endpoints, policy lists — is kept once
(part-interner.ts) and the slab holds only the rest: about a third of a flow's bytes.
get() builds the record on demand: the UI asks for the few dozen rows it shows.
*/
import {newFlowRecord, type FlowRecord, type PolicyRecord, type WorkloadRecord} from '../flow/flow-record.js';
import {objectId} from '../flow/object-id.js';
import {ByteSlabs} from './byte-slabs.js';
import {PartInterner} from './part-interner.js';
import {SharedTuples} from './shared-tuples.js';

type EndpointTuple = readonly [podName: string, namespace: string, clusterName: string, labels: readonly string[], workloads: readonly WorkloadRecord[]];
type PolicyTuple = readonly [egressAllowedBy: readonly PolicyRecord[], ingressAllowedBy: readonly PolicyRecord[], egressDeniedBy: readonly PolicyRecord[], ingressDeniedBy: readonly PolicyRecord[]];

/**
A raw flow split: the residual in `residual[0, residualLength)`, part `i` in
`partBytes[i][partStart[i], partEnd[i])` or absent when `partEnd[i]` is 0. The splitter reuses it.
*/
export type SplitParts = {
	readonly residual: Uint8Array;
	readonly residualLength: number;
	readonly partBytes: ReadonlyArray<Uint8Array | undefined>;
	readonly partStart: Int32Array;
	readonly partEnd: Int32Array;
};

/** Splits raw flows into a residual and parts that repeat, and joins them again (src/stream/flow-bytes.ts). */
export type RawSplitter = {
	partCount: number;
	/** The split of `raw`, valid until the next call; undefined when it cannot be split (kept whole). */
	split(raw: Uint8Array): SplitParts | undefined;
	join(residual: Uint8Array, parts: ReadonlyArray<Uint8Array | undefined>): Uint8Array;
};

type References<Item> = Array<Item | undefined>;

export class FlowRing {
	// Numbers. Enums and event types are small (uint16 is ample); identities are uint32, ports uint16.
	private readonly timeSeconds: Float64Array;
	private readonly timeNanos: Uint32Array;
	private readonly verdict: Uint16Array;
	private readonly dropReason: Uint16Array;
	private readonly eventType: Uint16Array;
	private readonly eventSubType: Uint16Array;
	private readonly flowType: Uint8Array;
	private readonly trafficDirection: Uint8Array;
	private readonly policyMatchType: Uint16Array;
	// is_reply + 1: 0 unknown, 1 request, 2 reply.
	private readonly isReply: Uint8Array;
	private readonly sourcePort: Uint16Array;
	private readonly destinationPort: Uint16Array;
	private readonly sourceIdentity: Uint32Array;
	private readonly destinationIdentity: Uint32Array;
	private readonly l7Type: Uint8Array;
	private readonly httpCode: Uint16Array;
	// A canonical uuid's four words per slot, and whether the slot's uuid is in them (else in `uuid`).
	private readonly uuidWords: Uint32Array;
	private readonly isUuidInWords: Uint8Array;
	// References (interned strings and shared lists: one pointer each).
	private readonly nodeName: References<string>;
	// An endpoint's namespace, pod, cluster, labels and workloads, and the four policy lists: shared tuples.
	private readonly sourceEndpoint: References<EndpointTuple>;
	private readonly destinationEndpoint: References<EndpointTuple>;
	private readonly policies: References<PolicyTuple>;
	private readonly endpointTuples = new SharedTuples<EndpointTuple>();
	private readonly policyTuples = new SharedTuples<PolicyTuple>();
	private readonly uuid: References<string>;
	private readonly sourceIp: References<string>;
	private readonly destinationIp: References<string>;
	private readonly protocol: References<string>;
	private readonly sourceNames: References<readonly string[]>;
	private readonly destinationNames: References<readonly string[]>;
	private readonly l7Protocol: References<string>;
	private readonly httpMethod: References<string>;
	private readonly httpUrl: References<string>;
	private readonly dnsQuery: References<string>;
	// Where a slot's raw bytes are in the slabs; rawLength is the length + 1 (0: no raw bytes).
	private readonly rawSlab: Uint32Array;
	private readonly rawOffset: Uint32Array;
	private readonly rawLength: Uint32Array;
	private readonly slabs = new ByteSlabs();
	// Per part of a split raw flow, the slot's part numbers (0: none, or not split).
	private readonly partIds: Uint32Array[];
	private readonly interner = new PartInterner();
	private readonly splitter: RawSplitter | undefined;
	private nextSequence = 0;
	private readonly scratchEndpoint: unknown[] = [undefined, undefined, undefined, undefined, undefined];
	private readonly scratchPolicies: Array<readonly PolicyRecord[]> = [[], [], [], []];

	constructor(
		readonly capacity = 100_000,
		splitter?: RawSplitter,
	) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`ring capacity must be a positive whole number, got ${capacity}`);
		}

		this.timeSeconds = new Float64Array(capacity);
		this.timeNanos = new Uint32Array(capacity);
		this.verdict = new Uint16Array(capacity);
		this.dropReason = new Uint16Array(capacity);
		this.eventType = new Uint16Array(capacity);
		this.eventSubType = new Uint16Array(capacity);
		this.flowType = new Uint8Array(capacity);
		this.trafficDirection = new Uint8Array(capacity);
		this.policyMatchType = new Uint16Array(capacity);
		this.isReply = new Uint8Array(capacity);
		this.sourcePort = new Uint16Array(capacity);
		this.destinationPort = new Uint16Array(capacity);
		this.sourceIdentity = new Uint32Array(capacity);
		this.destinationIdentity = new Uint32Array(capacity);
		this.l7Type = new Uint8Array(capacity);
		this.httpCode = new Uint16Array(capacity);
		this.uuidWords = new Uint32Array(capacity * 4);
		this.isUuidInWords = new Uint8Array(capacity);
		const references = <Item>(): References<Item> => Array.from<Item | undefined>({length: capacity});
		this.nodeName = references();
		this.sourceEndpoint = references();
		this.destinationEndpoint = references();
		this.policies = references();
		this.uuid = references();
		this.sourceIp = references();
		this.destinationIp = references();
		this.protocol = references();
		this.sourceNames = references();
		this.destinationNames = references();
		this.l7Protocol = references();
		this.httpMethod = references();
		this.httpUrl = references();
		this.dnsQuery = references();
		this.rawSlab = new Uint32Array(capacity);
		this.rawOffset = new Uint32Array(capacity);
		this.rawLength = new Uint32Array(capacity);
		this.splitter = splitter;
		this.partIds = Array.from({length: splitter?.partCount ?? 0}, () => new Uint32Array(capacity));
	}

	/** Bytes the raw flows take: slabs and shared parts. */
	get rawBytes(): number {
		return this.slabs.heldBytes + this.interner.heldBytes;
	}

	/** The oldest sequence number still held (equal to `end` when empty). */
	get start(): number {
		return Math.max(0, this.nextSequence - this.capacity);
	}

	/** One past the newest sequence number. */
	get end(): number {
		return this.nextSequence;
	}

	get size(): number {
		return this.end - this.start;
	}

	/** Adds a flow; returns its sequence number. A full ring pushes out the flow `capacity` before it. */
	push(record: FlowRecord, raw?: Uint8Array): number {
		const sequence = this.nextSequence++;
		const slot = sequence % this.capacity;
		this.timeSeconds[slot] = record.timeSeconds;
		this.timeNanos[slot] = record.timeNanos;
		this.verdict[slot] = record.verdict;
		this.dropReason[slot] = record.dropReason;
		this.eventType[slot] = record.eventType;
		this.eventSubType[slot] = record.eventSubType;
		this.flowType[slot] = record.flowType;
		this.trafficDirection[slot] = record.trafficDirection;
		this.policyMatchType[slot] = record.policyMatchType;
		this.isReply[slot] = record.isReply + 1;
		this.sourcePort[slot] = record.sourcePort;
		this.destinationPort[slot] = record.destinationPort;
		this.sourceIdentity[slot] = record.sourceIdentity;
		this.destinationIdentity[slot] = record.destinationIdentity;
		this.l7Type[slot] = record.l7Type;
		this.httpCode[slot] = record.httpCode;
		this.nodeName[slot] = record.nodeName;
		this.sourceEndpoint[slot] = this.sharedEndpoint(record.sourcePodName, record.sourceNamespace, record.sourceClusterName, record.sourceLabels, record.sourceWorkloads);
		this.destinationEndpoint[slot] = this.sharedEndpoint(
			record.destinationPodName,
			record.destinationNamespace,
			record.destinationClusterName,
			record.destinationLabels,
			record.destinationWorkloads,
		);
		// Looked up through a scratch array, as endpoints are: share() copies it only when it is new.
		const lists = this.scratchPolicies;
		lists[0] = record.egressAllowedBy;
		lists[1] = record.ingressAllowedBy;
		lists[2] = record.egressDeniedBy;
		lists[3] = record.ingressDeniedBy;
		const policyKey = lists.find(list => list.length > 0) ?? lists[0];
		this.policies[slot] = this.policyTuples.share(policyKey, lists as unknown as PolicyTuple);
		this.uuid[slot] = record.uuid;
		this.isUuidInWords[slot] = record.isUuidInWords ? 1 : 0;
		const words = slot * 4;
		this.uuidWords[words] = record.uuidWord0;
		this.uuidWords[words + 1] = record.uuidWord1;
		this.uuidWords[words + 2] = record.uuidWord2;
		this.uuidWords[words + 3] = record.uuidWord3;
		this.sourceIp[slot] = record.sourceIp;
		this.destinationIp[slot] = record.destinationIp;
		this.protocol[slot] = record.protocol;
		this.sourceNames[slot] = record.sourceNames;
		this.destinationNames[slot] = record.destinationNames;
		this.l7Protocol[slot] = record.l7Protocol;
		this.httpMethod[slot] = record.httpMethod;
		this.httpUrl[slot] = record.httpUrl;
		this.dnsQuery[slot] = record.dnsQuery;
		for (const ids of this.partIds) {
			this.interner.release(ids[slot]!);
			ids[slot] = 0;
		}

		if (raw) {
			const split = this.splitter?.split(raw);
			if (split) {
				for (let index = 0; index < this.partIds.length; index++) {
					const end = split.partEnd[index]!;
					if (end > 0) {
						// Candidates are looked for under what the part encodes: a pod's endpoint (its shared tuple), or
						// a policy list (its policies' names). Keyed by identity or by which list, a workload of more
						// replicas, or more policy lists than the interner remembers per key, made a copy per flow.
						const key = index === 0 ? objectId(this.sourceEndpoint[slot]!) : index === 1 ? objectId(this.destinationEndpoint[slot]!) : policyListKey(lists[index - 2]!, index);
						this.partIds[index]![slot] = this.interner.intern(key, split.partBytes[index]!, split.partStart[index]!, end);
					}
				}
			}

			const stored = split ? split.residual : raw;
			const length = split ? split.residualLength : raw.length;
			const location = this.slabs.append(sequence, stored, length);
			this.rawSlab[slot] = location.slab;
			this.rawOffset[slot] = location.offset;
			this.rawLength[slot] = length + 1;
		} else {
			this.rawLength[slot] = 0;
		}

		this.slabs.release(this.start);
		return sequence;
	}

	/** The shared tuple of an endpoint, looked up through a scratch array: share() copies one only when it is new. */
	private sharedEndpoint(podName: string, namespace: string, clusterName: string, labels: readonly string[], workloads: readonly WorkloadRecord[]): EndpointTuple {
		const endpoint = this.scratchEndpoint;
		endpoint[0] = podName;
		endpoint[1] = namespace;
		endpoint[2] = clusterName;
		endpoint[3] = labels;
		endpoint[4] = workloads;
		return this.endpointTuples.share(podName || labels, endpoint as unknown as EndpointTuple);
	}

	/** The record of `sequence` (a new object each time), or undefined once it was evicted (or never existed). */
	get(sequence: number): FlowRecord | undefined {
		return this.holds(sequence) ? this.read(sequence % this.capacity) : undefined;
	}

	/**
	The record of a held flow written into `target` (a scratch record the caller reuses: a scan of the ring reads
	100,000 of them and keeps none), or undefined.
	*/
	getInto(sequence: number, target: FlowRecord): FlowRecord | undefined {
		return this.holds(sequence) ? this.readInto(sequence % this.capacity, target) : undefined;
	}

	/** The raw bytes of a held flow: possibly a view valid until the next push (decode it at once). */
	raw(sequence: number): Uint8Array | undefined {
		if (!this.holds(sequence)) {
			return undefined;
		}

		const slot = sequence % this.capacity;
		const length = this.rawLength[slot]!;
		if (length === 0) {
			return undefined;
		}

		const stored = this.slabs.view(this.rawSlab[slot]!, this.rawOffset[slot]!, length - 1);
		if (!this.splitter || this.partIds.every(ids => ids[slot] === 0)) {
			return stored;
		}

		return this.splitter.join(
			stored,
			this.partIds.map(ids => this.interner.get(ids[slot]!)),
		);
	}

	/** A port straight from its column (index scans read ports without building records). */
	port(sequence: number, side: 'source' | 'destination'): number {
		const slot = sequence % this.capacity;
		return side === 'source' ? this.sourcePort[slot]! : this.destinationPort[slot]!;
	}

	/** The L4 protocol of a held flow, from its column. */
	protocolOf(sequence: number): string {
		return this.protocol[sequence % this.capacity] ?? '';
	}

	holds(sequence: number): boolean {
		return Number.isInteger(sequence) && sequence >= this.start && sequence < this.end;
	}

	private read(slot: number): FlowRecord {
		return this.readInto(slot, newFlowRecord());
	}

	/** Fills `target` with the record of a slot (eviction reuses one object: a full ring evicts at every push). */
	private readInto(slot: number, target: FlowRecord): FlowRecord {
		// Tuples by index: destructuring them allocated an iterator each, three a flow.
		const source = this.sourceEndpoint[slot]!;
		const destination = this.destinationEndpoint[slot]!;
		const policies = this.policies[slot]!;
		target.sourcePodName = source[0];
		target.sourceNamespace = source[1];
		target.sourceClusterName = source[2];
		target.sourceLabels = source[3];
		target.sourceWorkloads = source[4];
		target.destinationPodName = destination[0];
		target.destinationNamespace = destination[1];
		target.destinationClusterName = destination[2];
		target.destinationLabels = destination[3];
		target.destinationWorkloads = destination[4];
		target.egressAllowedBy = policies[0];
		target.ingressAllowedBy = policies[1];
		target.egressDeniedBy = policies[2];
		target.ingressDeniedBy = policies[3];
		target.kind = 'flow';
		target.timeSeconds = this.timeSeconds[slot]!;
		target.timeNanos = this.timeNanos[slot]!;
		target.nodeName = this.nodeName[slot]!;
		target.uuid = this.uuid[slot]!;
		target.isUuidInWords = this.isUuidInWords[slot] === 1;
		const words = slot * 4;
		target.uuidWord0 = this.uuidWords[words]!;
		target.uuidWord1 = this.uuidWords[words + 1]!;
		target.uuidWord2 = this.uuidWords[words + 2]!;
		target.uuidWord3 = this.uuidWords[words + 3]!;
		target.verdict = this.verdict[slot]!;
		target.dropReason = this.dropReason[slot]!;
		target.eventType = this.eventType[slot]!;
		target.eventSubType = this.eventSubType[slot]!;
		target.flowType = this.flowType[slot]!;
		target.trafficDirection = this.trafficDirection[slot]!;
		target.policyMatchType = this.policyMatchType[slot]!;
		target.isReply = this.isReply[slot]! - 1;
		target.sourceIp = this.sourceIp[slot]!;
		target.destinationIp = this.destinationIp[slot]!;
		target.protocol = this.protocol[slot]!;
		target.sourcePort = this.sourcePort[slot]!;
		target.destinationPort = this.destinationPort[slot]!;
		target.sourceIdentity = this.sourceIdentity[slot]!;
		target.destinationIdentity = this.destinationIdentity[slot]!;
		target.sourceNames = this.sourceNames[slot]!;
		target.destinationNames = this.destinationNames[slot]!;
		target.l7Type = this.l7Type[slot]!;
		target.l7Protocol = this.l7Protocol[slot]!;
		target.httpCode = this.httpCode[slot]!;
		target.httpMethod = this.httpMethod[slot]!;
		target.httpUrl = this.httpUrl[slot]!;
		target.dnsQuery = this.dnsQuery[slot]!;
		return target;
	}
}

/**
A key for a policy list part, from its policies' names (negative: apart from endpoints' keys). Names, not the
records' identities: a capture's records are not shared between flows the way the gRPC decoder's are.
*/
function policyListKey(list: readonly PolicyRecord[], index: number): number {
	let key = index;
	for (const policy of list) {
		key = hashText(hashText(key, policy.namespace), policy.name);
	}

	return -(key & 0x3f_ff_ff_ff) - 1;
}

function hashText(seed: number, text: string): number {
	let hash = seed ^ 0x81_1c_9d_c5;
	for (let index = 0; index < text.length; index++) {
		hash = Math.imul(hash ^ text.charCodeAt(index), 0x01_00_01_93);
	}

	return hash;
}
