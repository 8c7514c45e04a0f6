// Lint rules, including the import directions of ARCHITECTURE.md: each layer may import only the
// layers below it, and only src/stream imports gRPC, only src/views imports React and Ink.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The wire: grpc-js (the demo relay's server), node:http2 (ztop's own gRPC client) and protobufjs.
const wire = ['@grpc/*', 'node:http2', 'http2', 'protobufjs', 'protobufjs/*'];
const uiAndWire = ['react', 'react/*', 'ink', 'ink/*', ...wire];

/** A no-restricted-imports rule: the listed folders (relative to src/) and packages are off limits. */
function forbid(folders, packages, reason) {
	return {
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					...(folders.length > 0 ? [{group: folders.map(folder => `**/${folder}/*`), message: reason}] : []),
					...(packages.length > 0 ? [{group: packages, message: reason}] : []),
				],
			},
		],
	};
}

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		// The single executable's script: CommonJS, as Node's single-executable applications run it.
		files: ['**/*.cjs'],
		languageOptions: {sourceType: 'commonjs', globals: {require: 'readonly', module: 'writable'}},
		rules: {'@typescript-eslint/no-require-imports': 'off'},
	},
	{
		languageOptions: {globals: {process: 'readonly', Buffer: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly'}},
		rules: {
			'@typescript-eslint/consistent-type-imports': 'error',
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', ignoreRestSiblings: true}],
			'no-control-regex': 'off',
		},
	},
	{
		files: ['src/flow/**'],
		rules: forbid(['filters', 'store', 'printer', 'stream', 'relay', 'views', 'cli', 'tui'], uiAndWire, 'src/flow is the domain: it imports nothing else from src/ (ARCHITECTURE.md).'),
	},
	{
		files: ['src/filters/**'],
		rules: forbid(['store', 'printer', 'stream', 'relay', 'views', 'cli', 'tui'], uiAndWire, 'src/filters is pure: it may import only src/flow (ARCHITECTURE.md).'),
	},
	{
		files: ['src/policy/**'],
		rules: forbid(['store', 'printer', 'stream', 'relay', 'views', 'cli', 'tui'], uiAndWire, 'src/policy is pure: it may import src/flow and src/filters; files and kubectl are read at the edge (ARCHITECTURE.md).'),
	},
	{
		files: ['src/store/**'],
		rules: forbid(['printer', 'stream', 'relay', 'views', 'cli', 'tui'], uiAndWire, 'src/store has no React, Ink or gRPC: it may import src/flow and src/filters (ARCHITECTURE.md).'),
	},
	{
		files: ['src/printer/**'],
		rules: forbid(['filters', 'stream', 'relay', 'views', 'cli', 'tui'], uiAndWire, 'src/printer formats flows: it may import src/flow and src/store (ARCHITECTURE.md).'),
	},
	{
		files: ['src/stream/**'],
		rules: forbid(['store', 'printer', 'relay', 'views', 'cli', 'tui'], ['react', 'react/*', 'ink', 'ink/*'], 'src/stream may import src/flow and src/filters; it never renders (ARCHITECTURE.md).'),
	},
	{
		files: ['src/relay/**'],
		rules: forbid(['store', 'printer', 'views', 'cli', 'tui'], ['react', 'react/*', 'ink', 'ink/*', '@grpc/*', 'node:http2', 'http2'], 'src/relay may import src/flow, src/filters and src/stream; gRPC goes through src/stream (ARCHITECTURE.md).'),
	},
	{
		files: ['src/tui/**'],
		rules: forbid(['stream', 'relay', 'cli'], uiAndWire, 'src/tui is the TUI\'s controller: it drives the store and builds frames; the views render them, the wiring is src/cli (ARCHITECTURE.md).'),
	},
	{
		files: ['src/views/**'],
		rules: forbid(['stream', 'relay', 'cli', 'tui'], wire, 'Views read Frames, never the stream (ARCHITECTURE.md).'),
	},
);
