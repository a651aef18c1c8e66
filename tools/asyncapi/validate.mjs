// Parses and validates an AsyncAPI document with @asyncapi/parser (the reference implementation), resolving its $refs
// to the JSON Schema files, and prints one JSON object describing what it found, for the tests to check:
//   {"valid":bool,"version":"3.0.0","diagnostics":[...],"channels":[{"id","address","messages":[...]}],
//    "messages":[{"id","name","payloadTitle","dataTitle","payloadProperties":[...],"headers":[...]}],"operations":[{"id","action","channel"}]}
// Exit 0 when the document is valid (no error diagnostics), 1 otherwise.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Parser, fromFile } from '@asyncapi/parser';

const path = resolve(process.argv[2] ?? 'docs/asyncapi.yaml');
const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, path).parse({ source: pathToFileURL(path).href });
const errors = diagnostics.filter(d => d.severity === 0);
const out = {
  valid: !!document && errors.length === 0,
  version: document?.version() ?? null,
  diagnostics: diagnostics.map(d => ({ severity: d.severity, code: d.code, message: d.message, path: d.path.join('.') })),
  channels: [],
  messages: [],
  operations: [],
};
if (document) {
  for (const channel of document.channels()) {
    out.channels.push({ id: channel.id(), address: channel.address(), messages: channel.messages().all().map(m => m.id()) });
  }
  for (const message of document.components().messages()) {
    const headers = message.headers();
    out.messages.push({
      id: message.id(),
      name: message.name() ?? null,
      payloadTitle: message.payload()?.title() ?? null,
      dataTitle: message.payload()?.properties()?.data?.title() ?? null,
      payloadProperties: Object.keys(message.payload()?.properties() ?? {}),
      headers: Object.keys(headers?.properties() ?? {}),
    });
  }
  for (const operation of document.operations()) {
    out.operations.push({ id: operation.id(), action: operation.action(), channel: operation.channels().all().map(c => c.id()) });
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(out.valid ? 0 : 1);
