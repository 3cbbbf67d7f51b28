// ESLint for the whole tree: the recommended JavaScript and typescript-eslint rules (syntactic,
// no type information, so it stays fast), with the few this codebase decides otherwise.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.local/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `const { [id]: _removed, ...rest } = obj` drops a key; underscore names are deliberate.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Nest modules and ports are classes with no members of their own by design.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
);
