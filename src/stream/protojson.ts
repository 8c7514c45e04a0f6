/**
protojson for ztop's Hubble messages, driven by the proto schema: reads JSON with proto field names or
lowerCamelCase, enums by name or number, 64-bit integers as strings or numbers, and returns the
canonical object that `hubble observe -o jsonpb` would print (see src/flow/flow.ts). Because the
canonical object's keys are already in declaration order and its values already in protojson form,
JSON.stringify of it is byte-for-byte Go's `protojson.MarshalOptions{UseProtoNames: true}` output.
*/
import protobuf from 'protobufjs';
import {formatTimestamp, parseTimestamp} from '../flow/timestamp.js';

export class ProtoJsonError extends Error {
	constructor(
		readonly path: string,
		readonly reason: string,
	) {
		super(`${path}: ${reason}`);
		this.name = 'ProtoJsonError';
	}
}

export type CanonicalMessage = Record<string, unknown>;

export type ReadOptions = {
	/** Called once per unknown field; the field is dropped, as hubble does after its warning. */
	onUnknownField?: (path: string) => void;
};

const int32Types = new Set(['int32', 'sint32', 'sfixed32']);
const uint32Types = new Set(['uint32', 'fixed32']);
const int64Types = new Set(['int64', 'sint64', 'sfixed64']);
const uint64Types = new Set(['uint64', 'fixed64']);
const floatTypes = new Set(['double', 'float']);

/** The scalar type inside each google.protobuf wrapper; protojson writes wrappers as that bare scalar. */
export const wrapperValueTypes: Record<string, string> = {
	'google.protobuf.BoolValue': 'bool',
	'google.protobuf.Int32Value': 'int32',
	'google.protobuf.UInt32Value': 'uint32',
	'google.protobuf.Int64Value': 'int64',
	'google.protobuf.UInt64Value': 'uint64',
	'google.protobuf.FloatValue': 'float',
	'google.protobuf.DoubleValue': 'double',
	'google.protobuf.StringValue': 'string',
	'google.protobuf.BytesValue': 'bytes',
};

/**
A message type compiled once for reading: protobufjs getters such as `fullName` walk the type tree on
every call, which made them the hot spot of capture reading.
*/
export type CompiledField = {
	field: protobuf.Field;
	name: string;
	index: number;
	isRepeated: boolean;
	/** Proto3 fields without presence are omitted when they hold the default value. */
	hasPresence: boolean;
	oneof: string | undefined;
	read: (raw: unknown, options: ReadOptions, path: string) => unknown;
	isDefault: (value: unknown) => boolean;
};

export type CompiledType = {
	fullName: string;
	fields: CompiledField[];
	byJsonKey: Map<string, CompiledField>;
};

const compiledTypes = new WeakMap<protobuf.Type, CompiledType>();

export function compileType(type: protobuf.Type): CompiledType {
	let compiled = compiledTypes.get(type);
	if (compiled) {
		return compiled;
	}

	compiled = {fullName: type.fullName.slice(1), fields: [], byJsonKey: new Map()};
	compiledTypes.set(type, compiled);
	for (const [index, field] of type.fieldsArray.entries()) {
		const resolved = field.resolvedType;
		const compiledField: CompiledField = {
			field,
			name: field.name,
			index,
			isRepeated: field.repeated,
			hasPresence: resolved instanceof protobuf.Type || field.partOf !== null,
			oneof: field.partOf?.name,
			read: singularReader(field),
			isDefault: defaultTest(field),
		};
		compiled.fields.push(compiledField);
		compiled.byJsonKey.set(field.name, compiledField);
		compiled.byJsonKey.set(lowerCamelCase(field.name), compiledField);
	}

	return compiled;
}

/** Converts a parsed JSON value of message type `type` into ztop's canonical object. */
export function readMessage(type: protobuf.Type, value: unknown, options: ReadOptions = {}, path = type.name): CanonicalMessage {
	return readCompiled(compileType(type), value, options, path);
}

