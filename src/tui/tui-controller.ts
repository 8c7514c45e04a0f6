/**
The running TUI's controller: the FlowStore, the frame clock and the UI's view, glued together for the
App (src/views/app.tsx). Sources push into the store; the clock builds Frames from it and hands them to
the App; the App's actions (filter, pause, mark, export, copy) come back here.
*/
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import type {Flow} from '../flow/flow.js';
import {FilterError} from '../filters/filter-error.js';
import {FilterSyntaxError, parseFilterText} from '../filters/filter-language.js';
import {PolicySet} from '../policy/policy-evaluator.js';
import type {LoadedPolicy} from '../policy/policy-model.js';
import {loadPolicyText} from '../policy/policy-documents.js';
import {otherChangesText, suggestPolicies, type HeldFlow, type SuggestKind, type SuggestionResult} from '../policy/suggest.js';
import {candidatePolicies, WhatIfError} from '../policy/what-if.js';
import {addressPolicy, policyAddress} from '../policy/rule-address.js';
import {policyKey} from '../policy/policy-model.js';
import type {SuggestionView} from '../views/screens/suggest-view.js';
import {FlowStore} from '../store/flow-store.js';
import {FrameClock, RateMeter} from '../store/frame-clock.js';
import {buildFrame, connectionRowKey, type Frame, type PausedSelection, type SourceStatus, type ViewState} from '../store/frame.js';
import type {RawSplitter} from '../store/flow-ring.js';
import type {FilterProblem, TuiController} from '../views/app.js';
import type {FlowDetail} from '../views/detail-lines.js';
import type {ConnectionDetail} from '../views/connection-detail-lines.js';
import {sampleHeldFlows} from '../store/connection-judging.js';
import {sampleFlowDetail, sampleRecord} from '../store/connection-samples.js';
import type {Connection} from '../store/connection-table.js';
import {connectionFilterText} from './connection-filter.js';

export type TuiControllerOptions = {
	capacity: number;
	fps: number;
	color: boolean;
	/** The full flow of a flow's raw bytes (gRPC bytes, or a capture line). */
	decodeFlow: (raw: Uint8Array) => Flow | undefined;
	/** The jsonpb line of a flow's raw bytes, as `hubble observe -o jsonpb` writes it. */
	jsonLine: (raw: Uint8Array) => string | undefined;
	/** Writes to the terminal outside Ink (OSC 52). */
	writeTerminal: (text: string) => void;
	/** Where exports go (the working directory). */
	exportDirectory: string;
	/** Keeps what repeats in raw flows once (gRPC bytes). */
	rawSplitter?: RawSplitter;
	/** The kind of policy `s` suggests (--suggest-kind). */
	suggestKind?: SuggestKind;
	/** Distinct connections kept (--max-connections). */
	connectionCapacity?: number;
	/** What is wrong with the ledger, while it lasts (the header says it). */
	ledgerProblem?: () => string | undefined;
	now?: () => number;
};

/** Denied flows a suggestion looks at, at most (the newest): a policy for more is not read by anyone. */
const maximumSuggestionFlows = 20_000;

/**
The policies the TUI evaluates: `baseline` (--policies), and `candidate` with a what-if (--what-if-*).
`note` is the header's word on them.
*/
export type TuiPolicies = {
	baseline?: PolicySet;
	candidate?: PolicySet;
	note: string;
	/** What the candidate is, for the what-if view (the demo's next stage); flags need none. */
	whatIfTitle?: string;
};

const initialView: ViewState = {
	flowRows: 10,
	scrollTop: undefined,
	policyRows: 5,
	sparklineWidth: 60,
	sinceMark: false,
	showOverview: false,
	filterText: '',
};

export class TuiControllerImpl implements TuiController {
	readonly store: FlowStore;
	readonly color: boolean;
	status: SourceStatus = {label: '', state: 'connecting', reconnects: 0};
	private view: ViewState = initialView;
	private paused: PausedSelection | undefined;
	private markedAt: number | undefined;
	private readonly listeners = new Set<(frame: Frame) => void>();
	private readonly clock: FrameClock;
	private readonly rate = new RateMeter();
	private lastFrame: Frame | undefined;
	private readonly now: () => number;
	private statusVersion = 0;
	private policies: TuiPolicies | undefined;
	/**
	The sets --policies gave, as read (per cluster when each cluster's own were read), and below them the
	suggestions added to the what-if set since (a).
	*/
	private loadedPolicies: {baseline?: PolicySet; candidate?: PolicySet} = {};
	private readonly added: LoadedPolicy[] = [];
	/** Whole rules (by address) deleted from the what-if set in the rules view. */
	private readonly deletedRules: string[] = [];
	/** The note setPolicies was given, before the edits' words. */
	private givenNote = 'policies: 0';
	private givenWhatIfTitle: string | undefined;
	private lastSuggestion: SuggestionResult | undefined;
	private rulesKey = '';
	/** Reads the policies again (R); set when ztop has policies to read. */
	reloadPolicies: (() => Promise<string>) | undefined;

