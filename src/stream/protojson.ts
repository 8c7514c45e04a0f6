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

type FieldLookup = Map<string, protobuf.Field>;

const lookups = new WeakMap<protobuf.Type, FieldLookup>();

const int32Types = new Set(['int32', 'sint32', 'sfixed32']);
const uint32Types = new Set(['uint32', 'fixed32']);
const int64Types = new Set(['int64', 'sint64', 'sfixed64']);
const uint64Types = new Set(['uint64', 'fixed64']);
const floatTypes = new Set(['double', 'float']);

const wrapperValueTypes: Record<string, string> = {
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

/** Converts a parsed JSON value of message type `type` into ztop's canonical object. */
export function readMessage(type: protobuf.Type, value: unknown, options: ReadOptions = {}, path = type.name): CanonicalMessage {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new ProtoJsonError(path, `expected a JSON object for ${type.fullName.slice(1)}, got ${describe(value)}`);
	}

	const lookup = fieldLookup(type);
	const values = new Map<string, unknown>();
	const oneofMembers = new Map<string, string>();
	for (const [key, raw] of Object.entries(value)) {
		const field = lookup.get(key);
		const fieldPath = `${path}.${key}`;
		if (!field) {
			options.onUnknownField?.(fieldPath);
			continue;
		}

		if (values.has(field.name)) {
			throw new ProtoJsonError(fieldPath, `duplicate field ${field.name}`);
		}

		if (raw === null) {
			continue;
		}

		const converted = readField(field, raw, options, fieldPath);
		if (converted === undefined) {
			continue;
		}

		const oneof = field.partOf;
		if (oneof) {
			const other = oneofMembers.get(oneof.name);
			if (other) {
				throw new ProtoJsonError(fieldPath, `only one of ${other} and ${field.name} may be set (oneof ${oneof.name})`);
			}

			oneofMembers.set(oneof.name, field.name);
		}

		values.set(field.name, converted);
	}

	const message: CanonicalMessage = {};
	for (const field of type.fieldsArray) {
		if (values.has(field.name)) {
			message[field.name] = values.get(field.name);
		}
	}

	return message;
}

function readField(field: protobuf.Field, raw: unknown, options: ReadOptions, path: string): unknown {
	if (field.repeated) {
		if (!Array.isArray(raw)) {
			throw new ProtoJsonError(path, `expected a JSON array, got ${describe(raw)}`);
		}

		const items = raw.map((item: unknown, index) => {
			if (item === null) {
				throw new ProtoJsonError(`${path}[${index}]`, 'null is not allowed in a repeated field');
			}

			return readSingular(field, item, options, `${path}[${index}]`);
		});
		return items.length === 0 ? undefined : items;
	}

	const converted = readSingular(field, raw, options, path);
	// Proto3 fields without presence are not written when they hold their default value.
	const hasPresence = field.resolvedType instanceof protobuf.Type || field.partOf !== null;
	return hasPresence || !isDefaultValue(field, converted) ? converted : undefined;
}

function readSingular(field: protobuf.Field, raw: unknown, options: ReadOptions, path: string): unknown {
	const resolved = field.resolvedType;
	if (resolved instanceof protobuf.Enum) {
		return readEnum(resolved, raw, path);
	}

	if (resolved instanceof protobuf.Type) {
		return readMessageValue(resolved, raw, options, path);
	}

	return readScalar(field.type, raw, path);
}

function readMessageValue(type: protobuf.Type, raw: unknown, options: ReadOptions, path: string): unknown {
	const fullName = type.fullName.slice(1);
	const wrapped = wrapperValueTypes[fullName];
	if (wrapped) {
		return readScalar(wrapped, raw, path);
	}

	switch (fullName) {
		case 'google.protobuf.Timestamp': {
			const instant = typeof raw === 'string' ? parseTimestamp(raw) : undefined;
			if (!instant) {
				throw new ProtoJsonError(path, `invalid RFC 3339 timestamp ${describe(raw)}`);
			}

			return formatTimestamp(instant);
		}

		case 'google.protobuf.FieldMask': {
			if (typeof raw !== 'string') {
				throw new ProtoJsonError(path, `expected a field mask string, got ${describe(raw)}`);
			}

			return raw;
		}

		case 'google.protobuf.Any': {
			// Any can name any type; without its schema the value is kept as it came.
			if (typeof raw !== 'object' || Array.isArray(raw)) {
				throw new ProtoJsonError(path, `expected a JSON object for google.protobuf.Any, got ${describe(raw)}`);
			}

			return raw;
		}

		default: {
			return readMessage(type, raw, options, path);
		}
	}
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
		const integer = readInteger(raw, path);
		const [minimum, maximum] = uint32Types.has(type) ? [0n, 4_294_967_295n] : [-2_147_483_648n, 2_147_483_647n];
		if (integer < minimum || integer > maximum) {
			throw new ProtoJsonError(path, `${describe(raw)} is out of range for ${type}`);
		}

		return Number(integer);
	}

	if (int64Types.has(type) || uint64Types.has(type)) {
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

function isDefaultValue(field: protobuf.Field, value: unknown): boolean {
	if (field.resolvedType instanceof protobuf.Enum) {
		return value === 0 || (typeof value === 'string' && field.resolvedType.values[value] === 0);
	}

	if (int64Types.has(field.type) || uint64Types.has(field.type)) {
		return value === '0';
	}

	return value === 0 || value === '' || value === false;
}

function fieldLookup(type: protobuf.Type): FieldLookup {
	let lookup = lookups.get(type);
	if (!lookup) {
		lookup = new Map();
		for (const field of type.fieldsArray) {
			lookup.set(field.name, field);
			lookup.set(lowerCamelCase(field.name), field);
		}

		lookups.set(type, lookup);
	}

	return lookup;
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
