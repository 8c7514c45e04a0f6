/**
Protobuf binary ↔ ztop's canonical messages (the shape `hubble observe -o jsonpb` prints), so flows
that arrive over gRPC print the same bytes as flows read from a capture. protobufjs does the wire
work; this module only translates between its objects and the canonical shape: timestamps, wrapper
types, 64-bit integers as strings, defaults dropped, keys in declaration order.
*/
import protobuf from './protobuf-runtime.js';
import {formatTimestamp, parseTimestamp} from '../flow/timestamp.js';
import {compileType, wrapperValueTypes, type CanonicalMessage, type CompiledType} from './protojson.js';

const toObjectOptions: protobuf.IConversionOptions = {longs: String, enums: String, bytes: String, defaults: false};
/** How a field's values convert, found once per field: protobufjs computes a type's fullName on every read. */
type FieldKind =
	| {kind: 'scalar'}
	| {kind: 'wrapper'; fullName: string}
	| {kind: 'timestamp'}
	| {kind: 'field-mask'}
	| {kind: 'any'}
	| {kind: 'message'; type: protobuf.Type};

const fieldKinds = new WeakMap<protobuf.Field, FieldKind>();

function kindOf(field: protobuf.Field): FieldKind {
	let kind = fieldKinds.get(field);
	if (!kind) {
		const resolved = field.resolvedType;
		const fullName = resolved instanceof protobuf.Type ? resolved.fullName.slice(1) : undefined;
		kind =
			fullName === undefined
				? {kind: 'scalar'}
				: fullName in wrapperValueTypes
					? {kind: 'wrapper', fullName}
					: fullName === 'google.protobuf.Timestamp'
						? {kind: 'timestamp'}
						: fullName === 'google.protobuf.FieldMask'
							? {kind: 'field-mask'}
							: fullName === 'google.protobuf.Any'
								? {kind: 'any'}
								: {kind: 'message', type: resolved as protobuf.Type};
		fieldKinds.set(field, kind);
	}

	return kind;
}

export function encodeMessage(type: protobuf.Type, message: CanonicalMessage): Uint8Array {
	return type.encode(type.fromObject(toProtobufObject(compileType(type), message))).finish();
}

export function decodeMessage(type: protobuf.Type, bytes: Uint8Array): CanonicalMessage {
	return fromProtobufObject(compileType(type), type.toObject(type.decode(bytes), toObjectOptions));
}

function toProtobufObject(compiled: CompiledType, message: CanonicalMessage): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const field of compiled.fields) {
		const value = message[field.name];
		if (value === undefined) {
			continue;
		}

		const convert = (item: unknown) => toProtobufValue(field.field, item);
		result[field.name] = field.isRepeated ? (value as unknown[]).map(item => convert(item)) : convert(value);
	}

	return result;
}

function toProtobufValue(field: protobuf.Field, value: unknown): unknown {
	const kind = kindOf(field);
	switch (kind.kind) {
		case 'scalar': {
			return value;
		}

		case 'wrapper': {
			return {value};
		}

		case 'timestamp': {
			const instant = parseTimestamp(value as string)!;
			return {seconds: instant.seconds, nanos: instant.nanos};
		}

		case 'field-mask': {
			return {paths: (value as string).split(',').filter(Boolean)};
		}

		case 'any': {
			// ztop never sends Any payloads; an empty Any keeps the field's presence.
			return {};
		}

		case 'message': {
			return toProtobufObject(compileType(kind.type), value as CanonicalMessage);
		}
	}
}

function fromProtobufObject(compiled: CompiledType, object: Record<string, unknown>): CanonicalMessage {
	const message: CanonicalMessage = {};
	for (const field of compiled.fields) {
		const value = object[field.name];
		if (value === undefined || value === null) {
			continue;
		}

		if (field.isRepeated) {
			const items = (value as unknown[]).map(item => fromProtobufValue(field.field, item));
			if (items.length > 0) {
				message[field.name] = items;
			}

			continue;
		}

		const converted = fromProtobufValue(field.field, value);
		if (field.hasPresence || !field.isDefault(converted)) {
			message[field.name] = converted;
		}
	}

	return message;
}

function fromProtobufValue(field: protobuf.Field, value: unknown): unknown {
	const kind = kindOf(field);
	switch (kind.kind) {
		case 'scalar': {
			return value;
		}

		case 'wrapper': {
			const inner = (value as {value?: unknown}).value;
			return inner ?? defaultWrapperValue(kind.fullName);
		}

		case 'timestamp': {
			const {seconds = '0', nanos = 0} = value as {seconds?: string; nanos?: number};
			return formatTimestamp({seconds: Number(seconds), nanos});
		}

		case 'field-mask': {
			return ((value as {paths?: string[]}).paths ?? []).join(',');
		}

		case 'any': {
			return {};
		}

		case 'message': {
			return fromProtobufObject(compileType(kind.type), value as Record<string, unknown>);
		}
	}
}

/** A wrapper decoded without its value field holds the scalar's default. */
function defaultWrapperValue(fullName: string): unknown {
	const scalar = wrapperValueTypes[fullName];
	if (scalar === 'bool') {
		return false;
	}

	if (scalar === 'string' || scalar === 'bytes') {
		return '';
	}

	return scalar?.endsWith('64') ? '0' : 0;
}
