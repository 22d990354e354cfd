// A tiny test harness for plain gjs (no framework to install): test(), assert helpers, run().
import System from 'system';

const tests = [];

export function test(name, fn) {
    tests.push({name, fn});
}

export function assertEqual(actual, expected, message = '') {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${message ? `${message}: ` : ''}expected ${e}, got ${a}`);
}

export function assertTrue(value, message = 'expected a true value') {
    if (!value)
        throw new Error(message);
}

export function assertThrows(fn, type, message = '') {
    try {
        fn();
    } catch (e) {
        if (e instanceof type)
            return;
        throw new Error(`${message}expected ${type.name}, got ${e}`, {cause: e});
    }
    throw new Error(`${message}expected ${type.name}, nothing was thrown`);
}

// Runs every test, prints TAP, exits 1 when any failed.
export function run() {
    print(`1..${tests.length}`);
    let failed = 0;
    tests.forEach(({name, fn}, i) => {
        try {
            fn();
            print(`ok ${i + 1} - ${name}`);
        } catch (e) {
            failed++;
            print(`not ok ${i + 1} - ${name}`);
            print(`  # ${String(e.message).split('\n').join('\n  # ')}`);
        }
    });
    print(`# ${tests.length - failed} passed, ${failed} failed`);
    System.exit(failed ? 1 : 0);
}