	constructor(private readonly options: TuiControllerOptions) {
		this.store = new FlowStore({
			capacity: options.capacity,
			decodeFlow: options.decodeFlow,
			...(options.rawSplitter ? {rawSplitter: options.rawSplitter} : {}),
			...(options.connectionCapacity ? {connectionCapacity: options.connectionCapacity} : {}),
		});
		this.color = options.color;
		this.now = options.now ?? Date.now;
		this.clock = new FrameClock({
			fps: options.fps,
			version: () => this.store.version + this.statusVersion,
			build: () => this.build(),
			onFrame: frame => {
				this.lastFrame = frame;
				for (const listener of this.listeners) {
					listener(frame);
				}
			},
			now: this.now,
		});
	}

	start(): void {
		this.clock.start();
	}

	stop(): void {
		this.clock.stop();
	}

	/**
	Sets the policies (at start, and when --policies cluster is read again): a what-if candidate is followed
	from the flows the ring holds on.
	*/
	setPolicies(policies: TuiPolicies | undefined): void {
		this.givenNote = policies?.note ?? 'policies: 0';
		this.givenWhatIfTitle = policies?.whatIfTitle;
		this.loadedPolicies = {
			...(policies?.baseline ? {baseline: policies.baseline} : {}),
			...(policies?.candidate ? {candidate: policies.candidate} : {}),
		};
		// Suggestions added with `a` and rules deleted with `d`/`D` stay in the what-if set when the policies are
		// read again (in every cluster's set; a rule is deleted where its policy is).
		const isEdited = this.added.length > 0 || this.deletedRules.length > 0;
		const edited = isEdited
			? (this.loadedPolicies.candidate ?? this.loadedPolicies.baseline ?? new PolicySet([])).map(list =>
					candidatePolicies(list, this.added, this.deletedRules.filter(address => list.some(policy => policyAddress(policy.name) === addressPolicy(address)))),
				)
			: undefined;
		const edits = `${this.added.length > 0 ? ` + ${this.added.length} suggested` : ''}${this.deletedRules.length > 0 ? ` − ${this.deletedRules.length} rule${this.deletedRules.length === 1 ? '' : 's'} deleted` : ''}`;
		this.policies = edited
			? {
					...policies,
					candidate: edited,
					note: `${policies?.note ?? 'policies: 0'}${edits}`,
					// A given title (the demo's "what stage 3 would change, against stage 2") says what the set was before the
					// edits; they follow it, named as the set's, so that they do not read as the baseline's.
					whatIfTitle: policies?.whatIfTitle ? `${policies.whatIfTitle}; its set${edits}` : `${this.loadedPolicies.candidate ? 'the --what-if-* set' : 'the policies'}${edits}`,
				}
			: policies;
		policies = this.policies;
		// The rules of the policies in force are counted; read again unchanged (every 30 s from the cluster),
		// their counts go on, and a changed set starts its own.
		const inForce = this.loadedPolicies.baseline;
		const rulesKey = inForce ? `in force:${inForce.policies.map(policy => `${policy.name.kind}|${policyKey(policy.name)}|${JSON.stringify(policy.source)}`).join('\n')}` : '';
		if (rulesKey !== this.rulesKey) {
			this.rulesKey = rulesKey;
			this.store.setRuleCounting(inForce);
		}

		this.store.setWhatIf(policies?.candidate ? {candidate: policies.candidate, ...(policies.baseline ? {baseline: policies.baseline} : {})} : undefined);
		this.statusVersion++;
		this.refresh();
	}

	/** The ledger's state changed (a write failed, or worked again): the header says so at the next frame. */
	ledgerChanged(): void {
		this.statusVersion++;
	}

	/** The source's state changed (connected, reconnecting, a new label, node counts). */
	setStatus(status: SourceStatus): void {
		this.status = status;
		this.store.overview.setNodes(status.nodes);
		this.statusVersion++;
	}

	onFrame(listener: (frame: Frame) => void): () => void {
		this.listeners.add(listener);
		if (this.lastFrame) {
			listener(this.lastFrame);
		}

		return () => this.listeners.delete(listener);
	}