function readCompiled(compiled: CompiledType, value: unknown, options: ReadOptions, path: string): CanonicalMessage {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new ProtoJsonError(path, `expected a JSON object for ${compiled.fullName}, got ${describe(value)}`);
	}

	const values: unknown[] = [];
	let oneofMembers: Map<string, string> | undefined;
	for (const key in value) {
		if (!Object.hasOwn(value, key)) {
			continue;
		}

		const field = compiled.byJsonKey.get(key);
		if (!field) {
			options.onUnknownField?.(`${path}.${key}`);
			continue;
		}

		if (values[field.index] !== undefined) {
			throw new ProtoJsonError(`${path}.${key}`, `duplicate field ${field.name}`);
		}

		const raw = (value as Record<string, unknown>)[key];
		if (raw === null) {
			continue;
		}

		const converted = readField(field, raw, options, `${path}.${key}`);
		if (converted === undefined) {
			continue;
		}

		if (field.oneof !== undefined) {
			oneofMembers ??= new Map();
			const other = oneofMembers.get(field.oneof);
			if (other) {
				throw new ProtoJsonError(`${path}.${key}`, `only one of ${other} and ${field.name} may be set (oneof ${field.oneof})`);
			}

			oneofMembers.set(field.oneof, field.name);
		}

		values[field.index] = converted;
	}

	const message: CanonicalMessage = {};
	for (const field of compiled.fields) {
		const converted = values[field.index];
		if (converted !== undefined) {
			message[field.name] = converted;
		}
	}

	return message;
}

function readField(field: CompiledField, raw: unknown, options: ReadOptions, path: string): unknown {
	if (field.isRepeated) {
		if (!Array.isArray(raw)) {
			throw new ProtoJsonError(path, `expected a JSON array, got ${describe(raw)}`);
		}

		if (raw.length === 0) {
			return undefined;
		}

		const items: unknown[] = [];
		for (const [index, item] of raw.entries()) {
			if (item === null) {
				throw new ProtoJsonError(`${path}[${index}]`, 'null is not allowed in a repeated field');
			}

			items.push(field.read(item, options, `${path}[${index}]`));
		}

		return items;
	}

	const converted = field.read(raw, options, path);
	return field.hasPresence || !field.isDefault(converted) ? converted : undefined;
}

function singularReader(field: protobuf.Field): CompiledField['read'] {
	const resolved = field.resolvedType;
	if (resolved instanceof protobuf.Enum) {
		return (raw, _options, path) => readEnum(resolved, raw, path);
	}

	if (resolved instanceof protobuf.Type) {
		return messageReader(resolved);
	}

	const type = field.type;
	return (raw, _options, path) => readScalar(type, raw, path);
}

function messageReader(type: protobuf.Type): CompiledField['read'] {
	const fullName = type.fullName.slice(1);
	const wrapped = wrapperValueTypes[fullName];
	if (wrapped) {
		return (raw, _options, path) => readScalar(wrapped, raw, path);
	}

	switch (fullName) {
		case 'google.protobuf.Timestamp': {
			return (raw, _options, path) => readTimestamp(raw, path);
		}

		case 'google.protobuf.FieldMask': {
			return (raw, _options, path) => {
				if (typeof raw !== 'string') {
					throw new ProtoJsonError(path, `expected a field mask string, got ${describe(raw)}`);
				}

				return raw;
			};
		}

		case 'google.protobuf.Any': {
			// Any can name any type; without its schema the value is kept as it came.
			return (raw, _options, path) => {
				if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
					throw new ProtoJsonError(path, `expected a JSON object for google.protobuf.Any, got ${describe(raw)}`);
				}

				return raw;
			};
		}

		default: {
			// Compiled lazily: message types may refer to themselves.
			return (raw, options, path) => readCompiled(compileType(type), raw, options, path);
		}
	}
}

// Captures repeat the same timestamp (flow.time and the response time), so remember the last one.
let lastTimestampInput = '';
let lastTimestampOutput = '';

function readTimestamp(raw: unknown, path: string): string {
	if (typeof raw === 'string' && raw === lastTimestampInput) {
		return lastTimestampOutput;
	}

	const instant = typeof raw === 'string' ? parseTimestamp(raw) : undefined;
	if (!instant) {
		throw new ProtoJsonError(path, `invalid RFC 3339 timestamp ${describe(raw)}`);
	}

	lastTimestampInput = raw as string;
	lastTimestampOutput = formatTimestamp(instant);
	return lastTimestampOutput;
}

