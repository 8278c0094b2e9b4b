/**
 * The daemon's logger: JSON records of a fixed shape, level filtering, the one readable line
 * on a terminal, and no credential in any line whatever a caller passes.
 */
import test from 'ava';
import { CapstanError } from '../../src/core/index.js';
import { duration, formatLogLine } from '../../src/core/log-line.js';
import { createLogger, isLogLevel, silentLogger } from '../../src/core/logger.js';
import { captureLogger } from '../helpers/capture-logger.js';

/** A stream that keeps what is written, as a terminal or a pipe would receive it. */
function memoryStream(isTTY = false) {
  const chunks: string[] = [];
  return { chunks, isTTY, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}

// 10:15:32 local time, whatever the machine's time zone
const AT = new Date(2026, 0, 2, 10, 15, 32).toISOString();

test('a record is one JSON line: level as a word, ISO time, the fields, msg', (t) => {
  const out = memoryStream();
  const log = createLogger({ stream: out });
  log.info({ app: 'shop', revision: 'abc1234', changed: 3 }, 'sync finished');
  t.is(out.chunks.length, 1);
  t.true(out.chunks[0].endsWith('}\n'));
  const record = JSON.parse(out.chunks[0]);
  t.deepEqual(Object.keys(record), ['level', 'time', 'app', 'revision', 'changed', 'msg']);
  t.like(record, { level: 'info', app: 'shop', revision: 'abc1234', changed: 3, msg: 'sync finished' });
  t.is(new Date(record.time).toISOString(), record.time);
});

test('a child carries its bindings into every record', (t) => {
  const { logger, records } = captureLogger();
  const sync = logger.child({ component: 'reconciler' }).child({ app: 'shop' });
  sync.warn({ reason: 'health timeout' }, 'rolled back');
  t.like(records[0], { level: 'warn', component: 'reconciler', app: 'shop', reason: 'health timeout' });
});

test('levels below the chosen one are dropped, in children too', (t) => {
  const { logger, records, messages } = captureLogger('warn');
  for (const l of [logger, logger.child({ app: 'a' })]) {
    l.debug({}, 'd');
    l.info({}, 'i');
    l.warn({}, 'w');
    l.error({}, 'e');
  }
  t.deepEqual(messages(), ['w', 'e', 'w', 'e']);
  t.deepEqual(
    records.map((r) => r.level),
    ['warn', 'error', 'warn', 'error'],
  );
  const debug = captureLogger('debug');
  debug.logger.debug({}, 'd');
  t.deepEqual(debug.messages(), ['d']);
  t.true(isLogLevel('debug'));
  t.false(isLogLevel('verbose'));
});

test('the silent logger writes nothing and its children are silent', (t) => {
  t.is(silentLogger.child({ app: 'x' }), silentLogger);
  t.notThrows(() => silentLogger.error({ err: new Error('x') }, 'nothing'));
});

test('the readable line: time, level, app, message, revision, then the details', (t) => {
  const line = formatLogLine({
    level: 'info',
    time: AT,
    app: 'shop',
    revision: 'abc1234',
    result: 'synced',
    changed: 3,
    durationMs: 1200,
    msg: 'sync finished',
  });
  t.is(line, '10:15:32 INFO  shop: sync finished abc1234 (synced, 3 changed, 1.2 s)');
  t.is(
    formatLogLine({ level: 'warn', time: AT, msg: 'webhook refused', provider: 'github', status: 401 }),
    '10:15:32 WARN  webhook refused (provider=github, status=401)',
  );
  t.is(
    formatLogLine({ level: 'error', time: AT, msg: 'x', note: 'two words' }),
    '10:15:32 ERROR x (note="two words")',
  );
  t.is(
    formatLogLine({
      level: 'error',
      time: AT,
      msg: 'sync failed',
      err: { message: 'no such ref', code: 'GIT_REF' },
    }),
    '10:15:32 ERROR sync failed (no such ref [GIT_REF])',
  );
  t.deepEqual([850, 1200, 9_949, 75_000].map(duration), ['850 ms', '1.2 s', '9.9 s', '75 s']);
});

test('the readable line stays one line and cannot steer the terminal', (t) => {
  const line = formatLogLine({
    level: 'error',
    time: AT,
    msg: 'boom\n    at f (a.ts:1)\n',
    cmd: 'a\x1b[2Jb',
  });
  t.is(line, '10:15:32 ERROR boom | at f (a.ts:1) (cmd=a?[2Jb)');
  t.is(formatLogLine({ level: 'warn', time: AT, msg: 'w' }, true), '10:15:32 \x1b[33mWARN \x1b[0m w');
});

test('on a terminal each record is one readable line; elsewhere JSON', (t) => {
  const tty = memoryStream(true);
  createLogger({ stream: tty, color: false }).info({ app: 'shop', changed: 0 }, 'sync finished');
  t.regex(tty.text(), /^\d\d:\d\d:\d\d INFO {2}shop: sync finished \(0 changed\)\n$/);
  const forced = memoryStream(false);
  createLogger({ stream: forced, pretty: true }).info({}, 'plain');
  t.regex(forced.text(), /^\d\d:\d\d:\d\d INFO {2}plain\n$/);
  const pipe = memoryStream(false);
  createLogger({ stream: pipe }).info({}, 'json');
  t.is(JSON.parse(pipe.text()).msg, 'json');
});

test('no credential reaches a line: messages, string fields, errors, secret-named fields, bindings', (t) => {
  for (const pretty of [false, true]) {
    const out = memoryStream();
    const log = createLogger({ stream: out, pretty, level: 'debug' }).child({
      source: 'https://deploy:s3cr3t-bind@git.example/repo.git',
    });
    log.info(
      {
        repoURL: 'https://user:s3cr3t-field@git.example/shop.git',
        urls: ['http://x:s3cr3t-array@h/a'],
        nested: { deeper: { url: 'https://y:s3cr3t-deep@h/b' } },
        callback: 'https://h/hook?access_token=s3cr3t-query&page=2',
        header: 'Authorization: Bearer s3cr3tbearer42',
        token: 's3cr3t-token',
        webhookSecret: 's3cr3t-hook',
        password: 's3cr3t-pw',
        secretName: 'shop-db',
        err: new CapstanError('GIT_FETCH', 'fetch of https://a:s3cr3t-err@h/c failed', {
          url: 'https://a:s3cr3t-data@h/c',
        }),
      },
      'cloning https://bot:s3cr3t-msg@git.example/shop.git',
    );
    const text = out.text();
    t.false(text.includes('s3cr3t'), text);
    t.true(text.includes('https://git.example/shop.git'));
    t.true(text.includes('shop-db'), 'a field naming a Secret is not itself secret');
    t.true(text.includes('page=2'));
    if (!pretty) {
      const r = JSON.parse(text);
      t.like(r, {
        msg: 'cloning https://git.example/shop.git',
        source: 'https://git.example/repo.git',
        token: '***',
        webhookSecret: '***',
        header: 'Authorization: Bearer ***',
        err: { type: 'CapstanError', code: 'GIT_FETCH', message: 'fetch of https://h/c failed' },
      });
      t.is(r.nested.deeper.url, 'https://h/b');
    }
  }
});

test('prose that only mentions credentials is left alone', (t) => {
  const { logger, records } = captureLogger();
  logger.info({ tokenFile: '/etc/capstan/token' }, 'Basic authentication failed: the token is wrong');
  t.like(records[0], {
    msg: 'Basic authentication failed: the token is wrong',
    tokenFile: '/etc/capstan/token',
  });
});
