import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The layer rule (docs/ARCHITECTURE.md): imports only point down.
 *   src-shared    pure TypeScript: no node:, no electron, no DOM
 *   src-main/*    plain Node services: no electron (only src-main/electron may)
 *   src-renderer  the UI: no node:, no electron, nothing from src-main
 */
const noElectron = { name: 'electron', message: 'Only src-main/electron may import electron (docs/ARCHITECTURE.md, layers).' };

/**
 * Import direction between the domains of src-main (docs/ARCHITECTURE.md):
 *   foundation (store, security, logging, lifecycle, http) imports no domain;
 *   data domains (access, audit, devices, history, settings) never import the
 *     listeners (ingest, broker, sync); commands may use the pipeline only;
 *   only the CLI and the Electron shell import the CLI, the shell or the composition root.
 * One no-restricted-imports entry per folder: ESLint replaces, not merges, a rule's options.
 */
const domains = ['access', 'audit', 'devices', 'history', 'commands', 'settings', 'ingest', 'broker', 'sync', 'console', 'cli', 'electron'];
const foundation = ['store', 'security', 'logging', 'lifecycle', 'http'];
const listeners = ['ingest', 'broker', 'sync'];
const folderPatterns = (names, message) => names.map((n) => ({ group: [`../${n}/**`, `../../${n}/**`, `../../../${n}/**`], message }));
const entryPoints = [
  ...folderPatterns(['cli'], 'Only the CLI imports the CLI: services never depend on their clients.'),
  ...folderPatterns(['electron'], 'Only src-main/electron may import the Electron shell.'),
  { group: ['../hub', '../../hub', '../../../hub'], message: 'Only the entry points (CLI, Electron shell) import the composition root.' },
];
const base = [
  { group: ['electron/*', '@electron/*'], message: 'Only src-main/electron may import electron.' },
  { group: ['**/src-renderer/**'], message: 'Services never import the UI.' },
];

function mainRules() {
  const rule = (patterns) => ({ 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [...base, ...patterns] }] });
  return [
    { files: ['src-main/**/*.ts'], ignores: ['src-main/electron/**', 'src-main/cli/**'], rules: rule(entryPoints) },
    {
      files: foundation.map((f) => `src-main/${f}/**/*.ts`),
      rules: rule([...entryPoints, ...folderPatterns(domains, 'Foundation code (store, security, logging, lifecycle, http) imports no domain.')]),
    },
    {
      files: ['access', 'audit', 'devices', 'history', 'settings'].map((f) => `src-main/${f}/**/*.ts`),
      rules: rule([...entryPoints, ...folderPatterns(listeners, 'Data domains never import the listeners (ingest, broker, sync): listeners call them, not the other way round.')]),
    },
    {
      files: ['src-main/commands/**/*.ts'],
      rules: rule([...entryPoints, ...folderPatterns(['broker', 'sync'], 'Commands reach devices through a transport the broker provides, never the broker itself.')]),
    },
    { files: ['src-main/cli/**/*.ts'], rules: rule(folderPatterns(['electron'], 'Only src-main/electron may import the Electron shell.')) },
  ];
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'src-shared is pure TypeScript: no node: modules.' }))],
          patterns: [
            { group: ['node:*'], message: 'src-shared is pure TypeScript: no node: modules.' },
            { group: ['**/src-main/**', '**/src-renderer/**', 'react', 'react-dom', 'react-dom/*'], message: 'src-shared imports nothing from the layers above it.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', 'require'],
    },
  },
  ...mainRules(),
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer has no Node: talk to the hub through the API client.' }))],
          patterns: [
            { group: ['node:*'], message: 'The renderer has no Node: talk to the hub through the API client.' },
            { group: ['**/src-main/**'], message: 'The renderer talks to the hub only through the API contract.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', URL: 'readonly' } },
  },
);
