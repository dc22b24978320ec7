import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.bench-build/', 'coverage/', '**/*.go'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    }
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked
  },
  {
    // Text from a run or a server reaches the step's log only through src/safe-log.ts, which
    // neutralises and redacts it (docs/contract.md, "Untrusted input"). The two files left
    // out still print through core directly and are to move over.
    files: ['src/**/*.ts'],
    ignores: ['src/safe-log.ts', 'src/report/summary.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['info', 'debug', 'warning', 'error', 'notice', 'setFailed'].map(property => ({
          object: 'core',
          property,
          message: 'Write through `log` (or printUntrusted) from src/safe-log.ts.'
        }))
      ]
    }
  }
);