	setView(view: ViewState): void {
		this.view = view;
		this.refresh();
	}

	applyFilter(text: string): FilterProblem | undefined {
		try {
			this.store.setFilter(parseFilterText(text));
			if (text.trim() === '') {
				// Clearing the filter clears a rule's selection too.
				this.store.setRuleFilter(undefined);
			}

		} catch (error) {
			if (error instanceof FilterSyntaxError) {
				return {message: error.message, position: error.position};
			}

			if (error instanceof FilterError) {
				return {message: error.message, position: 0};
			}

			throw error;
		}

		if (this.paused) {
			// A new filter while paused shows its selection frozen at this moment.
			this.paused = this.snapshot();
		}

		this.refresh();
		return undefined;
	}

	pause(): void {
		this.paused ??= this.snapshot();
		this.refresh();
	}

	resume(): void {
		this.paused = undefined;
		this.refresh();
	}

	mark(): void {
		this.store.mark();
		this.markedAt = this.now();
		this.refresh();
	}

	detail(sequence: number): FlowDetail {
		const raw = this.store.raw(sequence);
		const record = this.store.record(sequence);
		const flow = this.store.flow(sequence);
		const input = record ? {record, fullFlow: () => flow} : undefined;
		const {baseline, candidate} = this.policies ?? {};
		const evaluation =
			input && (baseline || candidate) ? {...(baseline ? {now: baseline.evaluate(input)} : {}), ...(candidate ? {after: candidate.evaluate(input)} : {})} : undefined;
		const cluster = this.store.clusterOfFlow(sequence);
		return {
			sequence,
			record,
			flow,
			...(cluster.endsWith('*') ? {sourceCluster: cluster} : {}),
			attribution: this.store.attribution(sequence),
			json: raw === undefined ? undefined : this.options.jsonLine(raw),
			...(evaluation ? {evaluation} : {}),
		};
	}

	exportView(): string {
		const sequences = this.paused?.sequences ?? this.store.matches();
		const lines: string[] = [];
		for (const sequence of sequences) {
			const raw = this.store.raw(sequence);
			const line = raw === undefined ? undefined : this.options.jsonLine(raw);
			if (line !== undefined) {
				lines.push(line);
			}
		}

		const stamp = new Date(this.now()).toISOString().replaceAll(/[:.]/g, '-');
		const file = path.join(this.options.exportDirectory, `ztop-export-${stamp}.json`);
		try {
			writeFileSync(file, lines.map(line => line + '\n').join(''));
		} catch (error) {
			return `export failed: ${(error as Error).message}`;
		}

		return `exported ${lines.length} flows to ${file} (hubble observe --input-file ${path.basename(file)})`;
	}

	copy(sequence: number): string {
		const raw = this.store.raw(sequence);
		const line = raw === undefined ? undefined : this.options.jsonLine(raw);
		if (line === undefined) {
			return 'that flow is no longer in the buffer';
		}

		// OSC 52: the terminal (or tmux, or the SSH client's terminal) puts it on the clipboard.
		this.options.writeTerminal(`\u001B]52;c;${Buffer.from(line).toString('base64')}\u0007`);
		return `copied flow #${sequence} as JSON (${line.length} bytes) through OSC 52`;
	}

	/** Shows in the flows pane the flows the rule `address` decided (on top of the filter); what to tell the user. */
	filterByRule(address: string): string {
		if (!this.store.rules) {
			return 'rules are counted with --policies';
		}

		this.store.setRuleFilter(address);
		if (this.paused) {
			this.paused = this.snapshot();
		}

		this.refresh();
		return `the flows ${address} decided: ${this.store.matchCount} in the buffer (Esc clears)`;
	}

	/** The drill-down of the connections view's row `key` (undefined when it is no longer there). */
	connectionDetail(key: string): ConnectionDetail | undefined {
		const connection = this.connectionOf(key);
		if (!connection) {
			return undefined;
		}

		const {baseline, candidate} = this.policies ?? {};
		const kinds = connection.samples.map(sample => {
			const record = sampleRecord(sample, connection);
			const input = {record, fullFlow: () => sampleFlowDetail(connection)};
			return {
				request: sample.request?.text,
				flows: sample.flows,
				record,
				...(baseline ? {now: baseline.evaluate(input)} : {}),
				...(candidate ? {after: candidate.evaluate(input)} : {}),
			};
		});
		return {
			key,
			connection,
			isFromLedger: this.store.connections.isRestoredOnly(connection),
			withClusters: this.store.clusterCount > 1,
			kinds,
			filterText: connectionFilterText(connection),
		};
	}