function readEnum(enumType: protobuf.Enum, raw: unknown, path: string): string | number {
	if (typeof raw === 'string') {
		if (raw in enumType.values) {
			return raw;
		}

		throw new ProtoJsonError(path, `invalid value ${JSON.stringify(raw)} for enum ${enumType.name}`);
	}

	if (typeof raw === 'number' && Number.isInteger(raw) && raw >= -2_147_483_648 && raw <= 2_147_483_647) {
		return enumType.valuesById[raw] ?? raw;
	}

	throw new ProtoJsonError(path, `invalid value ${describe(raw)} for enum ${enumType.name}`);
}

function readScalar(type: string, raw: unknown, path: string): unknown {
	if (type === 'string') {
		if (typeof raw !== 'string') {
			throw new ProtoJsonError(path, `expected a string, got ${describe(raw)}`);
		}

		return raw;
	}

	if (type === 'bool') {
		if (typeof raw !== 'boolean') {
			throw new ProtoJsonError(path, `expected true or false, got ${describe(raw)}`);
		}

		return raw;
	}

	if (int32Types.has(type) || uint32Types.has(type)) {
		if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 2_147_483_647) {
			return raw;
		}

		const integer = readInteger(raw, path);
		const [minimum, maximum] = uint32Types.has(type) ? [0n, 4_294_967_295n] : [-2_147_483_648n, 2_147_483_647n];
		if (integer < minimum || integer > maximum) {
			throw new ProtoJsonError(path, `${describe(raw)} is out of range for ${type}`);
		}

		return Number(integer);
	}

	if (int64Types.has(type) || uint64Types.has(type)) {
		// Already canonical: a decimal string of at most 15 digits without a leading zero.
		if (typeof raw === 'string' && /^(?:0|[1-9]\d{0,14})$/.test(raw)) {
			return raw;
		}

		const integer = readInteger(raw, path);
		const [minimum, maximum] = uint64Types.has(type)
			? [0n, 18_446_744_073_709_551_615n]
			: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n];
		if (integer < minimum || integer > maximum) {
			throw new ProtoJsonError(path, `${describe(raw)} is out of range for ${type}`);
		}

		// protojson writes 64-bit integers as strings so that JavaScript loses no precision.
		return integer.toString();
	}

	if (floatTypes.has(type)) {
		if (typeof raw === 'number') {
			return raw;
		}

		if (raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity') {
			return raw;
		}

		if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) {
			return Number(raw);
		}

		throw new ProtoJsonError(path, `expected a number, got ${describe(raw)}`);
	}

	if (type === 'bytes') {
		if (typeof raw !== 'string' || !/^[A-Za-z\d+/_-]*={0,2}$/.test(raw)) {
			throw new ProtoJsonError(path, `expected base64 bytes, got ${describe(raw)}`);
		}

		return Buffer.from(raw, 'base64').toString('base64');
	}

	throw new ProtoJsonError(path, `unsupported field type ${type}`);
}

function readInteger(raw: unknown, path: string): bigint {
	if (typeof raw === 'number') {
		if (Number.isInteger(raw)) {
			return BigInt(raw);
		}
	} else if (typeof raw === 'string' && /^-?\d+$/.test(raw)) {
		return BigInt(raw);
	} else if (typeof raw === 'string' && /^-?\d+(?:\.0*)?(?:[eE][+-]?\d+)?$/.test(raw) && Number.isInteger(Number(raw))) {
		return BigInt(Number(raw));
	}

	throw new ProtoJsonError(path, `expected an integer, got ${describe(raw)}`);
}

function defaultTest(field: protobuf.Field): (value: unknown) => boolean {
	const resolved = field.resolvedType;
	if (resolved instanceof protobuf.Enum) {
		return value => value === 0 || (typeof value === 'string' && resolved.values[value] === 0);
	}

	if (int64Types.has(field.type) || uint64Types.has(field.type)) {
		return value => value === '0';
	}

	return value => value === 0 || value === '' || value === false;
}

/** protoc's json_name: underscores removed, the letter after each one upper-cased. */
export function lowerCamelCase(name: string): string {
	return name.replaceAll(/_([a-z\d])/g, (_match, letter: string) => letter.toUpperCase());
}

function describe(value: unknown): string {
	if (value === null) {
		return 'null';
	}

	if (Array.isArray(value)) {
		return 'an array';
	}

	if (typeof value === 'object') {
		return 'an object';
	}

	const text = JSON.stringify(value);
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
