// Email intake benchmark on its own DynamoDB Local: (a) intake time per small message (new tickets,
// through the SES-shaped handler); (b) one 10 MB message (a 10 MB attachment): time and the
// process's peak RSS, which must leave room in a 512 MB Lambda; (c) 1,000 messages sent to the local
// SMTP server by 8 concurrent SMTP clients (new requests, replies by reference, out-of-office,
// mailing-list and unknown senders), then checked in the table: every message ends as exactly one
// ticket, reply or ignored/answered mail; none lost, none doubled; (d) a mixed batch of 520
// messages of the kinds the classification and quote stripping handle (vacation replies, list
// notices, daemon bounces, complaints, read receipts, challenges, flowed and translated replies,
// new requests): intake p50/p95 per message and peak RSS, each as a ratio to postal-mime parsing
// the same messages alone, plus the intake's own decision (parse, classify, body) without the table;
// (e) the largest messages: just under the intake's 25 MB parsing limit, and SES's 40 MB maximum,
// each in a fresh process: time, CPU time and peak RSS (`node bench/email.ts --large` runs only these).
// Run alone with `node bench/email.ts` (BENCH_EMAIL_MESSAGES sets the count), or via bench/run.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import PostalMime from 'postal-mime';
import { LocalBlobs } from '../functions/adapters/blobs-local.ts';
import { runtimeContext } from '../functions/app/runtime.ts';
import { mailBody } from '../functions/email/body.ts';
import { classifyMail } from '../functions/email/classify.ts';
import { sesIntakeHandler } from '../functions/email/handler.ts';
import { createIntake } from '../functions/email/intake.ts';
import { parseMail } from '../functions/email/parse.ts';
import { mailSettings } from '../functions/mail/settings.ts';
import { outboundMessageId } from '../functions/mail/threading.ts';
import { addContact, createAccount } from '../functions/store/accounts.ts';
import { putCatalog } from '../functions/store/catalogs.ts';
import { findProcessedMail } from '../functions/store/inbound-mail.ts';
import { listMessages } from '../functions/store/messages.ts';
import { getTicket, listTicketsOfAccount } from '../functions/store/tickets.ts';
import {
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  startDynamoDbLocal,
} from '../local/dynamodb-local.ts';
import { startSmtpServer } from '../local/smtp.ts';
import { percentile, round, unlimitedB2Bee } from './support.ts';

const TABLE = 'support-desk-email-bench';
const SUPPORT = 'support@desk.localhost';
const ACCOUNTS = 16;
const SENDERS = 8;