	/** A suggestion admitting the connection `key` (its samples stand for its flows). */
	suggestConnection(key: string): SuggestionView {
		const connection = this.connectionOf(key);
		return this.suggestFlows(connection ? sampleHeldFlows(connection) : [], `connection ${key}`);
	}

	private connectionOf(key: string): Connection | undefined {
		const view = this.view.connections;
		const list = this.store.connectionList(view?.sort ?? 'last-seen', this.view.filterText, this.view.sinceMark, this.now());
		return list.find(connection => connectionRowKey(connection) === key) ?? [...this.store.connections.values()].find(connection => connectionRowKey(connection) === key);
	}

	/** The flows held in the ring, and the ledger's connections this run has not seen, by their samples. */
	private heldFlows(): HeldFlow[] {
		const {start, end} = this.store.heldRange();
		const all: HeldFlow[] = [];
		for (let sequence = start; sequence < end; sequence++) {
			const flow = this.heldFlow(sequence);
			if (flow) {
				all.push(flow);
			}
		}

		for (const connection of this.store.connections.restoredOnlyValues()) {
			all.push(...sampleHeldFlows(connection));
		}

		return all;
	}

	private heldFlow(sequence: number): HeldFlow | undefined {
		const record = this.store.record(sequence);
		return record ? {record, fullFlow: () => this.store.flow(sequence)} : undefined;
	}

	suggest(sequences: readonly number[] | undefined): SuggestionView {
		const chosen = sequences ?? [...(this.paused?.sequences ?? this.store.matches())];
		const flows = chosen.slice(-maximumSuggestionFlows).flatMap(sequence => this.heldFlow(sequence) ?? []);
		if (sequences === undefined) {
			// The view's flows, and the ledger's connections this run has not seen (S judges the whole ledger).
			for (const connection of this.store.connections.restoredOnlyValues()) {
				flows.push(...sampleHeldFlows(connection));
			}
		}

		return this.suggestFlows(flows, sequences?.length === 1 ? `flow #${sequences[0]}` : `${flows.length} flows of the view`);
	}

	private suggestFlows(flows: HeldFlow[], subject: string): SuggestionView {
		const all = this.heldFlows();

		// The set being edited: the what-if candidate (with what was added), else the policies in force.
		// (With each cluster's own policies, all of them together: the suggestion is proven against their union.)
		const baseline = this.policies?.candidate ? [...this.policies.candidate.policies] : this.loadedPolicies.baseline && [...this.loadedPolicies.baseline.policies];
		const kind = this.options.suggestKind ?? 'cnp';
		const result = suggestPolicies({flows, held: all, kind, ...(baseline ? {baseline} : {})});
		this.lastSuggestion = result;
		const targets = result.policies.reduce((total, policy) => total + policy.targets.length, 0);
		const verdict =
			result.policies.length === 0
				? `Nothing to suggest: ${nothingToSuggest(result, kind)}`
				: result.notAdmitted.length > 0
					? `NOT PROVEN: with it applied, ${result.notAdmitted.length} of ${targets} connections stay denied (${result.notAdmitted[0]!.verdict})`
					: `Evaluated ${baseline ? 'on top of the policies' : 'against what Hubble observed'} over ${all.length} held flows: admits ${targets === 1 ? 'the denied connection' : `all ${targets} denied connections`}; ${otherChangesText(result)}`;
		return {
			subject,
			yaml: result.yaml,
			verdict,
			isProven: result.policies.length > 0 && result.notAdmitted.length === 0,
			hasPolicies: result.policies.length > 0,
		};
	}

	writeSuggestion(): string {
		if (!this.lastSuggestion?.policies.length) {
			return 'no suggestion to write';
		}

		const stamp = new Date(this.now()).toISOString().replaceAll(/[:.]/g, '-');
		const file = path.join(this.options.exportDirectory, `ztop-suggestion-${stamp}.yaml`);
		try {
			writeFileSync(file, this.lastSuggestion.yaml);
		} catch (error) {
			return `writing the suggestion failed: ${(error as Error).message}`;
		}

		return `wrote ${this.lastSuggestion.policies.length} polic${this.lastSuggestion.policies.length === 1 ? 'y' : 'ies'} to ${file} (kubectl apply -f ${path.basename(file)})`;
	}

	copySuggestion(): string {
		if (!this.lastSuggestion?.policies.length) {
			return 'no suggestion to copy';
		}

		this.options.writeTerminal(`\u001B]52;c;${Buffer.from(this.lastSuggestion.yaml).toString('base64')}\u0007`);
		return `copied the suggestion (${this.lastSuggestion.yaml.length} bytes) through OSC 52`;
	}

