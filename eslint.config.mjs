// Flat config: typescript-eslint's recommended rules over everything we write.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'lib/',
      'build/',
      'dist/',
      'runtime/dist/',
      'cdktf.out/',
      // The CDK Terrain build's generated source, packed package and binding work folders, and its synth output.
      'builds/cdktn/.work/',
      'cdktn.out/',
      'reports/',
      '.venv-checkov/',
      '.tools/',
      'runtime/node_modules/',
      // The docs site's build output and VitePress's dependency cache.
      'docs/.vitepress/dist/',
      'docs/.vitepress/cache/',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
    rules: {
      // Synthesized Terraform JSON is untyped by nature; `any` is how we read it.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // cdktf constructs are created for their side effect on the tree.
      'no-new': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
