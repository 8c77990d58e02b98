// ESLint with typescript-eslint: the de-facto standard for TypeScript, and the
// one most contributors already have in their editors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  // core is the inner layer: it must not reach into any other part of icsync. Any relative import
  // that climbs out of src/core is refused (one `../` more than the file's depth inside core), so a
  // new top-level folder needs no entry here: the old list of forbidden folders missed src/demo.
  // Files up to four folders below src/core are covered (it has one level today).
  ...[0, 1, 2, 3, 4].map((depth) => ({
    files: [`src/core/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: `^(\\./)*(\\.\\./){${depth + 1}}`, message: 'src/core imports nothing else of the project (ARCHITECTURE.md).' },
      ] }],
    },
  })),
  {
    // Emulators share no code with the connectors they emulate.
    files: ['src/emulators/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/connectors/**'], message: 'Emulators share no code with connectors (ARCHITECTURE.md).' },
      ] }],
    },
  },
);
