import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The layer rule (DESIGN.md): imports only point down.
 *   src-shared    pure TypeScript: no node:, no electron, no DOM
 *   src-main/*    plain Node services: no electron (only src-main/electron may)
 *   src-renderer  the UI: no node:, no electron, nothing from src-main
 */
const noElectron = { name: 'electron', message: 'Only src-main/electron may import electron (DESIGN.md layers).' };

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
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['electron/*', '@electron/*'], message: noElectron.message }, { group: ['**/src-renderer/**'], message: 'Services never import the UI.' }] }],
    },
  },
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
