// ESLint flat config for the repository's JavaScript: the GNOME Shell extension
// (files/gnome-extension). Run: npx eslint .   (tests/gnome/test_extension_lint.py runs it too)
//
// Only `eslint` is a dependency (9.x: it runs on Debian 12's Node 18; ESLint 10 needs Node 20.19).
// The recommended set is taken from the rules ESLint itself marks as recommended, which works
// on 9 and 10 alike without @eslint/js (10 no longer bundles it).
import {builtinRules} from 'eslint/use-at-your-own-risk';

const recommended = Object.fromEntries(
    [...builtinRules]
        .filter(([, rule]) => rule.meta?.docs?.recommended && !rule.meta?.deprecated)
        .map(([name]) => [name, 'error']));

// What GJS and GNOME Shell put in the global scope.
const gjsGlobals = {
    ARGV: 'readonly',
    console: 'readonly',
    global: 'readonly',
    imports: 'readonly',
    log: 'readonly',
    logError: 'readonly',
    print: 'readonly',
    printerr: 'readonly',
    TextDecoder: 'readonly',
    TextEncoder: 'readonly',
};

const style = {
    'eqeqeq': 'error',
    'no-var': 'error',
    'prefer-const': 'error',
    'no-unused-vars': ['error', {argsIgnorePattern: '^_'}],
    'curly': ['error', 'multi-or-nest', 'consistent'],
    'quotes': ['error', 'single', {avoidEscape: true, allowTemplateLiterals: true}],
    'semi': ['error', 'always'],
    'indent': ['error', 4, {SwitchCase: 1}],
    'max-len': ['error', {code: 110, ignoreUrls: true, ignoreTemplateLiterals: true}],
    'no-restricted-syntax': ['error', {
        // The extension must never block the shell: synchronous D-Bus calls are banned.
        selector: 'CallExpression[callee.property.name=/^(call_sync|new_for_bus_sync|new_sync)$/]',
        message: 'Synchronous D-Bus calls block GNOME Shell: use the asynchronous variant.',
    }],
};

export default [
    {ignores: ['node_modules/**', 'build/**', '.venv/**', 'artifacts/**']},
    {
        files: ['files/gnome-extension/**/*.js'],
        languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: gjsGlobals},
        rules: {...recommended, ...style},
    },
    {
        // GNOME Shell 42-44 entry points and the test helper: legacy scripts, not modules.
        files: [
            'files/gnome-extension/legacy/**/*.js',
            'files/gnome-extension/test-helper/**/*.js',
            'files/gnome-extension/tests/test_legacy_build.js',
        ],
        languageOptions: {sourceType: 'script'},
    },
    {
        files: ['eslint.config.js'],
        languageOptions: {ecmaVersion: 2022, sourceType: 'module'},
    },
];