	addSuggestion(): string {
		if (!this.lastSuggestion?.policies.length) {
			return 'no suggestion to add';
		}

		const load = loadPolicyText(this.lastSuggestion.yaml, 'suggestion');
		this.added.push(...load.policies);
		this.lastSuggestion = undefined;
		this.editWhatIf();
		return `added ${load.policies.map(policy => policy.name.name).join(', ')} to the what-if set (w: what it changes)`;
	}

	/**
	Deletes whole rules (ingress/egress items, by address) from the what-if set, as editing the YAML would
	(src/policy/rule-deletion.ts): the what-if view then shows what that breaks, and fixes or opens, over the
	flows held (and the ledger's connections).
	*/
	deleteRules(addresses: readonly string[]): string {
		const baseline = this.loadedPolicies.candidate ?? this.loadedPolicies.baseline;
		if (!baseline) {
			return 'no policies to delete a rule from (start ztop with --policies)';
		}

		const fresh = addresses.filter(address => !this.deletedRules.includes(address));
		if (fresh.length === 0) {
			return addresses.length === 0 ? 'no unused whole rule to delete' : `already deleted in the what-if set: ${addresses.join(', ')}`;
		}

		try {
			// Said now, in the words of --what-if-delete, rather than when the set is made.
			candidatePolicies(baseline.policies, this.added, [...this.deletedRules, ...fresh]);
		} catch (error) {
			if (error instanceof WhatIfError) {
				return error.message.replace(/^--what-if-delete /, 'cannot delete ');
			}

			throw error;
		}

		this.deletedRules.push(...fresh);
		this.editWhatIf();
		return `deleted ${fresh.length === 1 ? fresh[0] : `${fresh.length} unused rules`} in the what-if set (w: what it breaks or opens)`;
	}

	/** Deletes every whole rule the policies in force have counted nothing for (since start), at once. */
	deleteUnusedRules(): string {
		const counting = this.store.rules;
		if (!counting) {
			return 'no policies to delete a rule from (start ztop with --policies)';
		}

		return this.deleteRules(counting.catalog.flatMap(policy => policy.rules).filter(rule => rule.level === 'entry' && counting.hits.of(rule.address) === undefined).map(rule => rule.address));
	}

	/** The what-if set made again with the suggestions added and rules deleted; the baseline stays as it was. */
	private editWhatIf(): void {
		this.setPolicies({
			...(this.loadedPolicies.baseline ? {baseline: this.loadedPolicies.baseline} : {}),
			...(this.loadedPolicies.candidate ? {candidate: this.loadedPolicies.candidate} : {}),
			note: this.givenNote,
			...(this.givenWhatIfTitle ? {whatIfTitle: this.givenWhatIfTitle} : {}),
		});
	}

	private snapshot(): PausedSelection {
		return {sequences: this.store.matches(), matchedAtPause: this.store.matchedTotal};
	}

	/** Rebuilds now (a key press should show at once, not at the next tick). */
	private refresh(): void {
		this.clock.invalidate();
		this.clock.tick();
	}

	private build(): Frame {
		const now = this.now();
		return buildFrame({
			store: this.store,
			source: this.status,
			view: this.view,
			paused: this.paused,
			flowsPerSecond: this.rate.sample(now, this.store.received),
			markedAt: this.markedAt,
			now,
			...(this.policies ? {policyNote: this.policies.note} : {}),
			...(this.policies?.whatIfTitle ? {whatIfTitle: this.policies.whatIfTitle} : {}),
			ledgerProblem: this.options.ledgerProblem?.(),
			deletedRules: this.deletedRules,
		});
	}
}

/** Why a suggestion came out empty, the first reason that applies. */
function nothingToSuggest(result: SuggestionResult, kind: SuggestKind): string {
	if (result.blocked.length > 0) {
		return `${result.blocked.length} blocked by a deny rule (see below)`;
	}

	if (result.unsupported.length > 0) {
		return `${result.unsupported.length} that no ${kind === 'cnp' ? 'CiliumNetworkPolicy' : 'NetworkPolicy'} can name (see below)`;
	}

	if (result.allowedNow.length > 0) {
		const one = result.allowedNow.length === 1;
		return `${one ? 'this flow was' : `${result.allowedNow.length} connections were`} denied when observed, and the policies now allow ${one ? 'it' : 'them'} (they changed since)`;
	}

	return 'no denied flow among them';
}