function plain(from: string, subject: string, body: string, id: string, headers: string[] = []): Buffer {
  return Buffer.from(
    [
      `From: ${from}`,
      `To: ${SUPPORT}`,
      `Subject: ${subject}`,
      `Message-ID: <${id}>`,
      ...headers,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

function tenMegabytes(from: string): Buffer {
  return withAttachments(from, [10 * 1024 * 1024], 'bench-10mb');
}

/** A message with base64 attachments of these decoded sizes (bytes), as mail clients send them. */
function withAttachments(from: string, sizes: number[], id: string): Buffer {
  const parts = sizes.flatMap((size, i) => [
    '--bench-boundary',
    `Content-Type: application/octet-stream; name="dump-${i}.bin"`,
    `Content-Disposition: attachment; filename="dump-${i}.bin"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.alloc(size, 0x5a + i)
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n'),
  ]);
  return Buffer.from(
    [
      `From: ${from}`,
      `To: ${SUPPORT}`,
      'Subject: Full database dump',
      `Message-ID: <${id}@bench.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="bench-boundary"',
      '',
      '--bench-boundary',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The dump is attached.',
      ...parts,
      '--bench-boundary--',
      '',
    ].join('\r\n'),
  );
}

/**
 * The large messages the intake (and a quarantine release, which runs the same steps) must take:
 * the largest it parses (just under its 25 MB limit: two 8.7 MB attachments, each under the 10 MB
 * attachment limit), and the largest SES accepts (40 MB; over the limit, so only its headers are
 * parsed and the sender is told). Each runs in a fresh process, so its peak RSS is its own.
 */
const LARGE: Record<string, number[]> = {
  mb24_parsed: [8.7 * 2 ** 20, 8.7 * 2 ** 20].map(Math.round),
  mb40_ses_max: [9.5 * 2 ** 20, 9.5 * 2 ** 20, 9.5 * 2 ** 20].map(Math.round),
};

/** In a child process: one large message (written by the parent) through the intake. */
async function largeOne(label: string, dir: string): Promise<void> {
  process.env.TABLE_NAME = TABLE;
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  process.env.LOG_LEVEL = 'warn';
  process.env.CURSOR_SECRET_FILE ??= join(mkdtempSync(join(tmpdir(), 'desk-email-bench-')), 'cursor-secret');
  const ctx = runtimeContext();
  const now = new Date().toISOString();
  const id = `large-${label}`;
  const catalog = unlimitedB2Bee('b2bee-email-large');
  await putCatalog(ctx.store, catalog, new Date());
  await createAccount(ctx.store, {
    id,
    name: id,
    referencePrefix: `LG${label.length}${label.charCodeAt(2)}`.replace(
      /\d/g,
      (d) => 'ABCDEFGHIJ'[Number(d)]!,
    ),
    catalogId: catalog.id,
    contract: { accountId: id, planId: 'premium', startDate: '2026-01-01' },
    contactCount: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
  const from = `${label}@large.example`;
  await addContact(ctx.store, { accountId: id, email: from, createdAt: now }, undefined);
  const blobs = new LocalBlobs(dir);
  const intake = createIntake({ context: runtimeContext, blobs, settings: mailSettings(SUPPORT) });
  const raw = (await blobs.get(`inbound/${id}`))!;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await intake.receive({
    sesMessageId: id,
    rawKey: `inbound/${id}`,
    receivedAt: now,
    envelopeFrom: from,
    verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
  });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    `${LARGE_PREFIX}${JSON.stringify({
      bytes: raw.byteLength,
      outcome: result.outcome,
      ms: round(ms),
      cpuMs: round((cpu.user + cpu.system) / 1000),
      rssBeforeMb: round(rssBefore / 2 ** 20),
      peakRssMb: round((process.resourceUsage().maxRSS * 1024) / 2 ** 20),
    })}`,
  );
}

const LARGE_PREFIX = 'BENCH_EMAIL_LARGE ';

/** Each large message in a child process of its own, on this DynamoDB Local. */
export async function measureLarge(endpoint: string): Promise<Record<string, number | string>> {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const figures: Record<string, number | string> = {};
  for (const label of Object.keys(LARGE)) {
    const dir = mkdtempSync(join(tmpdir(), 'desk-email-large-'));
    const id = `large-${label}`;
    await new LocalBlobs(dir).putOnce(
      `inbound/${id}`,
      withAttachments(`${label}@large.example`, LARGE[label]!, id),
      'message/rfc822',
    );
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), '--large-one', label, dir],
      {
        env: { ...process.env, DYNAMODB_ENDPOINT: endpoint },
        encoding: 'utf8',
        maxBuffer: 2 ** 24,
      },
    );
    const line = child.stdout.split('\n').find((l) => l.startsWith(LARGE_PREFIX));
    if (!line) throw new Error(`large message ${label} failed:\n${child.stdout}\n${child.stderr}`);
    for (const [key, value] of Object.entries(JSON.parse(line.slice(LARGE_PREFIX.length))))
      figures[`${label}_${key}`] = value as number | string;
  }
  return figures;
}

type Kind = 'new' | 'reply' | 'outOfOffice' | 'list' | 'unknown';
const MIX: Kind[] = ['new', 'new', 'new', 'new', 'new', 'reply', 'reply', 'outOfOffice', 'list', 'unknown'];
const EXPECTED: Record<Kind, string> = {
  new: 'ticket',
  reply: 'reply',
  outOfOffice: 'automatic',
  list: 'automatic',
  unknown: 'unknownSender',
};

/** The mixed batch: a fixture (test/email/fixtures) or a built message, and the outcome it must get. */
const BATCH: { kind: string; fixture?: string; outcome: string }[] = [
  { kind: 'new', outcome: 'ticket' },
  { kind: 'flowedReply', outcome: 'reply' },
  { kind: 'outlookReply', outcome: 'reply' },
  { kind: 'vacation', fixture: 'apple-vacation.eml', outcome: 'automatic' },
  { kind: 'listNotice', fixture: 'list-server-notice.eml', outcome: 'automatic' },
  { kind: 'daemonBounce', fixture: 'daemon-plain-bounce.eml', outcome: 'bounce' },
  { kind: 'complaint', fixture: 'arf-complaint-mixed.eml', outcome: 'automatic' },
  { kind: 'readReceipt', fixture: 'mdn-read-receipt.eml', outcome: 'automatic' },
  { kind: 'readReceiptText', fixture: 'mdn-in-text.eml', outcome: 'automatic' },
  { kind: 'challenge', fixture: 'challenge-response.eml', outcome: 'automatic' },
];
const BATCH_SIZE = 520;

function batchMessage(
  kind: string,
  fixture: string | undefined,
  i: number,
  vars: Record<string, string>,
): Buffer {
  const id = `mixed-${i}@bench.example`;
  const reply = (contentType: string, lines: string[]) =>
    plain(vars.FROM!, `Re: [${vars.REF}] Orders`, lines.join('\r\n'), id, [
      `In-Reply-To: <${vars.ACK_ID}>`,
      `References: <${vars.THREAD}> <${vars.ACK_ID}>`,
    ])
      .toString()
      .replace('Content-Type: text/plain; charset=utf-8', `Content-Type: ${contentType}`);
  if (kind === 'new') return plain(vars.FROM!, `Mixed ${i}`, `Orders stuck, case ${i}.`, id);
  if (kind === 'flowedReply') {
    return Buffer.from(
      reply('text/plain; charset=utf-8; format=flowed; delsp=yes', [
        'Синхронизация снова не рабо ',
        'тает.',
        '',
        '1 декабря 2026 г., в 10:00, пользователь Support Desk <support@desk.localhost> ',
        'написал: ',
        '> We have received your ',
        '> request.',
      ]),
    );
  }
  if (kind === 'outlookReply') {
    return Buffer.from(
      reply('text/plain; charset=utf-8', [
        'Pedidos siguen sin sincronizar.',
        '',
        'De: Support Desk',
        'Enviado: lunes, 1 de diciembre de 2026 10:00',
        'Para: Ana',
        'Asunto: [B2B-1] Orders',
        '',
        'We have received your request.',
      ]),
    );
  }
  let text = readFileSync(new URL(`../test/email/fixtures/${fixture}`, import.meta.url), 'latin1');
  for (const [key, value] of Object.entries({ TO: SUPPORT, ...vars }))
    text = text.replaceAll(`{{${key}}}`, value);
  text = text.replace(/^Message-ID: <[^>]*>/im, `Message-ID: <${id}>`);
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** Runs `step` on each message, one at a time: per-message times and the highest RSS sampled. */
async function timed(messages: readonly Buffer[], step: (raw: Buffer, i: number) => Promise<unknown>) {
  global.gc?.();
  const times: number[] = [];
  let peak = process.memoryUsage().rss;
  for (let i = 0; i < messages.length; i++) {
    const started = performance.now();
    await step(messages[i]!, i);
    times.push(performance.now() - started);
    if (i % 10 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  return {
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    peak: Math.max(peak, process.memoryUsage().rss),
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const total = Number(process.env.BENCH_EMAIL_MESSAGES ?? 1000);
  const db = await startDynamoDbLocal();
  const admin = localClient(db.endpoint);
  await ensureTable(admin, TABLE);
  admin.destroy();
  process.env.TABLE_NAME = TABLE;
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  process.env.LOG_LEVEL = 'warn';
  const dataDir = mkdtempSync(join(tmpdir(), 'desk-email-bench-'));
  // Paged lists seal their cursors with the deployment's secret: a file, as under `npm start`.
  process.env.CURSOR_SECRET_FILE = join(dataDir, 'cursor-secret');
  const ctx = runtimeContext();
  const now = new Date().toISOString();
  const catalog = unlimitedB2Bee('b2bee-email-bench');
  await putCatalog(ctx.store, catalog, new Date());
  const accounts: { id: string; contacts: string[] }[] = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    const id = `bench-${a}`;
    await createAccount(ctx.store, {
      id,
      name: `Bench ${a}`,
      referencePrefix: `BM${String.fromCharCode(65 + a)}`,
      catalogId: catalog.id,
      contract: { accountId: id, planId: 'premium', startDate: '2026-01-01' },
      contactCount: 0,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    const contacts = [`one@bench${a}.example`, `two@bench${a}.example`];
    for (const email of contacts)
      await addContact(ctx.store, { accountId: id, email, createdAt: now }, undefined);
    accounts.push({ id, contacts });
  }
  const blobs = new LocalBlobs(join(dataDir, 'mail'));
  const intake = createIntake({ context: runtimeContext, blobs, settings: mailSettings(SUPPORT) });
  const handle = sesIntakeHandler(intake, 'inbound/');
  const deliver = async (id: string, raw: Buffer) => {
    await blobs.putOnce(`inbound/${id}`, raw, 'message/rfc822');
    const pass = { status: 'PASS' as const };
    const [result] = await handle({
      Records: [
        {
          eventSource: 'aws:ses',
          eventVersion: '1.0',
          ses: {
            mail: {
              timestamp: now,
              source: 'bench@bench.example',
              messageId: id,
              destination: [SUPPORT],
              headersTruncated: false,
              headers: [],
              commonHeaders: { returnPath: '', date: '', messageId: '' },
            },
            receipt: {
              timestamp: now,
              processingTimeMillis: 0,
              recipients: [SUPPORT],
              spamVerdict: pass,
              virusVerdict: pass,
              spfVerdict: pass,
              dkimVerdict: pass,
              dmarcVerdict: pass,
              action: { type: 'Lambda', functionArn: 'bench', invocationType: 'Event' },
            },
          },
        },
      ],
    });
    return result!;
  };

  // A few small messages first: a warm container, as most Lambda invocations are.
  for (let i = 0; i < 5; i++) {
    await deliver(
      `warm-${i}`,
      plain(accounts[i]!.contacts[0]!, 'Warm up', 'Hello', `warm-${i}@bench.example`),
    );
  }
  // (d) the mixed batch, before the 10 MB message inflates the heap. One ticket per account for
  // the replies and reports to name (our token in their References, as on real mail).
  const settings = mailSettings(SUPPORT);
  const tickets: { vars: Record<string, string> }[] = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    const account = accounts[a]!;
    const opened = await deliver(
      `seed-${a}`,
      plain(account.contacts[0]!, 'Seed', 'Seed', `seed-${a}@bench.example`),
    );
    const ticket = await getTicket(ctx.store, opened.ticketId!);
    tickets.push({
      vars: {
        FROM: account.contacts[0]!,
        REF: ticket!.reference,
        ACK_ID: outboundMessageId(ticket!.id, `ack${a}`, settings),
        THREAD: outboundMessageId(ticket!.id, 'thread', settings),
      },
    });
  }
  const batch = Array.from({ length: BATCH_SIZE }, (_, i) => {
    const { kind, fixture, outcome } = BATCH[i % BATCH.length]!;
    return {
      outcome,
      raw: batchMessage(kind, fixture, i, tickets[Math.floor(i / BATCH.length) % ACCOUNTS]!.vars),
    };
  });
  const raws = batch.map((b) => b.raw);
  const parseOnly = await timed(raws, (raw) => PostalMime.parse(raw));
  const decision = await timed(raws, async (raw) => {
    const mail = await parseMail(raw);
    if (classifyMail(mail, settings).kind === 'person') await mailBody(mail);
  });
  let mixedWrong = 0;
  const intakeRun = await timed(raws, async (raw, i) => {
    const result = await deliver(`mixed-${i}`, raw);
    if (result.outcome !== batch[i]!.outcome) mixedWrong += 1;
  });

  // (b) then, on a quiet process: one 10 MB message.
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const big = tenMegabytes(accounts[0]!.contacts[0]!);
  const bigStarted = performance.now();
  const bigResult = await deliver('bench-10mb', big);
  const bigMs = performance.now() - bigStarted;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  if (bigResult.outcome !== 'ticket') throw new Error(`10 MB message ended as ${bigResult.outcome}`);

  // (a) small messages, one at a time.
  const small: number[] = [];
  for (let i = 0; i < 200; i++) {
    const account = accounts[i % ACCOUNTS]!;
    const raw = plain(
      account.contacts[i % 2]!,
      `Small ${i}`,
      `Orders stuck, case ${i}.\n\nThanks`,
      `small-${i}@bench.example`,
    );
    const started = performance.now();
    const result = await deliver(`small-${i}`, raw);
    small.push(performance.now() - started);
    if (result.outcome !== 'ticket') throw new Error(`small message ended as ${result.outcome}`);
  }
  // One known ticket per account for the replies to name in their subjects.
  const references = new Map<string, string>();
  for (const account of accounts) {
    const page = await listTicketsOfAccount(ctx.store, account.id, { limit: 1 });
    references.set(account.id, page.items[0]!.reference);
  }
  const ticketsBefore = new Map<string, number>();
  for (const account of accounts) ticketsBefore.set(account.id, await countTickets(account.id));
  const repliesBefore = new Map<string, number>();
  for (const account of accounts) {
    const ticket = (await listTicketsOfAccount(ctx.store, account.id, { limit: 1 })).items[0]!;
    repliesBefore.set(ticket.id, await countMessages(ticket.id));
  }

  // (c) 1,000 messages through the SMTP server, 8 concurrent senders.
  const smtp = await startSmtpServer({
    host: '127.0.0.1',
    port: 0,
    supportAddress: SUPPORT,
    dataDir,
    context: runtimeContext,
  });
  const plan = Array.from({ length: total }, (_, i) => {
    const kind = MIX[i % MIX.length]!;
    const account = accounts[Math.floor(i / MIX.length) % ACCOUNTS]!;
    return { i, kind, account, messageId: `smtp-${i}@bench.example` };
  });
  let next = 0;
  let retries = 0;
  const sendStarted = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        ignoreTLS: true,
      });
      while (next < plan.length) {
        const item = plan[next++]!;
        const from =
          item.kind === 'unknown'
            ? `stranger${item.i}@elsewhere.example`
            : item.kind === 'list'
              ? 'digest@lists.example.org'
              : item.account.contacts[item.i % 2]!;
        const reference = references.get(item.account.id)!;
        const headers: Record<string, string> =
          item.kind === 'outOfOffice'
            ? { 'Auto-Submitted': 'auto-replied' }
            : item.kind === 'list'
              ? { 'List-Id': '<tips.lists.example.org>', Precedence: 'list' }
              : {};
        const subject =
          item.kind === 'reply'
            ? `Re: [${reference}] More details`
            : item.kind === 'outOfOffice'
              ? 'Out of office'
              : `Request ${item.i}`;
        for (let attempt = 0; ; attempt++) {
          try {
            await transport.sendMail({
              from,
              to: SUPPORT,
              subject,
              text: `Message ${item.i}`,
              messageId: `<${item.messageId}>`,
              headers,
            });
            break;
          } catch (error) {
            // A 451 is "try again later", as from any MTA: the client retries.
            if (attempt >= 5) throw error;
            retries += 1;
          }
        }
      }
      transport.close();
    }),
  );
  const sendMs = performance.now() - sendStarted;
  await smtp.stop();

  // Check every message in the table.
  const outcomes = new Map<string, number>();
  let lost = 0;
  let wrong = 0;
  const newPerAccount = new Map<string, number>();
  const repliesPerAccount = new Map<string, number>();
  for (const item of plan) {
    const marker = await findProcessedMail(ctx.store, item.messageId, '-');
    if (!marker) {
      lost += 1;
      continue;
    }
    outcomes.set(marker.outcome, (outcomes.get(marker.outcome) ?? 0) + 1);
    if (marker.outcome !== EXPECTED[item.kind]) wrong += 1;
    if (item.kind === 'new')
      newPerAccount.set(item.account.id, (newPerAccount.get(item.account.id) ?? 0) + 1);
    if (item.kind === 'reply')
      repliesPerAccount.set(item.account.id, (repliesPerAccount.get(item.account.id) ?? 0) + 1);
  }
  // Tickets and messages actually in the table, against what the markers say: doubles show here.
  let doubled = 0;
  let missing = 0;
  for (const account of accounts) {
    const expectedTickets = (ticketsBefore.get(account.id) ?? 0) + (newPerAccount.get(account.id) ?? 0);
    const actual = await countTickets(account.id);
    if (actual > expectedTickets) doubled += actual - expectedTickets;
    if (actual < expectedTickets) missing += expectedTickets - actual;
  }
  for (const [ticketId, before] of repliesBefore) {
    const ticket = await getTicket(ctx.store, ticketId);
    const expected = before + (repliesPerAccount.get(ticket!.accountId) ?? 0);
    const actual = await countMessages(ticketId);
    if (actual > expected) doubled += actual - expected;
    if (actual < expected) missing += expected - actual;
  }
  // (e) the largest messages, each in a process of its own (lib/email.ts sizes the intake by them).
  const large = await measureLarge(db.endpoint);
  await db.stop();

  return {
    ...large,
    mixed_messages: BATCH_SIZE,
    mixed_wrong_outcome: mixedWrong,
    mixed_parse_p50_ms: round(parseOnly.p50, 3),
    mixed_parse_p95_ms: round(parseOnly.p95, 3),
    mixed_parse_peak_rss_mb: round(parseOnly.peak / 2 ** 20),
    mixed_decision_p50_ms: round(decision.p50, 3),
    mixed_decision_p95_ms: round(decision.p95, 3),
    mixed_decision_p50_x_parse: round(decision.p50 / parseOnly.p50, 2),
    mixed_decision_p95_x_parse: round(decision.p95 / parseOnly.p95, 2),
    mixed_intake_p50_ms: round(intakeRun.p50),
    mixed_intake_p95_ms: round(intakeRun.p95),
    mixed_intake_p50_x_parse: round(intakeRun.p50 / parseOnly.p50),
    mixed_intake_p95_x_parse: round(intakeRun.p95 / parseOnly.p95),
    mixed_intake_peak_rss_mb: round(intakeRun.peak / 2 ** 20),
    mixed_intake_peak_rss_x_parse: round(intakeRun.peak / parseOnly.peak, 2),
    small_messages: small.length,
    small_intake_p50_ms: round(percentile(small, 0.5)),
    small_intake_p95_ms: round(percentile(small, 0.95)),
    mb10_message_bytes: big.byteLength,
    mb10_intake_ms: round(bigMs),
    mb10_rss_before_mb: round(rssBefore / 2 ** 20),
    mb10_peak_rss_mb: round(peakRss / 2 ** 20),
    smtp_messages: total,
    smtp_senders: SENDERS,
    smtp_seconds: round(sendMs / 1000, 2),
    smtp_messages_per_s: round(total / (sendMs / 1000)),
    smtp_client_retries: retries,
    ended_ticket: outcomes.get('ticket') ?? 0,
    ended_reply: outcomes.get('reply') ?? 0,
    ended_automatic: outcomes.get('automatic') ?? 0,
    ended_unknown_sender: outcomes.get('unknownSender') ?? 0,
    ended_other: [...outcomes]
      .filter(([o]) => !['ticket', 'reply', 'automatic', 'unknownSender'].includes(o))
      .reduce((n, [, c]) => n + c, 0),
    wrong_outcome: wrong,
    lost: lost + missing,
    doubled,
  };

  async function countTickets(accountId: string): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await listTicketsOfAccount(ctx.store, accountId, {
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  }

  async function countMessages(ticketId: string): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await listMessages(ctx.store, ticketId, {
        includeInternal: true,
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  }
}

if (import.meta.main) {
  if (process.argv[2] === '--large-one') {
    await largeOne(process.argv[3]!, process.argv[4]!);
  } else if (process.argv[2] === '--large') {
    const db = await startDynamoDbLocal();
    const admin = localClient(db.endpoint);
    await ensureTable(admin, TABLE);
    admin.destroy();
    console.table(await measureLarge(db.endpoint));
    await db.stop();
  } else {
    console.table(await run());
  }
  process.exit(0);
}
