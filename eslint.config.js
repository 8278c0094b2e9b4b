import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '.dependency-cruiser.cjs',
      '.bench-tmp/**',
      '.dbg/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test/**/fixtures/**',
      'manifests/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Node turns a delay above 2^31−1 ms into 1 ms: every timer goes through core/timers.ts,
    // which clamps (issue 10, item 9).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'use setTimer/sleep from core/timers.ts (clamps the delay)' },
        { name: 'setInterval', message: 'use setRepeatingTimer from core/timers.ts (clamps the delay)' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'globalThis', property: 'setTimeout', message: 'use setTimer from core/timers.ts' },
        {
          object: 'globalThis',
          property: 'setInterval',
          message: 'use setRepeatingTimer from core/timers.ts',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: ['timers', 'timers/promises', 'node:timers', 'node:timers/promises'].map((name) => ({
            name,
            message: 'use core/timers.ts (clamps the delay)',
          })),
        },
      ],
    },
  },
);
