// Flat ESLint config: type-checked typescript-eslint rules plus the package boundary rules
// of docs/architecture (pure cores import nothing; the client imports only the protocol).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Product code never depends on test support; every boundary below repeats this group
// because a later `no-restricted-imports` entry replaces, not extends, an earlier one.
const noTestkit = { group: ['@plume/testkit', '@plume/testkit/*'], message: 'test-only package' }
const boundary = (patterns, message) => [
  'error',
  { patterns: [{ group: patterns, message }, noTestkit] },
]

export default tseslint.config(
  {
    ignores: [
      '.tmp/**',
      '**/dist/**',
      '**/node_modules/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.d.mts',
      'examples/lobby/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['packages/*/src/**/*.ts', 'examples/*/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTestkit] }] },
  },
  {
    files: ['packages/testkit/src/**/*.ts'],
    rules: {
      'no-restricted-imports': boundary(
        [
          '@plume/server',
          '@plume/client',
          '@plume/tracker',
          '@plume/crdt',
          '@plume/protocol',
          '@plume/pubsub-*',
        ],
        'test support sits below everything it tests; of the workspace it imports only @plume/pubsub',
      ),
    },
  },
  {
    files: ['packages/protocol/src/**/*.ts', 'packages/crdt/src/**/*.ts'],
    rules: {
      'no-restricted-imports': boundary(
        ['node:*', '@plume/*', 'ws', 'ioredis', 'nats'],
        'pure core: no I/O, no other packages',
      ),
    },
  },
  {
    files: ['packages/client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': boundary(
        ['node:*', '@plume/server', '@plume/pubsub*', '@plume/tracker', '@plume/crdt'],
        'the client imports only @plume/protocol',
      ),
    },
  },
  {
    files: ['packages/pubsub*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': boundary(
        [
          '@plume/server',
          '@plume/tracker',
          '@plume/crdt',
          '@plume/protocol',
          '@plume/client',
          'ws',
        ],
        'adapters know nothing of sockets, channels or the tracker',
      ),
    },
  },
  {
    files: ['packages/tracker/src/**/*.ts'],
    rules: {
      'no-restricted-imports': boundary(
        ['@plume/server', '@plume/client', '@plume/protocol', 'ws'],
        'the tracker sits below the server',
      ),
    },
  },
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
    },
  },
)
